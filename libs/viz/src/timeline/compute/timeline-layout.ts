import { area, curveStepAfter, line, scaleLinear } from 'd3';
import type { StepStatus } from '@weft/core/browser';
import type { RunState } from '../../state/run-state.types.js';
import { concurrencySteps, processIntervals } from '../../shared/process-intervals.js';
import { formatDuration, formatTick } from '../../shared/format.js';

/** Sizes of the timeline drawing, in px. */
export interface TimelineLayoutOptions {
  /** Total width. @default 800 */
  readonly width?: number;
  /** Height of one slot's lane. @default 26 */
  readonly laneHeight?: number;
  /** @default 4 */
  readonly laneGap?: number;
  /** Width of the lane labels on the left. @default 56 */
  readonly labelWidth?: number;
  /** Height of the concurrency-over-time strip under the lanes. @default 48 */
  readonly stripHeight?: number;
}

export interface TimelineBar {
  readonly key: string;
  readonly stepId: string;
  readonly item: number | null;
  readonly attempt: number;
  readonly lane: number;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly status: StepStatus;
  readonly critical: boolean;
  /** A failed attempt that was retried. */
  readonly retried: boolean;
  /** Text drawn inside the bar, or null when it does not fit. */
  readonly label: string | null;
  readonly ariaLabel: string;
}

export interface TimelineLayout {
  readonly width: number;
  readonly height: number;
  /** Left edge of the plotting area. */
  readonly plotX: number;
  readonly plotWidth: number;
  readonly lanes: readonly { readonly index: number; readonly y: number; readonly height: number; readonly label: string }[];
  readonly bars: readonly TimelineBar[];
  readonly axis: { readonly y: number; readonly ticks: readonly { readonly x: number; readonly label: string }[] };
  readonly strip: {
    readonly y: number;
    readonly height: number;
    readonly areaPath: string;
    readonly linePath: string;
    /** y of the maxParallel limit line. */
    readonly limitY: number;
    readonly peak: number;
    readonly limit: number;
    readonly ariaLabel: string;
  };
  /** x of the "now" line while the run is live, else null. */
  readonly nowX: number | null;
  /** Visible span in ms. */
  readonly spanMs: number;
}

/**
 * A Gantt of the run: one lane per concurrent slot, one bar per process (retries and `foreach`
 * items each get their own), a time axis, and the number of processes running over time. Pure.
 */
export function computeTimeline(state: RunState, now: number, options: TimelineLayoutOptions = {}): TimelineLayout {
  const width = Math.max(200, options.width ?? 800);
  const laneHeight = options.laneHeight ?? 26;
  const laneGap = options.laneGap ?? 4;
  const labelWidth = options.labelWidth ?? 56;
  const stripHeight = options.stripHeight ?? 48;
  const right = 12;
  const top = 4;
  const live = state.status === 'running';
  const intervals = processIntervals(state, now);
  const laneCount = Math.max(state.maxParallel, 1, ...intervals.map((iv) => iv.lane + 1));
  const lastEnd = Math.max(0, ...intervals.map((iv) => iv.end));
  const elapsed = state.startMs === null ? 0 : Math.max(0, (live ? now : (state.endMs ?? now)) - state.startMs);
  const spanMs = Math.max(1000, lastEnd, elapsed);
  const x = scaleLinear().domain([0, spanMs]).range([labelWidth, width - right]);
  const critical = new Set(state.criticalPath);

  const lanes = Array.from({ length: laneCount }, (_, index) => ({
    index,
    y: top + index * (laneHeight + laneGap),
    height: laneHeight,
    label: `slot ${index + 1}`,
  }));
  const bars = intervals.map((iv): TimelineBar => {
    const x0 = x(iv.start);
    const w = Math.max(2, x(iv.end) - x0);
    const name = iv.item === null ? iv.stepId : `${iv.stepId}[${iv.item}]`;
    const text = iv.attempt > 1 ? `${name} #${iv.attempt}` : name;
    const label = w >= text.length * 6.2 + 8 ? text : w >= 40 ? `${text.slice(0, Math.floor((w - 12) / 6.2))}…` : null;
    const ariaLabel = [
      name,
      iv.attempt > 1 ? `attempt ${iv.attempt}` : null,
      iv.open ? `running for ${formatDuration(iv.end - iv.start)}` : `${iv.status} in ${formatDuration(iv.end - iv.start)}`,
      iv.retried ? 'retried' : null,
      `from ${formatTick(iv.start)} on slot ${iv.lane + 1}`,
      critical.has(iv.stepId) ? 'critical path' : null,
    ]
      .filter(Boolean)
      .join(', ');
    return {
      key: iv.key,
      stepId: iv.stepId,
      item: iv.item,
      attempt: iv.attempt,
      lane: iv.lane,
      x: x0,
      y: top + iv.lane * (laneHeight + laneGap),
      width: w,
      height: laneHeight,
      status: iv.status,
      critical: critical.has(iv.stepId),
      retried: iv.retried,
      label,
      ariaLabel,
    };
  });

  const lanesBottom = top + laneCount * (laneHeight + laneGap);
  const axisY = lanesBottom + 2;
  const ticks = x.ticks(Math.max(2, Math.floor((width - labelWidth) / 90))).map((t) => ({ x: x(t), label: formatTick(t) }));

  const stripY = axisY + 26;
  const points = concurrencySteps(intervals, spanMs);
  const peak = Math.max(0, ...points.map((p) => p.running));
  const limit = Math.max(1, state.maxParallel);
  const y = scaleLinear()
    .domain([0, Math.max(limit, peak)])
    .range([stripY + stripHeight, stripY + 4]);
  const areaPath =
    area<{ t: number; running: number }>()
      .x((p) => x(p.t))
      .y0(stripY + stripHeight)
      .y1((p) => y(p.running))
      .curve(curveStepAfter)(points) ?? '';
  const linePath =
    line<{ t: number; running: number }>()
      .x((p) => x(p.t))
      .y((p) => y(p.running))
      .curve(curveStepAfter)(points) ?? '';
  return {
    width,
    height: stripY + stripHeight + 4,
    plotX: labelWidth,
    plotWidth: width - right - labelWidth,
    lanes,
    bars,
    axis: { y: axisY, ticks },
    strip: {
      y: stripY,
      height: stripHeight,
      areaPath,
      linePath,
      limitY: y(limit),
      peak,
      limit,
      ariaLabel: `Steps running over time: peak ${peak} of ${limit} slots`,
    },
    nowX: live && state.startMs !== null ? x(Math.max(0, now - state.startMs)) : null,
    spanMs,
  };
}
