#!/usr/bin/env node
// Self-test of compare.mjs: the semantic comparison must accept exactly the documented
// normalizations and catch everything else (a comparer that says "equal" to anything would make
// the conformance and round-trip tests pass vacuously). No corpus, no DuckDB instance needed.
//
// Usage: node tests/conformance/compare_test.mjs        exit 0 when every case behaves

import assert from 'node:assert/strict';

import { Compare, CompareTables, Diffs, MapEntries, ParseJson } from './compare.mjs';

const T = {
  int: { kind: 'int' },
  u64: { kind: 'int', unsigned64: true },
  float: { kind: 'float' },
  double: { kind: 'double' },
  decimal: { kind: 'decimal' },
  string: { kind: 'string' },
  blob: { kind: 'blob' },
  date: { kind: 'date' },
  ts: { kind: 'timestamp', tz: false, int96: false },
  tsTz: { kind: 'timestamp', tz: true, int96: false },
  int96: { kind: 'timestamp', tz: false, int96: true },
};

let cases = 0;
function Same(a, e, desc, what) {
  const d = new Diffs();
  Compare(a, e, desc, 'v', d);
  cases++;
  assert.ok(d.ok, `${what}: expected equal, got ${d.list.join('; ')}`);
  return d;
}
function Differ(a, e, desc, what) {
  const d = new Diffs();
  Compare(a, e, desc, 'v', d);
  cases++;
  assert.ok(!d.ok, `${what}: expected a difference`);
}

// Exact JSON parsing.
const row = ParseJson('{"b":1,"a":[9007199254740993,-0.5,1e3],"1":{"x":null,"y":"\\u00e9"}}');
assert.deepEqual([...row.keys()], ['b', 'a', '1']);
assert.equal(row.get('a')[0], 9007199254740993n);
assert.equal(row.get('a')[1], -0.5);
assert.equal(row.get('a')[2], 1000);
assert.equal(row.get('1').get('y'), 'é');
assert.throws(() => ParseJson('{"a":1'));
assert.throws(() => ParseJson('{"a":1} x'));

// Integers.
Same(5n, 5, T.int, 'bigint vs number');
Same(9007199254740993n, 9007199254740993n, T.int, 'beyond 2^53');
Differ(9007199254740993n, 9007199254740992n, T.int, 'off by one beyond 2^53');
Differ(5n, 6, T.int, 'different int');
Differ('5', 5, T.int, 'digit string for a signed int');
Same('18446744073709551615', 18446744073709551615n, T.u64, 'UINT_64 as decimal(20,0)');
Differ('18446744073709551614', 18446744073709551615n, T.u64, 'UINT_64 off by one');
Differ(null, 0, T.int, 'null vs 0');
Differ(0n, null, T.int, '0 vs null');

// Floating point.
Same(1.1, Math.fround(1.1), T.float, 'shortest float text vs widened float');
Differ(1.1, Math.fround(1.2), T.float, 'different float');
Differ(1.1, Math.fround(1.1), T.double, 'a double column compares exactly');
Same(10.1, 10.1, T.double, 'double');
Same('NaN', 'NaN', T.float, 'NaN');
Same('NaN', NaN, T.double, 'NaN string vs number');
Differ('NaN', 0, T.double, 'NaN vs 0');
Differ('Infinity', '-Infinity', T.double, 'infinities');
Same(0n, -0, T.float, '-0 = 0');
Same(2n, 2, T.double, 'integral double printed as an integer');

// Decimals.
Same('1.50', '1.5', T.decimal, 'trailing zero');
Same('-0.05', '-0.050', T.decimal, 'negative');
Same('7', '7.00', T.decimal, 'integer decimal');
Differ('1.51', '1.5', T.decimal, 'different decimal');
Differ('-1.5', '1.5', T.decimal, 'sign');

