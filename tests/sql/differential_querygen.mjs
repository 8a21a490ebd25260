// Seeded random SQL for the differential test (tests/sql/differential.mjs): every query is
// generated twice in step, once in lakewatch's dialect (Spark SQL) and once in DuckDB's, from
// the same random choices. The header of differential.mjs lists what is generated, what is
// excluded and why, and every translation between the dialects.
//
//   const gen = new QueryGenerator({ disabled: new Set(['tag', ...]) });
//   const q = gen.Generate(seed, index);
//   // q = { spark, duck, order: 'none'|'total'|'partial', orderCols: [i...], features: [...] }
//
// `disabled` names generation features (the tags in kFeatures) that are never chosen, so that a
// known lakewatch bug can be stepped around without changing the other queries much.
// Query `index` of seed `seed` depends only on (seed, index), so one query reproduces alone.

import { Random } from '../ingest/ingest_common.mjs';
import { kStart, kDays } from './differential_data.mjs';

// ---------------------------------------------------------------- expressions

// An expression in both dialects. type: int | double | string | bool | ts | date | list | struct.
//   exact  the two engines compute the identical value (row-level expressions, counts, sums of
//          integers or of dyadic doubles); false for sums/averages of arbitrary doubles and for
//          stddev, which may differ in the last bits (compared to 1e-9 relative, never used as a
//          grouping key, sort key, or in a predicate)
//   sumok  sum() of it is exact or well conditioned: integers, dyadic doubles (multiples of 1/8
//          below 2^20, see differential_data.mjs) or doubles of one sign
//   dyadic a double that is a multiple of 1/8 below 2^20 (or null)
//   sign   'pos' (>= 0), 'neg' (<= 0) or 'any'
//   ascii  a string with ASCII letters only (upper/lower/ILIKE agree)
//   agg    contains an aggregate
//   fields struct: [{name, type, ...props}] of its members
class X {
  constructor(spark, duck, type, props = {}) {
    this.s = spark;
    this.d = duck;
    this.type = type;
    this.exact = props.exact ?? true;
    this.dyadic = props.dyadic ?? false;
    this.sign = props.sign ?? 'any';
    this.ascii = props.ascii ?? false;
    this.agg = props.agg ?? false;
    this.fields = props.fields ?? null;
    this.domain = props.domain ?? null;  // literal values typical of the column
    this.sumok = props.sumok ?? (type === 'int' || this.dyadic || this.sign !== 'any');
  }
}

function Both(text, type, props) { return new X(text, text, type, props); }

// f(a, b, ...) with the same name in both dialects; props inherited from `from`.
function Fn(name, args, type, props = {}) {
  return new X(`${name}(${args.map((a) => a.s).join(', ')})`, `${name}(${args.map((a) => a.d).join(', ')})`,
               type, { agg: args.some((a) => a.agg), exact: args.every((a) => a.exact), ...props });
}

function Op(a, op, b, type, props = {}) {
  return new X(`(${a.s} ${op} ${b.s})`, `(${a.d} ${op} ${b.d})`, type,
               { agg: a.agg || b.agg, exact: a.exact && b.exact, ...props });
}

const kNumeric = new Set(['int', 'double']);
const kScalar = new Set(['int', 'double', 'string', 'bool', 'ts', 'date']);
const kOrderable = kScalar;

function Pad(n, w = 2) { return String(n).padStart(w, '0'); }

function TsText(ms) {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${Pad(d.getUTCMonth() + 1)}-${Pad(d.getUTCDate())} ` +
         `${Pad(d.getUTCHours())}:${Pad(d.getUTCMinutes())}:${Pad(d.getUTCSeconds())}`;
}

// String literals: Spark escapes with a backslash ('it\'s'; 'it''s' is two adjacent literals,
// concatenated: "its"); DuckDB doubles the quote and has no backslash escapes.
const Str = (s) => `'${s.replaceAll("'", "''")}'`;
const SparkStr = (s) => `'${s.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;

// ---------------------------------------------------------------- tables

// Columns of a base table under qualifier `q` ('' or 'e.'), as expressions.
function Ident(name) {
  // `timestamp` and `date` are type names: quoted in both dialects.
  if (name === 'timestamp' || name === 'date') return { s: `\`${name}\``, d: `"${name}"` };
  return { s: name, d: name };
}

function Col(q, path, type, props = {}) {
  const parts = path.split('.');
  const head = Ident(parts[0]);
  const rest = parts.slice(1).map((p) => '.' + p).join('');
  return new X(`${q}${head.s}${rest}`, `${q}${head.d}${rest}`, type, props);
}

const kCountryDomain = ['US', 'DE', 'IN', 'BR', '', 'X000', 'X001', 'X017', 'X299', 'ZZ'];
const kLevelDomain = ['INFO', 'WARN', 'ERROR', 'DEBUG', 'info', '', 'FATAL'];
const kModelDomain = ['churn', 'fraud', 'ranker', 'ctr', 'pricing', 'unused'];
const kRidDomain = ['r000001', 'r000100', 'r001234', 'r010000', '', 'u3', 'zzz'];
const kTagDomain = ['a', 'b', 'beta', 'canary', 'eu', 'gpu', '', 'nope'];

export function EventsColumns(q) {
  return [
    Col(q, 'timestamp', 'ts'),
    Col(q, 'date', 'date'),
    Col(q, 'model.name', 'string', { ascii: true, domain: kModelDomain }),
    Col(q, 'model.version', 'int', { sign: 'pos', domain: [0, 1, 2, 3, 4, 5] }),
    Col(q, 'request_id', 'string', { ascii: true, domain: kRidDomain }),
    Col(q, 'features.amount', 'double', { dyadic: true, domain: [0, -0.5, 1.5, 100, 250.125, -3.25, 1000, 1e5] }),
    Col(q, 'features.age', 'int', { domain: [0, 1, 18, 30, 65, 110, -1, -5] }),
    Col(q, 'features.country', 'string', { ascii: true, domain: kCountryDomain }),
    Col(q, 'features.flag', 'bool'),
    Col(q, 'latency_ms', 'double', { sign: 'pos', domain: [0, 2, 5.5, 10, 100, 1000, 1e5] }),
    Col(q, 'score', 'double', { sign: 'pos', domain: [0, 0.1, 0.5, 0.9, 1] }),
    Col(q, 'status', 'int', { sign: 'pos', domain: [200, 201, 404, 429, 500, 0] }),
    Col(q, 'level', 'string', { ascii: true, domain: kLevelDomain }),
    Col(q, 'message', 'string', { domain: ['model loaded', '', 'user 12 logged in', 'Zürich 東京 naïve — “quotes”'] }),
    Col(q, 'tags', 'list'),
    Col(q, 'session', 'string', { ascii: true, domain: ['s1', 's17', 's400', 's0'] }),
    Col(q, 'model', 'struct', { fields: [['name', 'string'], ['version', 'int']] }),
    Col(q, 'features', 'struct', { fields: [['amount', 'double'], ['age', 'int'], ['country', 'string'], ['flag', 'bool']] }),
  ];
}

