import { CycleDetectedError, MAX_PARALLEL_LIMIT, computeSpeedup as speedupFigures, indexGraph, type IndexedGraph, type StepId } from '@weft/core/browser';
import type { RunState } from '../../state/run-state.types.js';
import { formatDuration, formatPercent, formatSpeedup } from '../../shared/format.js';
import { bandScale, linearScale } from '../../shared/scale.js';
import { replayMakespans, type ScheduleTask } from './replay-schedule.js';

/** Width of a character of the 12 px labels, in px, for fitting text. */
const CHAR_WIDTH = 6.6;

export interface SpeedupOptions {
  /** Width in px (the component fills its container when not given). @default 480 */
  readonly width?: number;
  /** The "what if maxParallel = N" range. @default MAX_PARALLEL_LIMIT */
  readonly maxWhatIf?: number;
}

/** One row of the "what if maxParallel = N" estimate. */
export interface WhatIfEstimate {
  readonly maxParallel: number;
  readonly makespanMs: number;
  /** Replayed one-at-a-time time / replayed time at N. */
  readonly speedup: number;
  /** This run's own maxParallel. */
  readonly current: boolean;
}

export interface SpeedupView {
  readonly width: number;
  readonly height: number;
  readonly live: boolean;
  readonly makespanMs: number;
  readonly sequentialMs: number;
  readonly criticalPathMs: number;
  readonly speedup: number | null;
  readonly idealSpeedup: number | null;
  /** speedup / maxParallel. */
  readonly efficiency: number | null;
  readonly maxParallel: number;
  /** "2.0x faster"; "3.0x faster so far" while live. */
  readonly headline: string;
  /**
   * The figure is not final: the run is still going. The headline then reads "3.0x faster so far"
   * followed by `provisionalTag` in a style of its own; the final figure shows once the run ended.
   */
  readonly provisional: boolean;
  /** `(running)` while provisional, else null. */
  readonly provisionalTag: string | null;
  /** Font size of the headline in px, so that it fits `width`. */
  readonly headlineSize: number;
  readonly subline: string;
  /** The ideal speedup and efficiency line, in one or two lines that fit `width`. */
  readonly statsLines: readonly string[];
  /** y of the first stats line. */
  readonly statsY: number;
  /** Narrow layout: what-if caption above its chart instead of at its left. */
  readonly compact: boolean;
  /** The what-if caption lines and where they go. */
  readonly whatIfCaption: readonly { readonly text: string; readonly x: number; readonly y: number; readonly muted: boolean }[];
  readonly bars: readonly {
    readonly key: 'sequential' | 'parallel' | 'ideal';
    readonly label: string;
    readonly value: string;
    readonly y: number;
    readonly width: number;
    readonly ariaLabel: string;
  }[];
  readonly barX: number;
  readonly barHeight: number;
  readonly whatIf: readonly (WhatIfEstimate & {
    readonly x: number;
    readonly y: number;
    readonly width: number;
    readonly height: number;
    readonly ariaLabel: string;
  })[];
  readonly whatIfTop: number;
  readonly whatIfBaseline: number;
}

/** The processes each step would run, from this run's own durations (see `ScheduleTask`). */
export function scheduleTasksFromState(state: RunState): ScheduleTask[] {
  return state.order.map((id) => {
    const s = state.steps[id];
    const needs = s?.needs ?? [];
    if (!s || s.reused || s.status === 'skipped' || s.status === 'pending' || s.startMs === null)
      return { id, needs, durations: [] };
    if (s.itemCount) {
      const spans = new Map<number, { start: number; end: number }>();
      for (const a of state.attempts) {
        if (a.stepId !== id || a.item === null || a.endMs === null) continue;
        const cur = spans.get(a.item);
        spans.set(a.item, {
          start: Math.min(cur?.start ?? a.startMs, a.startMs),
          end: Math.max(cur?.end ?? a.endMs, a.endMs),
        });
      }
      if (spans.size > 0) return { id, needs, durations: [...spans.values()].map((sp) => sp.end - sp.start) };
    }
    return { id, needs, durations: [Math.max(0, s.durationMs ?? 0)] };
  });
}