// Text, binary, dates, timestamps.
Same('abc', 'abc', T.string, 'string');
Differ('abc', 'abd', T.string, 'different string');
Differ('YWJj', 'abc', T.blob, 'base64 vs text');
Same('52951-07-27', '+52951-07-27', T.date, 'year beyond 9999 with and without +');
Differ('2024-01-02', '2024-01-01', T.date, 'different date');
Same('2024-01-01T00:00:00.000000', '2024-01-01T00:00:00.000000Z', T.ts, 'ntz without Z');
Same('52951-07-27T10:00:00.000000Z', '+52951-07-27T10:00:00.000000Z', T.ts, '+ year');
Differ('2024-01-01T00:00:00.000001Z', '2024-01-01T00:00:00.000000Z', T.ts, 'one microsecond');
Differ('2024-01-01T00:00:00.000000', '2024-01-01T00:00:00.000000Z', T.tsTz, 'UTC flag lost');
{
  const d = Same('+290000-12-30T23:00:00.000000Z', '-226413-01-07T22:21:39.416064Z', T.int96,
                 'INT96 beyond the nanosecond range is tolerated');
  assert.equal(d.tolerated.size, 1);
}
Differ('2024-01-01T00:00:00.000000Z', '2024-01-01T01:00:00.000000Z', T.int96,
       'in-range INT96 must match');
Differ('+290000-12-30T23:00:00.000000Z', '-226413-01-07T22:21:39.416064Z', T.ts,
       'only INT96 gets the tolerance');

// Nested.
const list = { kind: 'list', element: T.float };
Same([1.1, null], [Math.fround(1.1), null], list, 'list');
Differ([1.1], [Math.fround(1.1), 2], list, 'list length');
const struct = { kind: 'struct', fields: [{ name: 'a', desc: T.int }, { name: 'b', desc: T.string }] };
Same(new Map([['a', 1n], ['b', 'x']]), new Map([['a', 1], ['b', 'x']]), struct, 'struct');
Same({ b: 'x', a: 1 }, new Map([['a', 1], ['b', 'x']]), struct, 'plain-object struct');
Differ(new Map([['b', 'x'], ['a', 1n]]), new Map([['a', 1], ['b', 'x']]), struct, 'field order');
Differ(new Map([['a', 1n]]), new Map([['a', 1], ['b', 'x']]), struct, 'missing field');
Differ(new Map([['a', 2n], ['b', 'x']]), new Map([['a', 1], ['b', 'x']]), struct, 'field value');
const map = { kind: 'map', key: T.int, value: T.double };
Same(new Map([['2', 0.5], ['1', null]]), new MapEntries([[1, null], [2, 0.5]]), map,
     'map with text keys in another order');
Differ(new Map([['1', 0.5]]), new MapEntries([[1, null], [2, 0.5]]), map, 'missing entry');
Differ(new Map([['1', 0.5], ['3', 0.5]]), new MapEntries([[1, 0.5], [2, 0.5]]), map, 'wrong key');
Differ(new Map([['1', 0.25]]), new MapEntries([[1, 0.5]]), map, 'wrong value');
const fmap = { kind: 'map', key: T.float, value: T.int };
Same(new Map([['1.1', 1n]]), new MapEntries([[Math.fround(1.1), 1]]), fmap, 'float key');

// Tables.
{
  const expected = { names: ['a', 'b'], descs: [T.int, T.string], rows: [[1, 'x'], [2, null]] };
  const ok = CompareTables({ names: ['a', 'b'], rows: [new Map([['a', 1n], ['b', 'x']]),
                                                       new Map([['a', 2n], ['b', null]])] },
                           expected);
  assert.ok(ok.ok, ok.list.join('; '));
  assert.ok(!CompareTables({ names: ['b', 'a'], rows: [] }, expected).ok, 'column order');
  assert.ok(!CompareTables({ names: ['a', 'b'], rows: [new Map([['a', 1n], ['b', 'x']])] },
                           expected).ok, 'row count');
  assert.ok(!CompareTables({ names: ['a', 'b'], rows: [new Map([['a', 2n], ['b', null]]),
                                                       new Map([['a', 1n], ['b', 'x']])] },
                           expected).ok, 'row order');
  cases += 4;
}

console.log(`compare_test: ${cases} cases passed`);