export function LabelsColumns(q) {
  return [
    Col(q, 'timestamp', 'ts'),
    Col(q, 'date', 'date'),
    Col(q, 'request_id', 'string', { ascii: true, domain: kRidDomain }),
    Col(q, 'label', 'int', { sign: 'pos', domain: [0, 1, 2] }),
    Col(q, 'weight', 'double', { dyadic: true, domain: [0, 1, 2.5, -1, 10] }),
  ];
}

export function ModelsColumns(q) {
  return [
    Col(q, 'name', 'string', { ascii: true, domain: kModelDomain }),
    Col(q, 'owner', 'string', { ascii: true, domain: ['ana', 'bo', 'cy', 'dup', 'x'] }),
    Col(q, 'tier', 'int', { sign: 'pos', domain: [1, 2, 3, 9] }),
  ];
}

// ---------------------------------------------------------------- the generator

// Generation features that a KNOWN_BUG switch can turn off (differential.mjs). Each tag names
// one construct; `Choose` never picks an option whose tag is disabled.
export const kFeatures = [
  'arith', 'case', 'simple_case', 'coalesce', 'is_null', 'in', 'not_in', 'in_null', 'between', 'like', 'ilike',
  'rlike', 'nested', 'struct_out', 'list_out', 'size', 'subscript', 'array_contains', 'date_trunc',
  'hour', 'to_date', 'date_add', 'interval', 'datediff', 'dayofweek', 'mod', 'div_lit', 'abs', 'neg',
  'floor_ceil', 'round', 'greatest_least', 'nullif', 'concat', 'upper_lower', 'substring', 'trim',
  'length', 'cast_string', 'cast_double', 'null_safe_eq', 'is_bool', 'not', 'or',
  'count_distinct', 'count_if', 'stddev', 'avg', 'sum', 'minmax_bool', 'minmax_string', 'minmax_ts',
  'having', 'order_by', 'limit', 'distinct', 'distinct_list', 'join_inner', 'join_left', 'join_dim',
  'subquery', 'cte', 'cte_join', 'union_all', 'group_expr', 'global_agg', 'offset',
  'quote_literal', 'struct_is_null', 'join_right', 'join_full_outer', 'nested_subquery', 'union', 'intersect', 'except',
  'mixed_arith', 'mod_double', 'ts_vs_date', 'filter_agg_over_derived', 'group_by_all', 'order_ordinal',
  'join_using', 'upper_lower_unicode',
];

export class QueryGenerator {
  constructor({ disabled = new Set() } = {}) {
    this.disabled_ = disabled;
  }

  // Query `index` of seed `seed`.
  Generate(seed, index) {
    const rand = Random((Math.imul(seed, 1000003) + index * 7919 + 12345) >>> 0);
    this.rand_ = rand;
    this.features_ = new Set();
    const q = this.Query();
    return { ...q, features: [...this.features_].sort() };
  }

  // ------------------------------------------------------------ random helpers
  R() { return this.rand_(); }
  Int(lo, hi) { return lo + Math.floor(this.R() * (hi - lo + 1)); }
  Pick(a) { return a[Math.floor(this.R() * a.length)]; }
  Chance(p) { return this.R() < p; }
  On(tag) { return !this.disabled_.has(tag); }
  Use(tag) { if (tag) this.features_.add(tag); }
  // options: [[weight, tag|null, fn]]: a weighted choice among the enabled ones.
  Choose(options) {
    const ok = options.filter(([w, tag]) => w > 0 && (!tag || this.On(tag)));
    let total = 0;
    for (const [w] of ok) total += w;
    let r = this.R() * total;
    for (const [w, tag, fn] of ok) {
      r -= w;
      if (r <= 0) {
        this.Use(tag);
        return fn();
      }
    }
    const [, tag, fn] = ok[ok.length - 1];
    this.Use(tag);
    return fn();
  }

  // ------------------------------------------------------------ literals
  Literal(type, col = null) {
    const x = this.LiteralOf(type, col);
    x.lit = true;
    return x;
  }