/** The run's dependency graph, numbered as the engine numbers it. */
function graphOf(state: RunState): IndexedGraph {
  const dependencies = new Map<StepId, StepId[]>();
  for (const [from, to] of state.edges) (dependencies.get(to) ?? dependencies.set(to, []).get(to)!).push(from);
  return indexGraph(state.order, (i) => dependencies.get(state.order[i]!) ?? []);
}

/** Step duration so far: its measured duration, or the time it has been running. */
function durationSoFar(state: RunState, id: string, now: number): number {
  const s = state.steps[id];
  if (!s) return 0;
  if (s.durationMs !== null) return s.durationMs;
  if (s.status === 'running' && s.startMs !== null) return Math.max(0, now - s.startMs);
  return 0;
}

/**
 * The speedup panel: measured speedup (the report's when finished, a running estimate while live),
 * sequential vs parallel time, the ideal speedup, efficiency = speedup / maxParallel, and what-if
 * estimates for maxParallel = 1..8 made by replaying this run's durations on the engine's scheduler. Pure.
 */
export function computeSpeedup(state: RunState, now: number, options: SpeedupOptions = {}): SpeedupView {
  const width = Math.max(220, options.width ?? 480);
  const compact = width < 440;
  const live = state.status === 'running';
  const report = !live ? state.report : null;
  const end = live ? now : (state.endMs ?? state.lastEventMs ?? now);
  const makespanMs = report?.makespanMs ?? (state.startMs !== null ? Math.max(0, end - state.startMs) : 0);
  // The engine's speedup math, on each step's duration so far; a finished run has its report's figures.
  const soFar: Record<StepId, number> = {};
  for (const id of state.order) soFar[id] = durationSoFar(state, id, now);
  const figures = speedupFigures(graphOf(state), soFar, makespanMs);
  const sequentialMs = report?.sequentialMs ?? figures.sequentialMs;
  const criticalPathMs = figures.criticalPathMs;
  const speedup = report?.speedup ?? (makespanMs > 0 && sequentialMs > 0 ? figures.speedup : null);
  const idealSpeedup = report?.idealSpeedup ?? (criticalPathMs > 0 && sequentialMs > 0 ? figures.idealSpeedup : null);
  const maxParallel = Math.max(1, state.maxParallel);
  const efficiency = speedup === null ? null : speedup / maxParallel;

  let headline: string;
  if (state.status === 'pending' || speedup === null) headline = 'No speedup yet';
  else if (speedup < 1) headline = `${formatSpeedup(speedup)} (slower than one at a time)`;
  // While live the figure is the step time done so far over the time elapsed: say so, it moves.
  else headline = `${formatSpeedup(speedup)} faster${live ? ' so far' : ''}`;
  const subline =
    speedup === null
      ? 'Speedup shows once steps have run'
      : `${formatDuration(makespanMs)} ${live ? 'so far' : 'in parallel'} vs ${formatDuration(sequentialMs)} one step at a time`;

  const provisional = live && speedup !== null;
  const provisionalTag = provisional ? '(running)' : null;
  const headlineChars = headline.length + (provisionalTag ? provisionalTag.length + 1 : 0);
  const headlineSize = Math.max(14, Math.min(26, Math.floor((width * 0.95) / (0.56 * headlineChars))));
  const statsFull = `ideal ${formatSpeedup(idealSpeedup)} · efficiency ${formatPercent(efficiency)} of maxParallel ${maxParallel}`;
  const statsLines =
    statsFull.length * CHAR_WIDTH <= width - 10
      ? [statsFull]
      : [`ideal ${formatSpeedup(idealSpeedup)} · efficiency ${formatPercent(efficiency)}`, `of maxParallel ${maxParallel}`];

  const barX = compact ? 110 : 130;
  const barHeight = 16;
  const x = linearScale([0, Math.max(1, sequentialMs, makespanMs)], [0, Math.max(10, width - barX - 70)]);
  const barRows = [
    { key: 'sequential' as const, label: 'One at a time', ms: sequentialMs },
    { key: 'parallel' as const, label: live ? 'Parallel so far' : 'Parallel (this run)', ms: makespanMs },
    { key: 'ideal' as const, label: 'Critical path', ms: criticalPathMs },
  ];
  const bars = barRows.map((b, i) => ({
    key: b.key,
    label: b.label,
    value: formatDuration(b.ms),
    y: 70 + i * (barHeight + 8),
    width: Math.max(1, x(b.ms)),
    ariaLabel: `${b.label}: ${formatDuration(b.ms)}`,
  }));

  const statsY = 70 + 3 * (barHeight + 8) + 14;
  const whatIfTop = statsY + (statsLines.length - 1) * 16 + 26;
  const chartHeight = 90;
  // Compact: the caption sits above the chart, which takes the full width.
  const chartTop = compact ? whatIfTop + 38 : whatIfTop;
  const whatIfBaseline = chartTop + chartHeight;
  const chartX = compact ? 0 : barX;
  const whatIfCaption = compact
    ? [
        { text: 'What if maxParallel = N', x: 0, y: whatIfTop + 14, muted: false },
        { text: '(replayed estimate)', x: 0, y: whatIfTop + 30, muted: true },
      ]
    : [
        { text: 'What if', x: 0, y: whatIfTop + 14, muted: false },
        { text: 'maxParallel = N', x: 0, y: whatIfTop + 30, muted: false },
        { text: '(replayed estimate)', x: 0, y: whatIfTop + 46, muted: true },
      ];
  const whatIfRaw = live ? [] : estimateWhatIf(state, options.maxWhatIf ?? MAX_PARALLEL_LIMIT);
  const band = bandScale(whatIfRaw.length, [chartX, width - (compact ? 2 : 20)], 0.25);
  const y = linearScale([0, Math.max(1, ...whatIfRaw.map((w) => w.speedup))], [0, chartHeight - 18]);
  const whatIf = whatIfRaw.map((w, i) => ({
    ...w,
    x: band(i),
    width: band.bandwidth,
    y: whatIfBaseline - y(w.speedup),
    height: Math.max(1, y(w.speedup)),
    ariaLabel: `maxParallel ${w.maxParallel}: about ${formatDuration(w.makespanMs)}, ${formatSpeedup(w.speedup)} faster${
      w.current ? ' (this run’s setting)' : ''
    }`,
  }));
  return {
    width,
    height: whatIf.length > 0 ? whatIfBaseline + 24 : statsY + (statsLines.length - 1) * 16 + 10,
    live,
    makespanMs,
    sequentialMs,
    criticalPathMs,
    speedup,
    idealSpeedup,
    efficiency,
    maxParallel,
    headline,
    provisional,
    provisionalTag,
    headlineSize,
    subline,
    statsLines,
    statsY,
    compact,
    whatIfCaption,
    bars,
    barX,
    barHeight,
    whatIf,
    whatIfTop,
    whatIfBaseline,
  };
}

/**
 * Replays the run's own steps under maxParallel = 1..`upTo` on the engine's coordinator. Empty when
 * nothing ran, or on a dependency cycle (no run has one).
 */
export function estimateWhatIf(state: RunState, upTo = MAX_PARALLEL_LIMIT): WhatIfEstimate[] {
  const tasks = scheduleTasksFromState(state);
  if (!tasks.some((t) => t.durations.length > 0)) return [];
  const slots = Array.from({ length: Math.max(1, upTo) }, (_, i) => i + 1);
  let makespans: number[];
  try {
    makespans = replayMakespans(tasks, slots);
  } catch (error) {
    if (error instanceof CycleDetectedError) return [];
    throw error;
  }
  const base = makespans[0]!;
  return slots.map((n, i) => {
    const makespanMs = makespans[i]!;
    return { maxParallel: n, makespanMs, speedup: makespanMs > 0 ? base / makespanMs : 1, current: n === state.maxParallel };
  });
}
