import { scaleBand } from 'd3';
import type { RunState } from '../../state/run-state.types.js';
import { runningText } from '../../shared/format.js';

export interface ParallelismOptions {
  /** @default 320 */
  readonly width?: number;
}

export interface ParallelismView {
  readonly width: number;
  readonly height: number;
  readonly running: number;
  readonly peak: number;
  readonly limit: number;
  readonly live: boolean;
  /** "3 steps running in parallel", "1 step running", or for a finished run its peak. */
  readonly headline: string;
  /** "peak 3 of 4 slots". */
  readonly subline: string;
  /** One box per slot (maxParallel), the first `running` busy. */
  readonly slots: readonly { readonly index: number; readonly x: number; readonly width: number; readonly busy: boolean; readonly peak: boolean }[];
  readonly slotY: number;
  readonly slotHeight: number;
}

/** What the parallelism indicator shows. Pure. */
export function computeParallelism(state: RunState, options: ParallelismOptions = {}): ParallelismView {
  const width = Math.max(160, options.width ?? 320);
  const live = state.status === 'running';
  const running = live ? state.running : 0;
  const peak = Math.max(state.peak, running);
  const limit = Math.max(1, state.maxParallel, peak);
  const band = scaleBand<number>()
    .domain(Array.from({ length: limit }, (_, i) => i))
    .range([0, width])
    .paddingInner(0.15);
  let headline: string;
  if (live) headline = runningText(running);
  else if (state.status === 'pending') headline = 'Waiting to start';
  else headline = peak === 1 ? 'Ran 1 step at a time' : `Ran up to ${peak} steps in parallel`;
  const subline = `peak ${peak} of ${state.maxParallel} ${state.maxParallel === 1 ? 'slot' : 'slots'}`;
  return {
    width,
    height: 78,
    running,
    peak,
    limit,
    live,
    headline,
    subline,
    slots: band.domain().map((i) => ({
      index: i,
      x: band(i) ?? 0,
      width: band.bandwidth(),
      busy: live ? i < running : i < peak,
      peak: i === peak - 1,
    })),
    slotY: 50,
    slotHeight: 22,
  };
}