  LiteralOf(type, col) {
    const dom = col && col.domain && this.Chance(0.8) ? col.domain : null;
    switch (type) {
      case 'int': {
        const v = dom ? this.Pick(dom) : this.Pick([0, 1, 2, 3, 5, 10, 42, 100, -1, -7]);
        return Both(v < 0 ? `(${v})` : String(v), 'int', { sign: v >= 0 ? 'pos' : 'neg' });
      }
      case 'double': {
        // Exponent form: a DOUBLE literal in both dialects (1.5 alone is a DECIMAL in both).
        const v = dom ? this.Pick(dom) : this.Pick([0, 0.5, 1.25, 2, 10.5, 100, -2.5, -0.125]);
        const t = `${v}E0`;
        return Both(v < 0 ? `(${t})` : t, 'double', { dyadic: true, sign: v >= 0 ? 'pos' : 'neg' });
      }
      case 'string': {
        const v = dom ? this.Pick(dom) : this.Pick(['', 'a', 'US', 'INFO', "it's", 'x y', 'Zürich', 'back\\slash']);
        if (/['\\]/.test(v)) this.Use('quote_literal');
        return new X(SparkStr(v), Str(v), 'string', { ascii: /^[A-Za-z]*$/.test(v) });
      }
      case 'bool':
        return Both(this.Pick(['true', 'false']), 'bool');
      case 'ts': {
        const ms = kStart + this.Int(-2, kDays * 24 + 2) * 3600000 + this.Pick([0, 0, 1800000, 59000]);
        const t = TsText(ms);
        return new X(`TIMESTAMP '${t}'`, `TIMESTAMPTZ '${t}+00'`, 'ts');
      }
      case 'date': {
        const ms = kStart + this.Int(-1, kDays) * 86400000;
        return Both(`DATE '${TsText(ms).slice(0, 10)}'`, 'date');
      }
      default:
        throw new Error(`no literal of type ${type}`);
    }
  }

  // NULL of a type, spelled so both engines type it.
  Null(type) {
    const name = { int: 'INT', double: 'DOUBLE', string: 'STRING', bool: 'BOOLEAN', ts: 'TIMESTAMP', date: 'DATE' }[type];
    const dname = { int: 'INTEGER', double: 'DOUBLE', string: 'VARCHAR', bool: 'BOOLEAN', ts: 'TIMESTAMPTZ', date: 'DATE' }[type];
    return new X(`CAST(NULL AS ${name})`, `CAST(NULL AS ${dname})`, type);
  }

  // ------------------------------------------------------------ row-level expressions
  // cols: the source's columns (X); only exact ones are used outside aggregates' arguments
  // when `exactOnly`.
  ColOf(cols, type, pred = () => true) {
    const c = cols.filter((x) => x.type === type && pred(x));
    return c.length ? this.Pick(c) : null;
  }

  Expr(cols, type, depth) {
    const col = this.ColOf(cols, type);
    // Mostly columns: a compound expression at a quarter of the nodes, a literal rarely.
    const compound = depth > 0 && (this.Chance(0.4) || (!col && this.Chance(0.8)));
    if (!compound) {
      if (col && this.Chance(0.92)) return col;
      return type === 'list' || type === 'struct' ? col : this.Literal(type);
    }
    switch (type) {
      case 'int': return this.IntExpr(cols, depth - 1);
      case 'double': return this.DoubleExpr(cols, depth - 1);
      case 'string': return this.StringExpr(cols, depth - 1);
      case 'bool': return this.Pred(cols, depth);
      case 'ts': return this.TsExpr(cols, depth - 1);
      case 'date': return this.DateExpr(cols, depth - 1);
      default: return col;
    }
  }

  Case(cols, type, depth) {
    return this.Choose([
      [3, 'case', () => {
        const n = this.Int(1, 2);
        let s = 'CASE';
        let d = 'CASE';
        const parts = [];
        for (let i = 0; i < n; i++) {
          const w = this.Pred(cols, depth);
          const t = this.Expr(cols, type, depth);
          s += ` WHEN ${w.s} THEN ${t.s}`;
          d += ` WHEN ${w.d} THEN ${t.d}`;
          parts.push(t);
        }
        if (this.Chance(0.7)) {
          const e = this.Expr(cols, type, depth);
          s += ` ELSE ${e.s}`;
          d += ` ELSE ${e.d}`;
          parts.push(e);
        }
        return new X(s + ' END', d + ' END', type, this.Merge(parts, type));
      }],
      [1, 'simple_case', () => {
        const opType = this.Pick(['int', 'string']);
        const op = this.Expr(cols, opType, 0);
        let s = `CASE ${op.s}`;
        let d = `CASE ${op.d}`;
        const parts = [];
        for (let i = 0; i < this.Int(1, 3); i++) {
          const l = this.Literal(opType, op);
          const t = this.Expr(cols, type, depth);
          s += ` WHEN ${l.s} THEN ${t.s}`;
          d += ` WHEN ${l.d} THEN ${t.d}`;
          parts.push(t);
        }
        const e = this.Expr(cols, type, depth);
        parts.push(e);
        return new X(`${s} ELSE ${e.s} END`, `${d} ELSE ${e.d} END`, type, this.Merge(parts, type));
      }],
    ]);
  }

  // Props of an expression that is one of `parts`.
  Merge(parts, type) {
    const signs = new Set(parts.map((p) => p.sign));
    return {
      exact: parts.every((p) => p.exact),
      dyadic: type === 'double' && parts.every((p) => p.dyadic),
      sign: signs.size === 1 ? [...signs][0] : 'any',
      ascii: parts.every((p) => p.ascii),
      agg: parts.some((p) => p.agg),
    };
  }

  Coalesce(cols, type, depth) {
    const a = this.Expr(cols, type, depth);
    const b = this.Chance(0.7) ? this.Literal(type, a) : this.Expr(cols, type, depth);
    return Fn('coalesce', [a, b], type, this.Merge([a, b], type));
  }

  IntExpr(cols, depth) {
    const I = () => this.Expr(cols, 'int', depth);
    return this.Choose([
      [3, 'arith', () => {
        const a = I(), b = I();
        const op = this.Pick(['+', '-']);
        return Op(a, op, b, 'int', { sign: op === '+' && a.sign === b.sign ? a.sign : 'any' });
      }],
      [2, 'arith', () => {
        const a = I();
        const k = this.Pick([2, 3, -1, 10]);
        return new X(`(${a.s} * ${k < 0 ? `(${k})` : k})`, `(${a.d} * ${k < 0 ? `(${k})` : k})`, 'int',
                     { exact: a.exact, agg: a.agg, sign: k > 0 ? a.sign : a.sign === 'pos' ? 'neg' : 'any' });
      }],
      [1, 'neg', () => {
        const a = I();
        return new X(`(- ${a.s})`, `(- ${a.d})`, 'int', { exact: a.exact, agg: a.agg });
      }],
      [1, 'abs', () => Fn('abs', [I()], 'int', { sign: 'pos' })],
      [2, 'mod', () => {
        // Both truncate: the result has the sign of the dividend.
        const a = I();
        const k = this.Pick([2, 3, 7, 10]);
        return new X(`(${a.s} % ${k})`, `(${a.d} % ${k})`, 'int', { exact: a.exact, agg: a.agg, sign: a.sign });
      }],
      [2, null, () => this.Case(cols, 'int', depth)],
      [2, 'coalesce', () => this.Coalesce(cols, 'int', depth)],
      [2, 'length', () => Fn('length', [this.Expr(cols, 'string', depth)], 'int', { sign: 'pos' })],
      [2, 'hour', () => {
        const t = this.Expr(cols, 'ts', depth);
        const f = this.Pick(['hour', 'minute', 'day', 'month', 'year']);
        return Fn(f, [t], 'int', { sign: 'pos' });
      }],
      [1, 'dayofweek', () => {
        // Spark 1 = Sunday .. 7; DuckDB 0 = Sunday .. 6.
        const t = this.Expr(cols, this.Pick(['ts', 'date']), depth);
        return new X(`dayofweek(${t.s})`, `(dayofweek(${t.d}) + 1)`, 'int', { exact: t.exact, agg: t.agg, sign: 'pos' });
      }],
      [1, 'datediff', () => {
        // Spark datediff(end, start) = DuckDB datediff('day', start, end).
        const a = this.Expr(cols, 'date', depth), b = this.Expr(cols, 'date', depth);
        return new X(`datediff(${a.s}, ${b.s})`, `datediff('day', ${b.d}, ${a.d})`, 'int',
                     { exact: a.exact && b.exact, agg: a.agg || b.agg });
      }],
      [2, 'size', () => {
        // Spark (non-ANSI, spark.sql.legacy.sizeOfNull=true): size(NULL) = -1.
        const l = this.ColOf(cols, 'list');
        if (!l) return this.Literal('int');
        return new X(`size(${l.s})`, `(CASE WHEN ${l.d} IS NULL THEN -1 ELSE len(${l.d}) END)`, 'int', {});
      }],
      [2, 'floor_ceil', () => {
        // Spark returns bigint, DuckDB double: cast on DuckDB's side.
        const a = this.Expr(cols, 'double', depth);
        const f = this.Pick(['floor', 'ceil']);
        return new X(`${f}(${a.s})`, `CAST(${f}(${a.d}) AS BIGINT)`, 'int', { exact: a.exact, agg: a.agg, sign: a.sign });
      }],
    ]);
  }

  DoubleExpr(cols, depth) {
    const D = () => this.Expr(cols, 'double', depth);
    return this.Choose([
      [3, 'arith', () => {
        const a = D();
        const b = this.Chance(0.5) ? this.Literal('double', a) : D();
        const op = this.Pick(['+', '-']);
        const sign = op === '+' && a.sign === b.sign ? a.sign
          : op === '-' && a.sign === 'pos' && b.sign === 'neg' ? 'pos' : 'any';
        return Op(a, op, b, 'double', { dyadic: a.dyadic && b.dyadic, sign });
      }],
      [2, 'arith', () => {
        // times a small power of two: stays dyadic (values stay below 2^23)
        const a = D();
        const k = this.Pick(['2E0', '0.5E0', '4E0', '(-1E0)']);
        return new X(`(${a.s} * ${k})`, `(${a.d} * ${k})`, 'double', {
          exact: a.exact, agg: a.agg, dyadic: a.dyadic,
          sign: k.startsWith('(') ? (a.sign === 'pos' ? 'neg' : a.sign === 'neg' ? 'pos' : 'any') : a.sign });
      }],
      [1, 'arith', () => {
        const a = D(), b = D();
        return Op(a, '*', b, 'double', { sign: a.sign === 'pos' && b.sign === 'pos' ? 'pos' : 'any' });
      }],
      [2, 'div_lit', () => {
        // Division by a non-zero literal only: x / 0 is NULL in Spark, Infinity/NaN in DuckDB.
        const a = this.Chance(0.5) ? D() : this.Expr(cols, 'int', depth);
        const k = this.Pick(['3', '2', '7', '1.5E0', '(-4)']);
        return new X(`(${a.s} / ${k})`, `(${a.d} / ${k})`, 'double',
                     { exact: a.exact, agg: a.agg, sign: k.startsWith('(') ? 'any' : a.sign });
      }],
      [1, 'mixed_arith', () => {
        // an integer and a double: the integer is widened in both
        const a = D(), b = this.Expr(cols, 'int', depth);
        return Op(a, this.Pick(['+', '-']), b, 'double', {});
      }],
      [1, 'mod_double', () => {
        // fmod in both: the sign of the dividend
        const a = D();
        const k = this.Pick(['2.5E0', '1E0', '0.125E0']);
        return new X(`(${a.s} % ${k})`, `(${a.d} % ${k})`, 'double', { exact: a.exact, agg: a.agg, dyadic: a.dyadic });
      }],
      [1, 'neg', () => {
        const a = D();
        return new X(`(- ${a.s})`, `(- ${a.d})`, 'double', { exact: a.exact, agg: a.agg, dyadic: a.dyadic });
      }],
      [1, 'abs', () => { const a = D(); return Fn('abs', [a], 'double', { dyadic: a.dyadic, sign: 'pos' }); }],
      [2, null, () => this.Case(cols, 'double', depth)],
      [2, 'coalesce', () => this.Coalesce(cols, 'double', depth)],
      [1, 'greatest_least', () => {
        // Both skip NULL arguments.
        const a = D(), b = this.Chance(0.5) ? this.Literal('double', a) : D();
        return Fn(this.Pick(['greatest', 'least']), [a, b], 'double', this.Merge([a, b], 'double'));
      }],
      [1, 'nullif', () => {
        const a = D();
        return Fn('nullif', [a, this.Literal('double', a)], 'double', { dyadic: a.dyadic, sign: a.sign });
      }],
      [1, 'round', () => {
        // Only over dyadic values (multiples of 1/8): Spark's HALF_UP on the decimal text and
        // DuckDB's round(x * 10^d) / 10^d agree there.
        const a = this.ColOf(cols, 'double', (c) => c.dyadic) ?? this.Literal('double');
        const k = this.Int(0, 2);
        return new X(`round(${a.s}, ${k})`, `round(${a.d}, ${k})`, 'double', { exact: a.exact, agg: a.agg });
      }],
      [2, 'cast_double', () => {
        const a = this.Expr(cols, 'int', depth);
        return new X(`CAST(${a.s} AS DOUBLE)`, `CAST(${a.d} AS DOUBLE)`, 'double',
                     { exact: a.exact, agg: a.agg, dyadic: true, sign: a.sign });
      }],
    ]);
  }

  StringExpr(cols, depth) {
    const S = () => this.Expr(cols, 'string', depth);
    return this.Choose([
      [2, 'concat', () => {
        // || in both (NULL in, NULL out); DuckDB's concat() skips NULLs, Spark's does not.
        const a = S(), b = this.Chance(0.5) ? this.Literal('string') : S();
        return Op(a, '||', b, 'string', { ascii: a.ascii && b.ascii });
      }],
      [2, 'upper_lower', () => {
        // Non-ASCII input only with one-to-one case mappings (ü, ï, Greek; never ß, which Spark
        // upper-cases to SS and DuckDB to ẞ).
        let a = this.ColOf(cols, 'string', (c) => c.ascii) ?? this.Literal('string');
        if (this.On('upper_lower_unicode') && this.Chance(0.3)) {
          a = this.ColOf(cols, 'string', (c) => !c.ascii && c.domain) ??
              this.Pick([Both("'Zürich'", 'string'), Both("'ÜBER naïve'", 'string'), Both("'ΑΒΓ δ'", 'string')]);
        }
        if (!/^[\x00-\x7f]*$/.test(a.s) || !a.ascii) {
          if (!this.On('upper_lower_unicode')) a = Both("'INFO'", 'string', { ascii: true });
          else this.Use('upper_lower_unicode');
        }
        return Fn(this.Pick(['upper', 'lower']), [a], 'string', { ascii: a.ascii });
      }],
      [2, 'substring', () => {
        // Start >= 1 and a length >= 0 only (0 and negative starts differ).
        const a = S();
        const p = this.Int(1, 4), n = this.Int(0, 5);
        return new X(`substring(${a.s}, ${p}, ${n})`, `substring(${a.d}, ${p}, ${n})`, 'string',
                     { exact: a.exact, agg: a.agg, ascii: a.ascii });
      }],
      [1, 'trim', () => { const a = S(); return Fn('trim', [a], 'string', { ascii: a.ascii }); }],
      [2, null, () => this.Case(cols, 'string', depth)],
      [2, 'coalesce', () => this.Coalesce(cols, 'string', depth)],
      [2, 'cast_string', () => {
        // Integers, dates and booleans only: doubles and timestamps print differently.
        const t = this.Pick(['int', 'date', 'bool']);
        const a = this.Expr(cols, t, depth);
        return new X(`CAST(${a.s} AS STRING)`, `CAST(${a.d} AS VARCHAR)`, 'string', { exact: a.exact, agg: a.agg });
      }],
      [1, 'subscript', () => {
        // Spark arrays are 0-based, DuckDB lists 1-based; out of range is NULL in both.
        const l = this.ColOf(cols, 'list');
        if (!l) return this.Literal('string');
        const i = this.Int(0, 4);
        return new X(`${l.s}[${i}]`, `${l.d}[${i + 1}]`, 'string', { ascii: true });
      }],
    ]);
  }

  TsExpr(cols, depth) {
    const T = () => this.Expr(cols, 'ts', depth);
    return this.Choose([
      [3, 'date_trunc', () => {
        const u = this.Pick(['hour', 'day', 'minute', 'hour', 'day', 'month', 'week']);
        const t = T();
        return new X(`date_trunc('${u}', ${t.s})`, `date_trunc('${u}', ${t.d})`, 'ts', { exact: t.exact, agg: t.agg });
      }],
      [1, 'interval', () => {
        const t = T();
        const n = this.Int(1, 30);
        const u = this.Pick(['HOUR', 'MINUTE', 'DAY']);
        return new X(`(${t.s} + INTERVAL ${n} ${u})`, `(${t.d} + INTERVAL ${n} ${u})`, 'ts', { exact: t.exact, agg: t.agg });
      }],
      [1, 'coalesce', () => this.Coalesce(cols, 'ts', depth)],
      [1, null, () => this.Case(cols, 'ts', depth)],
    ]);
  }

  DateExpr(cols, depth) {
    return this.Choose([
      [3, 'to_date', () => {
        const t = this.Expr(cols, 'ts', depth);
        return new X(`CAST(${t.s} AS DATE)`, `CAST(${t.d} AS DATE)`, 'date', { exact: t.exact, agg: t.agg });
      }],
      [1, 'date_add', () => {
        const t = this.Expr(cols, 'date', depth);
        const n = this.Int(-3, 3);
        return new X(`date_add(${t.s}, ${n})`, `(${t.d} + (${n}))`, 'date', { exact: t.exact, agg: t.agg });
      }],
      [1, 'coalesce', () => this.Coalesce(cols, 'date', depth)],
    ]);
  }

  // A comparable pair: an expression and something of the same type to compare it with.
  Comparable(cols, depth) {
    const have = new Set(cols.map((c) => c.type));
    const types = ['int', 'int', 'double', 'double', 'string', 'string', 'ts', 'date', 'bool'];
    const t = this.Pick(types.filter((x) => have.has(x)).concat(['int']));
    const a = this.Expr(cols, t, Math.max(depth - 1, 0));
    let b;
    if (this.Chance(0.7)) b = this.Literal(t, a);
    else if (kNumeric.has(t) && this.Chance(0.4)) b = this.Expr(cols, t === 'int' ? 'double' : 'int', depth - 1);
    else if (t === 'ts' && this.On('ts_vs_date') && this.Chance(0.3)) {
      // a date compared with a timestamp is its midnight (UTC) in both
      this.Use('ts_vs_date');
      b = this.Literal('date');
    }
    else b = this.Expr(cols, t, depth - 1);
    return [a, b, t];
  }

  Pred(cols, depth) {
    const P = () => this.Pred(cols, depth - 1);
    const options = [
      [6, null, () => {
        const [a, b] = this.Comparable(cols, depth);
        return Op(a, this.Pick(['=', '<>', '<', '<=', '>', '>=']), b, 'bool');
      }],
      [1, 'null_safe_eq', () => {
        const [a, b] = this.Comparable(cols, depth);
        return new X(`(${a.s} <=> ${b.s})`, `(${a.d} IS NOT DISTINCT FROM ${b.d})`, 'bool',
                     { exact: a.exact && b.exact, agg: a.agg || b.agg });
      }],
      [3, 'is_null', () => {
        let t = this.Pick(['int', 'double', 'string', 'bool', 'ts', 'date', 'list', 'struct']);
        if (t === 'struct' && !this.On('struct_is_null')) t = 'int';
        const a = this.ColOf(cols, t) ?? this.Expr(cols, 'int', depth - 1);
        if (a.type === 'struct') this.Use('struct_is_null');
        const not = this.Chance(0.5) ? ' NOT' : '';
        return new X(`(${a.s} IS${not} NULL)`, `(${a.d} IS${not} NULL)`, 'bool', { exact: a.exact, agg: a.agg });
      }],
      [3, 'in', () => {
        const t = this.Pick(['int', 'string', 'string', 'double', 'date']);
        const a = this.Expr(cols, t, depth - 1);
        const items = Array.from({ length: this.Int(1, 4) }, () => this.Literal(t, a));
        if (this.On('in_null') && this.Chance(0.2)) { this.Use('in_null'); items.push(this.Null(t)); }
        const not = this.On('not_in') && this.Chance(0.3) ? ' NOT' : '';
        if (not) this.Use('not_in');
        return new X(`(${a.s}${not} IN (${items.map((x) => x.s).join(', ')}))`,
                     `(${a.d}${not} IN (${items.map((x) => x.d).join(', ')}))`, 'bool', { exact: a.exact, agg: a.agg });
      }],
      [2, 'between', () => {
        const t = this.Pick(['int', 'double', 'ts', 'date', 'string']);
        const a = this.Expr(cols, t, depth - 1);
        const lo = this.Literal(t, a), hi = this.Literal(t, a);
        const not = this.Chance(0.2) ? ' NOT' : '';
        return new X(`(${a.s}${not} BETWEEN ${lo.s} AND ${hi.s})`, `(${a.d}${not} BETWEEN ${lo.d} AND ${hi.d})`, 'bool',
                     { exact: a.exact, agg: a.agg });
      }],
      [2, 'like', () => {
        const a = this.Expr(cols, 'string', depth - 1);
        // No backslash: the default escape character differs (Spark '\', DuckDB none).
        const p = this.Pick(['%', 'U%', '%S', 'D_', '_', '', 'user %', '%logged%', '%ü%', 'r0%1', '%e%o%', 'X0__',
                             '%100%%', 'INF_']);
        const not = this.Chance(0.2) ? ' NOT' : '';
        return new X(`(${a.s}${not} LIKE ${Str(p)})`, `(${a.d}${not} LIKE ${Str(p)})`, 'bool', { exact: a.exact, agg: a.agg });
      }],
      [1, 'ilike', () => {
        const a = this.ColOf(cols, 'string', (c) => c.ascii) ?? this.Literal('string');
        const p = this.Pick(['info%', '%r%', 'us', 'de_']);
        return new X(`(${a.s} ILIKE ${Str(p)})`, `(${a.d} ILIKE ${Str(p)})`, 'bool', { exact: a.exact, agg: a.agg });
      }],
      [1, 'rlike', () => {
        // Both search (a partial match), RE2/Java syntax of the simple kind.
        const a = this.Expr(cols, 'string', depth - 1);
        const p = this.Pick(['^r0+1', 'logged (in|out)$', '[0-9]{3}', '^$', 'E.R', '^X0[0-4]']);
        return new X(`(${a.s} RLIKE ${Str(p)})`, `regexp_matches(${a.d}, ${Str(p)})`, 'bool', { exact: a.exact, agg: a.agg });
      }],
      [1, 'array_contains', () => {
        const l = this.ColOf(cols, 'list');
        if (!l) return this.Literal('bool');
        const v = this.Literal('string', { domain: kTagDomain });
        return Fn('array_contains', [l, v], 'bool');
      }],
      [1, 'is_bool', () => {
        const a = this.Expr(cols, 'bool', depth - 1);
        const w = this.Pick(['IS TRUE', 'IS NOT TRUE', 'IS FALSE', 'IS NOT FALSE']);
        return new X(`(${a.s} ${w})`, `(${a.d} ${w})`, 'bool', { exact: a.exact, agg: a.agg });
      }],
      [2, null, () => this.ColOf(cols, 'bool') ?? this.Literal('bool')],
    ];
    if (depth > 0) {
      options.push(
        [3, null, () => Op(P(), 'AND', P(), 'bool')],
        [2, 'or', () => Op(P(), 'OR', P(), 'bool')],
        [1, 'not', () => { const a = P(); return new X(`(NOT ${a.s})`, `(NOT ${a.d})`, 'bool', { exact: a.exact, agg: a.agg }); }],
      );
    }
    return this.Choose(options);
  }

  // ------------------------------------------------------------ aggregates
  // An aggregate of result type `type` (or any type when null) over `cols`.
  Agg(cols, type, depth) {
    const options = [];
    const Any = (t) => this.Expr(cols, t, depth) ?? this.Expr(cols, 'int', depth);
    if (!type || type === 'int') {
      options.push(
        [3, null, () => Both('count(*)', 'int', { sign: 'pos' })],
        [2, null, () => {
          const a = Any(this.Pick(['int', 'double', 'string', 'bool', 'ts', 'list']));
          return Fn('count', [a], 'int', { sign: 'pos', agg: true });
        }],
        [2, 'count_distinct', () => {
          const a = Any(this.Pick(['int', 'double', 'string', 'date', 'bool']));
          return new X(`count(DISTINCT ${a.s})`, `count(DISTINCT ${a.d})`, 'int', { sign: 'pos', agg: true });
        }],
        [2, 'count_if', () => {
          // DuckDB's count_if is NULL when no input is non-NULL; Spark's (a count) is 0.
          const p = this.Pred(cols, depth);
          return new X(`count_if(${p.s})`, `coalesce(count_if(${p.d}), 0)`, 'int', { sign: 'pos', agg: true });
        }],
        [2, 'sum', () => { const a = Any('int'); return Fn('sum', [a], 'int', { sign: a.sign, agg: true }); }],
      );
    }
    if (!type || type === 'double') {
      const SumArg = () => {
        for (let i = 0; i < 6; i++) {
          const a = Any('double');
          if (a.sumok) return a;
        }
        return this.ColOf(cols, 'double', (c) => c.sumok) ?? Any('int');
      };
      options.push(
        [3, 'sum', () => {
          const a = SumArg();
          return Fn('sum', [a], a.type, { agg: true, dyadic: a.dyadic, exact: a.dyadic || a.type === 'int', sign: a.sign });
        }],
        [3, 'avg', () => {
          const a = this.Chance(0.3) ? Any('int') : SumArg();
          // sum exact and count exact: the quotient is the same correctly rounded double
          return Fn('avg', [a], 'double', { agg: true, exact: a.dyadic || a.type === 'int', sign: a.sign });
        }],
        [2, 'stddev', () => {
          const a = this.Chance(0.3) ? Any('int') : SumArg();
          return Fn('stddev_samp', [a], 'double', { agg: true, exact: false, sign: 'pos' });
        }],
      );
    }
    const MinMax = (t, tag) => [2, tag, () => {
      const a = Any(t);
      return Fn(this.Pick(['min', 'max']), [a], t, { agg: true, dyadic: a.dyadic, sign: a.sign, ascii: a.ascii });
    }];
    for (const t of ['int', 'double', 'string', 'bool', 'ts', 'date']) {
      if (!type || type === t) {
        options.push(MinMax(t, { string: 'minmax_string', bool: 'minmax_bool', ts: 'minmax_ts', date: 'minmax_ts' }[t] ?? null));
      }
    }
    if (!options.some(([w, tag]) => w > 0 && (!tag || this.On(tag)))) return this.Literal(type ?? 'int');
    const r = this.Choose(options);
    r.agg = true;
    return r;
  }

  // A HAVING predicate over aggregates with exact results.
  Having(cols, depth) {
    const Cmp = () => {
      let a;
      for (let i = 0; i < 5; i++) {
        a = this.Agg(cols, this.Pick(['int', 'int', 'double', 'string', 'ts']), 1);
        if (a.exact) break;
      }
      if (!a.exact) a = Both('count(*)', 'int', { agg: true });
      if (this.Chance(0.15)) return new X(`(${a.s} IS NOT NULL)`, `(${a.d} IS NOT NULL)`, 'bool', { agg: true });
      const lit = a.type === 'int' && /count/.test(a.s)
        ? Both(String(this.Pick([0, 1, 2, 5, 10, 50, 100, 1000])), 'int')
        : this.Literal(a.type, a);
      const op = this.Pick(['>', '>=', '<', '=', '<>']);
      return new X(`(${a.s} ${op} ${lit.s})`, `(${a.d} ${op} ${lit.d})`, 'bool', { agg: true });
    };
    if (depth > 0 && this.Chance(0.3)) {
      const a = Cmp(), b = Cmp();
      const op = this.On('or') && this.Chance(0.4) ? 'OR' : 'AND';
      return Op(a, op, b, 'bool', { agg: true });
    }
    return Cmp();
  }

  // ------------------------------------------------------------ sources
  // { s, d, cols, nested } — a FROM clause in both dialects and the columns it offers.
  Source(depth) {
    return this.Choose([
      [8, null, () => {
        const alias = this.Chance(0.3);
        const q = alias ? 'e.' : '';
        const cols = EventsColumns(q).filter((c) => this.On('nested') || !c.s.includes('.') || alias);
        return { s: `events${alias ? ' e' : ''}`, d: `events${alias ? ' e' : ''}`, cols };
      }],
      [1, null, () => ({ s: 'labels', d: 'labels', cols: LabelsColumns('') })],
      [3, 'join_inner', () => this.JoinSource('INNER JOIN')],
      [3, 'join_left', () => this.JoinSource('LEFT JOIN')],
      [1, 'join_right', () => this.JoinSource('RIGHT JOIN')],
      [1, 'join_full_outer', () => this.JoinSource('FULL OUTER JOIN')],
      [1, 'join_dim', () => {
        const kind = this.Pick(['INNER JOIN', 'LEFT JOIN']);
        return {
          s: `events e ${kind} models m ON e.model.name = m.name`,
          d: `events e ${kind} models m ON e.model.name = m.name`,
          cols: [...EventsColumns('e.'), ...ModelsColumns('m.')],
        };
      }],
      [depth > 0 ? 3 : 0, 'subquery', () => this.SubquerySource(depth)],
    ]);
  }

  JoinSource(kind) {
    const cols = [...EventsColumns('e.').filter((c) => c.type !== 'struct'), ...LabelsColumns('l.')];
    if ((kind === 'INNER JOIN' || kind === 'LEFT JOIN') && this.On('join_using') && this.Chance(0.2)) {
      this.Use('join_using');
      return { s: `events e ${kind} labels l USING (request_id)`, d: `events e ${kind} labels l USING (request_id)`, cols };
    }
    return {
      s: `events e ${kind} labels l ON e.request_id = l.request_id`,
      d: `events e ${kind} labels l ON e.request_id = l.request_id`,
      cols,
    };
  }

  // A subquery in FROM: its outputs become columns (only exact ones may be keys or filters).
  SubquerySource(depth) {
    const inner = this.Select(depth - 1, { allowOrder: false, prefix: 'i' });
    const cols = this.OutputCols(inner, 's.', this.Chance(0.5));
    return { s: `(${inner.s}) s`, d: `(${inner.d}) s`, cols, derived: true };
  }

  // Columns of a derived table (subquery or CTE) named qualifier + alias.
  OutputCols(q, qual, qualify) {
    const cols = [];
    for (const o of q.outputs) {
      const name = (qualify ? qual : '') + o.name;
      const x = new X(name, name, o.type, { exact: o.exact, dyadic: o.dyadic, sign: o.sign, ascii: o.ascii, domain: o.domain });
      x.sumok = o.sumok;
      cols.push(x);
      if (o.type === 'struct' && o.fields) {
        for (const [f, t] of o.fields) cols.push(new X(`${name}.${f}`, `${name}.${f}`, t, { exact: true }));
      }
    }
    return cols;
  }

  // ------------------------------------------------------------ queries
  // A SELECT (projection or aggregation) with aliases prefix0, prefix1, ...: { s, d, outputs,
  // groupKeys (indexes), mode }. `types`: force the output types (for UNION ALL branches).
  Select(depth, { allowOrder = true, prefix = 'c', types = null, source = null } = {}) {
    const src = source ?? this.Source(depth);
    const usable = src.cols.filter((c) => c.exact);
    const mode = this.Chance(0.55) ? 'agg' : 'proj';
    const outputs = [];
    const items = [];
    const distinct = mode === 'proj' && this.On('distinct') && this.Chance(0.25);
    if (distinct) this.Use('distinct');
    let where = null;
    // (projections over the whole table return tens of thousands of rows: most get a WHERE)
    if (this.Chance(mode === 'proj' ? 0.85 : 0.6)) where = this.Pred(usable, this.Int(0, 2));
    if (where && src.derived && (mode === 'agg' || distinct)) {
      if (this.On('filter_agg_over_derived')) this.Use('filter_agg_over_derived');
      else where = null;
    }
    let groupBy = [];
    let having = null;
    if (mode === 'proj') {
      const n = types ? types.length : this.Int(1, 5);
      for (let i = 0; i < n; i++) {
        let t = types ? types[i] : this.Pick(['int', 'double', 'string', 'string', 'bool', 'ts', 'date', 'int', 'double', 'list', 'struct']);
        if (t === 'list' && (!this.On('list_out') || (distinct && !this.On('distinct_list')))) t = 'string';
        if (t === 'struct' && !this.On('struct_out')) t = 'int';
        let e = this.Expr(usable, t, this.Int(0, 2));
        if (!e) e = this.Expr(usable, 'int', 1);
        if (e.type === 'list') this.Use('list_out');
        if (e.type === 'struct') this.Use('struct_out');
        items.push(e);
      }
    } else {
      const nk = types ? 0 : this.Choose([[1, 'global_agg', () => 0], [3, null, () => this.Int(1, 3)]]);
      const keyTypes = ['string', 'string', 'int', 'bool', 'date', 'ts', 'double'];
      for (let i = 0; i < nk; i++) {
        const t = this.Pick(keyTypes);
        let k;
        if (this.On('group_expr') && this.Chance(0.35)) {
          this.Use('group_expr');
          k = this.Expr(usable, t, 1);
        } else {
          k = this.ColOf(usable, t) ?? this.Expr(usable, t, 1);
        }
        // a literal key would be an ordinal (GROUP BY 2): it stays a constant output instead
        if (!k.lit) groupBy.push(k);
        items.push(k);
      }
      if (types) {
        // UNION ALL branch: each output is a group key or an aggregate of the forced type
        const keys = [];
        for (const t of types) {
          if (t !== 'double' && this.Chance(0.3)) {
            const k = this.ColOf(usable, t) ?? this.Literal(t);
            keys.push(k);
            items.push(k);
          } else {
            items.push(this.Agg(src.cols, t, 1));
          }
        }
        groupBy = keys.filter((k) => !k.lit);
      } else {
        const na = this.Int(1, 4);
        for (let i = 0; i < na; i++) items.push(this.Agg(src.cols, null, this.Int(0, 1)));
      }
      if (groupBy.length && this.On('having') && this.Chance(0.3)) {
        this.Use('having');
        having = this.Having(src.cols, 1);
      }
    }
    items.forEach((e, i) => {
      outputs.push({ name: `${prefix}${i}`, type: e.type, exact: e.exact, dyadic: e.dyadic, sign: e.sign,
                     ascii: e.ascii, sumok: e.sumok, fields: e.fields, domain: e.domain,
                     key: mode === 'agg' && groupBy.includes(e) });
    });
    const sel = (d) => items.map((e, i) => `${d ? e.d : e.s} AS ${prefix}${i}`).join(', ');
    let s = `SELECT ${distinct ? 'DISTINCT ' : ''}${sel(false)} FROM ${src.s}`;
    let d = `SELECT ${distinct ? 'DISTINCT ' : ''}${sel(true)} FROM ${src.d}`;
    if (where) { s += ` WHERE ${where.s}`; d += ` WHERE ${where.d}`; }
    // GROUP BY ALL (Spark 3.4, DuckDB): the non-aggregate items, when every item is a key or
    // an aggregate (a literal item would become a key: same groups)
    if (groupBy.length && this.On('group_by_all') && this.Chance(0.15) &&
        items.every((e) => groupBy.includes(e) || e.agg || e.lit)) {
      this.Use('group_by_all');
      s += ' GROUP BY ALL';
      d += ' GROUP BY ALL';
    } else if (groupBy.length) {
      s += ` GROUP BY ${groupBy.map((k) => k.s).join(', ')}`;
      d += ` GROUP BY ${groupBy.map((k) => k.d).join(', ')}`;
    }
    if (having) { s += ` HAVING ${having.s}`; d += ` HAVING ${having.d}`; }
    const q = { s, d, outputs, mode, distinct, grouped: mode === 'agg', globalAgg: mode === 'agg' && groupBy.length === 0 };
    return allowOrder ? this.OrderBy(q) : { ...q, order: 'none', orderCols: [] };
  }

  // Adds ORDER BY (over output aliases) and maybe LIMIT/OFFSET: LIMIT only when the order is
  // total, i.e. the sort keys cover every group key (aggregations) or every output column
  // (projections, DISTINCT, UNION ALL), all of them exact and scalar.
  OrderBy(q) {
    if (q.globalAgg || !this.On('order_by') || !this.Chance(0.45)) return { ...q, order: 'none', orderCols: [] };
    this.Use('order_by');
    const sortable = q.outputs.map((o, i) => i).filter((i) => kOrderable.has(q.outputs[i].type));
    if (!sortable.length) return { ...q, order: 'none', orderCols: [] };
    const mustCover = q.grouped ? q.outputs.map((o, i) => i).filter((i) => q.outputs[i].key)
                                : q.outputs.map((o, i) => i);
    let keys;
    if (this.Chance(0.6)) {
      // try for a total order: the required columns first, in random order, then maybe more
      keys = [...mustCover].sort(() => this.R() - 0.5);
      if (this.Chance(0.3)) keys.unshift(this.Pick(sortable));
      keys = [...new Set(keys)].filter((i) => sortable.includes(i));
    } else {
      keys = [...new Set(Array.from({ length: this.Int(1, 2) }, () => this.Pick(sortable)))];
    }
    if (!keys.length) return { ...q, order: 'none', orderCols: [] };
    const total = mustCover.every((i) => keys.includes(i)) && keys.every((i) => q.outputs[i].exact);
    const items = keys.map((i) => {
      const dir = this.Pick(['ASC', 'DESC']);
      const nulls = this.Pick(['NULLS FIRST', 'NULLS LAST']);
      // an ordinal (ORDER BY 2) in both dialects, or the alias
      if (this.On('order_ordinal') && this.Chance(0.2)) {
        this.Use('order_ordinal');
        return `${i + 1} ${dir} ${nulls}`;
      }
      return `${q.outputs[i].name} ${dir} ${nulls}`;
    });
    let tail = ` ORDER BY ${items.join(', ')}`;
    let order = total ? 'total' : keys.every((i) => q.outputs[i].exact) ? 'partial' : 'none';
    if (total && this.On('limit') && this.Chance(0.6)) {
      this.Use('limit');
      tail += ` LIMIT ${this.Pick([1, 3, 10, 50])}`;
      if (this.On('offset') && this.Chance(0.2)) {
        this.Use('offset');
        tail += ` OFFSET ${this.Pick([1, 5])}`;
      }
    }
    return { ...q, s: q.s + tail, d: q.d + tail, order, orderCols: keys };
  }

  Query() {
    return this.Choose([
      [10, null, () => this.Select(1)],
      [2, 'nested_subquery', () => this.Select(2)],
      [2, 'cte', () => {
        const inner = this.Select(0, { allowOrder: false, prefix: 'c' });
        const src = { s: 't1', d: 't1', cols: this.OutputCols(inner, 't1.', this.Chance(0.3)), derived: true };
        const outer = this.Select(0, { prefix: 'o', source: src });
        return { ...outer, s: `WITH t1 AS (${inner.s}) ${outer.s}`, d: `WITH t1 AS (${inner.d}) ${outer.d}` };
      }],
      [1, 'cte_join', () => {
        // per-request aggregates joined with the labels
        const where = this.Chance(0.5) ? this.Pred(EventsColumns(''), 1) : null;
        const aggs = Array.from({ length: this.Int(1, 2) }, () => this.Agg(EventsColumns(''), null, 0));
        const inner = (d) => `SELECT request_id AS k, ${aggs.map((a, i) => `${d ? a.d : a.s} AS a${i}`).join(', ')} ` +
          `FROM events${where ? ` WHERE ${d ? where.d : where.s}` : ''} GROUP BY request_id`;
        const kind = this.Pick(['INNER JOIN', 'LEFT JOIN']);
        const cols = [new X('t.k', 't.k', 'string', { ascii: true, domain: kRidDomain }),
          ...aggs.map((a, i) => { const x = new X(`t.a${i}`, `t.a${i}`, a.type, { exact: a.exact, dyadic: a.dyadic, sign: a.sign }); x.sumok = a.sumok; return x; }),
          ...LabelsColumns('l.')];
        const src = { s: `t ${kind} labels l ON t.k = l.request_id`, d: `t ${kind} labels l ON t.k = l.request_id`, cols, derived: true };
        const outer = this.Select(0, { prefix: 'o', source: src });
        return { ...outer, s: `WITH t AS (${inner(false)}) ${outer.s}`, d: `WITH t AS (${inner(true)}) ${outer.d}` };
      }],
      [2, null, () => {
        const op = this.Choose([[4, 'union_all', () => 'UNION ALL'], [1, 'union', () => 'UNION'],
                                [1, 'intersect', () => 'INTERSECT'], [1, 'except', () => 'EXCEPT']]);
        const n = this.Int(1, 3);
        const types = Array.from({ length: n }, () => this.Pick(['int', 'double', 'string', 'ts', 'date', 'bool']));
        const a = this.Select(0, { allowOrder: false, prefix: 'c', types });
        const b = this.Select(0, { allowOrder: false, prefix: 'c', types });
        const outputs = a.outputs.map((o, i) => ({ ...o, exact: o.exact && b.outputs[i].exact, key: false }));
        const q = { s: `${a.s} ${op} ${b.s}`, d: `${a.d} ${op} ${b.d}`, outputs, grouped: false, globalAgg: false };
        return this.OrderBy(q);
      }],
    ]);
  }
}
