import type { RunState } from '../../state/run-state.types.js';
import { runningText } from '../../shared/format.js';
import { bandScale } from '../../shared/scale.js';
import { detectHeldBack, heldBackExplanation, heldBackText, type HeldBack } from './held-back.js';

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
  /** "peak 3 of 4 slots"; "peak 4 of 8 — the server ran at most 4 processes at once" when a server cap held steps back. */
  readonly subline: string;
  /** The subline in lines that fit `width` (one line when it fits). */
  readonly sublines: readonly string[];
  /** Whether a cap other than maxParallel held steps back (see `detectHeldBack`). */
  readonly heldBack: HeldBack;
  /** The longer explanation when held back, else null (a tooltip). */
  readonly heldBackNote: string | null;
  /** One box per slot (maxParallel), the first `running` busy. */
  readonly slots: readonly { readonly index: number; readonly x: number; readonly width: number; readonly busy: boolean; readonly peak: boolean }[];
  readonly slotY: number;
  readonly slotHeight: number;
}

/** Width of a character of the 12 px labels, in px, for fitting text. */
const CHAR_WIDTH = 6.6;

/**
 * What the parallelism indicator shows. `now` (epoch ms) is for telling a server cap while the run
 * is live; it defaults to the last event. Pure.
 */
export function computeParallelism(state: RunState, options: ParallelismOptions = {}, now?: number): ParallelismView {
  const width = Math.max(120, options.width ?? 320);
  const live = state.status === 'running';
  const running = live ? state.running : 0;
  const peak = Math.max(state.peak, running);
  const limit = Math.max(1, state.maxParallel, peak);
  const band = bandScale(limit, [0, width], 0.15);
  let headline: string;
  if (live) headline = runningText(running);
  else if (state.status === 'pending') headline = 'Waiting to start';
  else headline = peak === 1 ? 'Ran 1 step at a time' : `Ran up to ${peak} steps in parallel`;
  const heldBack = detectHeldBack(state, now ?? state.lastEventMs ?? state.startMs ?? 0);
  const slotsText = `peak ${peak} of ${state.maxParallel} ${state.maxParallel === 1 ? 'slot' : 'slots'}`;
  const subline = heldBack.held ? `peak ${peak} of ${state.maxParallel} — ${heldBackText(heldBack)}` : slotsText;
  const sublines =
    subline.length * CHAR_WIDTH <= width
      ? [subline]
      : heldBack.held
        ? [`peak ${peak} of ${state.maxParallel} —`, heldBackText(heldBack)]
        : [subline];
  const slotY = 50 + (sublines.length - 1) * 16;
  return {
    width,
    height: slotY + 28,
    running,
    peak,
    limit,
    live,
    headline,
    subline,
    sublines,
    heldBack,
    heldBackNote: heldBack.held ? heldBackExplanation(heldBack) : null,
    slots: Array.from({ length: limit }, (_, i) => ({
      index: i,
      x: band(i),
      width: band.bandwidth,
      busy: live ? i < running : i < peak,
      peak: i === peak - 1,
    })),
    slotY,
    slotHeight: 22,
  };
}
