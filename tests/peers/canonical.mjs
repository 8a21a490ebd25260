// Canonical JSON for the test peers (duckdb_query.mjs, hyparquet_read.mjs).
//
// Both peers turn what their library returns into the same plain tree and print it with
// WriteJsonLine(), so that a conformance test can compare their output with each other and with
// `lakewatch ... --format jsonl` line by line (after parsing, or as text).
//
// The canonical form of a value (DESIGN.md, "JSON values"):
//   null                      null
//   boolean                   true / false
//   integer (any width)       JSON integer, exact digits (BigInt is never rounded through double)
//   float / double            JSON number as ECMAScript prints it (shortest round-trip; FLOAT is
//                             widened to double first, so 0.1f prints 0.10000000149011612);
//                             -0 prints 0; NaN, +inf, -inf print as the strings "NaN",
//                             "Infinity", "-Infinity"
//   decimal                   string with exactly `scale` fraction digits: "12.30", "-0.05", "7"
//   string / enum / json      string (JSON columns are NOT parsed: the text as stored)
//   binary / fixed            base64 string (standard alphabet, padded)
//   date                      "YYYY-MM-DD" (proleptic Gregorian; years outside 0000-9999 get a
//                             sign: "-0001-01-01", "+10000-01-01")
//   timestamp (any unit, with or without UTC adjustment)
//                             "YYYY-MM-DDTHH:MM:SS.ffffffZ", always 6 fraction digits; units finer
//                             than micros are floored to micros; infinite values "infinity" /
//                             "-infinity"
//   time                      "HH:MM:SS.ffffff"
//   uuid                      lowercase 8-4-4-4-12 string
//   struct                    object, fields in schema order
//   list / array              array
//   map                       object; a non-string key becomes its canonical JSON text
//                             (1 -> "1", true -> "true"); later duplicates win
//   interval                  {"months":M,"days":D,"micros":U}
//
// One result row = one JSON object on one line, columns in result order.

const kMicrosPerDay = 86400000000n;

function Pad(n, width) {
  return String(n).padStart(width, '0');
}

// Days since 1970-01-01 -> [year, month, day] (H. Hinnant's civil_from_days).
function CivilFromDays(days) {
  const z = days + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) -
                          Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const d = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const m = mp < 10 ? mp + 3 : mp - 9;
  const y = yoe + era * 400 + (m <= 2 ? 1 : 0);
  return [y, m, d];
}

function YearText(y) {
  if (y < 0) return '-' + Pad(-y, 4);
  if (y > 9999) return '+' + String(y);
  return Pad(y, 4);
}

// Days since the epoch (number) -> "YYYY-MM-DD".
export function DateText(days) {
  const [y, m, d] = CivilFromDays(Number(days));
  return `${YearText(y)}-${Pad(m, 2)}-${Pad(d, 2)}`;
}

function FloorDiv(a, b) {
  const q = a / b;
  return (a % b !== 0n && (a < 0n) !== (b < 0n)) ? q - 1n : q;
}

// Microseconds since the epoch (bigint) -> "YYYY-MM-DDTHH:MM:SS.ffffffZ".
export function TimestampMicrosText(micros) {
  micros = BigInt(micros);
  const days = FloorDiv(micros, kMicrosPerDay);
  let rest = micros - days * kMicrosPerDay;
  const us = rest % 1000000n;
  rest /= 1000000n;
  const s = rest % 60n;
  rest /= 60n;
  const min = rest % 60n;
  const h = rest / 60n;
  return `${DateText(Number(days))}T${Pad(h, 2)}:${Pad(min, 2)}:${Pad(s, 2)}.${Pad(us, 6)}Z`;
}

export function TimestampNanosText(nanos) {
  return TimestampMicrosText(FloorDiv(BigInt(nanos), 1000n));
}

export function TimestampMillisText(millis) {
  return TimestampMicrosText(BigInt(millis) * 1000n);
}

// Microseconds since midnight -> "HH:MM:SS.ffffff".
export function TimeMicrosText(micros) {
  let rest = BigInt(micros);
  const us = rest % 1000000n;
  rest /= 1000000n;
  const s = rest % 60n;
  rest /= 60n;
  return `${Pad(rest / 60n, 2)}:${Pad(rest % 60n, 2)}:${Pad(s, 2)}.${Pad(us, 6)}`;
}

// Unscaled integer (bigint) and scale -> exact decimal text with `scale` fraction digits.
export function DecimalText(unscaled, scale) {
  const v = BigInt(unscaled);
  const neg = v < 0n;
  let digits = (neg ? -v : v).toString();
  if (scale > 0) {
    digits = digits.padStart(scale + 1, '0');
    digits = digits.slice(0, digits.length - scale) + '.' + digits.slice(digits.length - scale);
  }
  return (neg ? '-' : '') + digits;
}

// Big-endian two's-complement bytes (Parquet FIXED_LEN_BYTE_ARRAY/BYTE_ARRAY decimal) -> bigint.
export function BigIntFromTwosComplement(bytes) {
  if (bytes.length === 0) return 0n;
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  if (bytes[0] & 0x80) v -= 1n << BigInt(bytes.length * 8);
  return v;
}

export function Base64(bytes) {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

export function DoubleValue(x) {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return 'Infinity';
  if (x === -Infinity) return '-Infinity';
  return x;
}

// Text used for a map key: strings as they are, anything else as its canonical JSON text.
export function MapKeyText(canonicalKey) {
  if (typeof canonicalKey === 'string') return canonicalKey;
  return JsonText(canonicalKey);
}

// A canonical tree (null, boolean, number, bigint, string, array, plain object) -> JSON text.
// Differs from JSON.stringify only in printing bigint as exact integer digits.
export function JsonText(v) {
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'bigint':
      return v.toString();
    case 'number':
      if (!Number.isFinite(v)) return JSON.stringify(DoubleValue(v));
      return JSON.stringify(v);
    case 'string':
    case 'boolean':
      return JSON.stringify(v);
    default:
      break;
  }
  if (Array.isArray(v)) return '[' + v.map(JsonText).join(',') + ']';
  const parts = [];
  for (const [k, x] of Object.entries(v)) parts.push(JSON.stringify(k) + ':' + JsonText(x));
  return '{' + parts.join(',') + '}';
}

// Buffered stdout writer; Flush() before exit. Honors EPIPE (e.g. `| head`) by exiting quietly.
export class LineWriter {
  constructor() {
    this.pending_ = [];
    this.bytes_ = 0;
    process.stdout.on('error', (e) => {
      if (e.code === 'EPIPE') process.exit(0);
      throw e;
    });
  }
  async Write(line) {
    this.pending_.push(line);
    this.bytes_ += line.length + 1;
    if (this.bytes_ >= 1 << 20) await this.Flush();
  }
  async Flush() {
    if (this.pending_.length === 0) return;
    const text = this.pending_.join('\n') + '\n';
    this.pending_ = [];
    this.bytes_ = 0;
    if (!process.stdout.write(text)) {
      await new Promise((resolve) => process.stdout.once('drain', resolve));
    }
  }
}
