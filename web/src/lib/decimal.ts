/**
 * Money arrives from the API as exact decimal strings ("1000.10"). The app never turns them
 * into floats: it only formats them, and compares or scales them with exact integer (BigInt)
 * arithmetic where a chart needs a length. Every amount shown is the API's own string.
 */

const DECIMAL = /^(-)?(\d+)(?:\.(\d+))?$/;

interface Parsed {
  negative: boolean;
  digits: bigint; // the value × 10^scale
  scale: number;
}

function parse(value: string): Parsed | null {
  const m = DECIMAL.exec(value.trim());
  if (!m) return null;
  const frac = m[3] ?? '';
  return { negative: m[1] === '-', digits: BigInt(`${m[2]}${frac}`), scale: frac.length };
}

function scaled(p: Parsed, scale: number): bigint {
  const v = p.digits * 10n ** BigInt(scale - p.scale);
  return p.negative ? -v : v;
}

/** Both values as integers on a common scale, or null when either is not a decimal string. */
function common(a: string, b: string): [bigint, bigint] | null {
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) return null;
  const scale = Math.max(pa.scale, pb.scale);
  return [scaled(pa, scale), scaled(pb, scale)];
}

export function isDecimal(value: string): boolean {
  return parse(value) !== null;
}

/** -1, 0 or 1; exact. */
export function compareDecimal(a: string, b: string): number {
  const c = common(a, b);
  if (!c) throw new Error(`not decimals: ${a}, ${b}`);
  return c[0] < c[1] ? -1 : c[0] > c[1] ? 1 : 0;
}

/**
 * a / b in thousandths, clamped to 0..1000, for drawing a bar of length a out of b. Exact
 * integer division (rounded down); 0 when b is not positive.
 */
export function permille(a: string, b: string): number {
  const c = common(a, b);
  if (!c || c[1] <= 0n) return 0;
  const p = (c[0] * 1000n) / c[1];
  return Number(p < 0n ? 0n : p > 1000n ? 1000n : p);
}

/** (v − min) / (max − min) in thousandths, for plotting a series; 500 when the range is empty. */
export function positionPermille(v: string, min: string, max: string): number {
  const pv = parse(v);
  const pmin = parse(min);
  const pmax = parse(max);
  if (!pv || !pmin || !pmax) return 0;
  const scale = Math.max(pv.scale, pmin.scale, pmax.scale);
  const [x, lo, hi] = [scaled(pv, scale), scaled(pmin, scale), scaled(pmax, scale)];
  if (hi <= lo) return 500;
  return Number(((x - lo) * 1000n) / (hi - lo));
}

/** The smallest and largest of some decimal strings (exact), or null for none. */
export function extent(values: string[]): [string, string] | null {
  if (!values.length) return null;
  let lo = values[0]!;
  let hi = values[0]!;
  for (const v of values) {
    if (compareDecimal(v, lo) < 0) lo = v;
    if (compareDecimal(v, hi) > 0) hi = v;
  }
  return [lo, hi];
}

/**
 * "1234567.5" → "1,234,567.5": digit grouping only, by string manipulation, so the digits are
 * exactly the API's. Anything that is not a decimal string is shown as it came.
 */
export function formatAmount(value: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const m = DECIMAL.exec(value.trim());
  if (!m) return value;
  const grouped = m[2]!.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${m[1] ?? ''}${grouped}${m[3] !== undefined ? `.${m[3]}` : ''}`;
}

/** A fraction as a percentage by moving the decimal point ("0.3000" → "30.00", "0.2" → "20"). */
export function fractionToPercent(value: string | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const p = parse(value);
  if (!p) return value;
  const scale = Math.max(0, p.scale - 2);
  const digits = (p.digits * 10n ** BigInt(scale - (p.scale - 2))).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale) || '0';
  const frac = scale ? `.${digits.slice(digits.length - scale)}` : '';
  return `${p.negative && p.digits !== 0n ? '-' : ''}${whole}${frac}`;
}

/**
 * An amount with its currency ("1,234.50 EUR"): the API's digits, grouped, and the ISO code as
 * the API gave it. No conversion ever happens here: converted amounts come from the API.
 */
export function formatMoney(value: string | null | undefined, currency: string | null | undefined): string {
  const amount = formatAmount(value);
  return value === null || value === undefined || !currency ? amount : `${amount} ${currency}`;
}
