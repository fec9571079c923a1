/** The value at quantile `q` (0..1) of `values`, by linear interpolation between order statistics. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) throw new RangeError('Expected at least one value, got none');
  if (!(q >= 0 && q <= 1)) throw new RangeError(`Expected a quantile from 0 to 1, got ${q}`);
  const sorted = [...values].sort((a, b) => a - b);
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low] + (sorted[high] - sorted[low]) * (position - low);
}

/** The median of `values`. */
export function median(values: readonly number[]): number {
  return quantile(values, 0.5);
}

/** Rounds for display: 3 significant digits below 10, else 1 decimal, else integers. */
export function round(value: number): number {
  if (!Number.isFinite(value)) return value;
  const abs = Math.abs(value);
  if (abs >= 100) return Math.round(value);
  if (abs >= 10) return Math.round(value * 10) / 10;
  return Number(value.toPrecision(3));
}

/** `n` with thousands separators: 10,000. */
export function thousands(n: number): string {
  return n.toLocaleString('en-US');
}

/** A sample's median and its extremes: how far apart the runs were. */
export interface Spread {
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

/** The {@link Spread} of `values`. */
export function spread(values: readonly number[]): Spread {
  if (values.length === 0) throw new RangeError('Expected at least one value, got none');
  return { median: median(values), min: Math.min(...values), max: Math.max(...values) };
}

/** A spread for a table cell: `1,234 (1,100–1,300)`, rounded with {@link round}; the median alone for one value. */
export function spreadText({ median: mid, min, max }: Spread): string {
  const text = (value: number) => thousands(round(value));
  return min === max ? text(mid) : `${text(mid)} (${text(min)}–${text(max)})`;
}
