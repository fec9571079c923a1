/**
 * The two scales the widgets need, as small pure functions (what d3-scale's `scaleLinear` and
 * `scaleBand` do for them, without the 30 kB of interpolators and formatters that come with it).
 */

/** A linear map from `domain` to `range`, with round tick values over the domain. */
export interface LinearScale {
  (value: number): number;
  /** About `count` round values (1, 2 or 5 × 10ⁿ apart) between the domain's ends, inclusive. */
  ticks(count: number): number[];
}

export function linearScale(domain: readonly [number, number], range: readonly [number, number]): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const span = d1 - d0;
  const scale = ((value: number) => (span === 0 ? (r0 + r1) / 2 : r0 + ((value - d0) / span) * (r1 - r0))) as LinearScale;
  scale.ticks = (count: number) => niceTicks(Math.min(d0, d1), Math.max(d0, d1), count);
  return scale;
}

/**
 * Round values from `start` to `stop`: the step is 1, 2 or 5 times a power of ten, chosen so about
 * `count` of them fit (d3's `ticks`). Values are computed from integers so they print cleanly.
 */
export function niceTicks(start: number, stop: number, count: number): number[] {
  if (!(count > 0) || !Number.isFinite(start) || !Number.isFinite(stop)) return [];
  if (start === stop) return [start];
  const raw = (stop - start) / count;
  const power = Math.floor(Math.log10(raw));
  const error = raw / 10 ** power;
  const factor = error >= Math.sqrt(50) ? 10 : error >= Math.sqrt(10) ? 5 : error >= Math.sqrt(2) ? 2 : 1;
  const out: number[] = [];
  if (power >= 0) {
    const step = factor * 10 ** power;
    for (let i = Math.ceil(start / step); i * step <= stop; i++) out.push(i * step);
  } else {
    // A step below 1: divide integers by its inverse, so 0.1 × 3 prints as 0.3.
    const inverse = 10 ** -power / factor;
    for (let i = Math.ceil(start * inverse); i / inverse <= stop; i++) out.push(i / inverse);
  }
  return out;
}

/** Equal bands for `count` items across `range`, separated by `paddingInner` (a share of a step). */
export interface BandScale {
  /** Left edge of item `index`'s band. */
  (index: number): number;
  readonly bandwidth: number;
}

export function bandScale(count: number, range: readonly [number, number], paddingInner: number): BandScale {
  const [r0, r1] = range;
  const step = count > 0 ? (r1 - r0) / Math.max(1, count - paddingInner) : 0;
  // One item cannot fill the range (its band is a step less the padding): centre it.
  const start = r0 + (r1 - r0 - step * Math.max(0, count - paddingInner)) / 2;
  const scale = ((index: number) => start + step * index) as BandScale & { bandwidth: number };
  scale.bandwidth = step * (1 - paddingInner);
  return scale;
}
