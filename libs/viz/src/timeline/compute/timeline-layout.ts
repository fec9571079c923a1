import type { StepStatus } from '@weft/core/browser';
import type { RunState } from '../../state/run-state.types.js';
import { concurrencySteps, packLanes, processIntervals } from '../../shared/process-intervals.js';
import { linearScale } from '../../shared/scale.js';
import { formatDuration, formatTick } from '../../shared/format.js';
import { groupByWorker, type TimelineGroupBy } from './worker-groups.js';

/** Sizes of the timeline drawing, in px. */
export interface TimelineLayoutOptions {
  /** Total width, in px (the component fills its container when not given). @default 800 */
  readonly width?: number;
  /** Height of one slot's lane. @default 26 */
  readonly laneHeight?: number;
  /** @default 4 */
  readonly laneGap?: number;
  /**
   * Width of the lane labels on the left. @default 56, or 120 when grouped by worker; below
   * `COMPACT_WIDTH` 22 (slot numbers only), or a fifth of the width for worker names
   */
  readonly labelWidth?: number;
  /** Height of the concurrency-over-time strip under the lanes. @default 48 */
  readonly stripHeight?: number;
  /**
   * `lane`: one lane per concurrency slot. `worker`: one band per worker (`server` for the steps the
   * server ran itself), its processes stacked in sub-lanes so none overlap. @default 'lane'
   */
  readonly groupBy?: TimelineGroupBy;
}

/** Below this width (px) the timeline is compact: short lane labels, the strip's labels under it. */
export const COMPACT_WIDTH = 520;

/** Space between two worker bands, in px. */
const GROUP_GAP = 10;
/** Width of a character of the labels, in px, for fitting text. */
const CHAR_WIDTH = 6.2;

export interface TimelineBar {
  readonly key: string;
  readonly stepId: string;
  readonly item: number | null;
  readonly attempt: number;
  readonly lane: number;
  /** Worker that ran it; null for the server itself. */
  readonly worker: string | null;
  /** Index of its band in `groups` when grouped by worker, else null. */
  readonly group: number | null;
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

export interface TimelineLane {
  readonly index: number;
  readonly y: number;
  readonly height: number;
  /** `slot 1`; empty for a worker band's sub-lane. */
  readonly label: string;
  /** Index of its band in `groups`, or null. */
  readonly group: number | null;
}

/** A worker's band: its sub-lanes together. */
export interface TimelineGroup {
  /** Stable key (the worker id, or `server`). */
  readonly key: string;
  /** Worker id; null for the server itself. */
  readonly worker: string | null;
  /** The worker id or `server`, shortened with `…` to fit the label column. */
  readonly label: string;
  /** The full name. */
  readonly title: string;
  readonly y: number;
  readonly height: number;
  readonly laneCount: number;
  readonly processCount: number;
  /** `Worker build-1:4242: 5 processes`. */
  readonly ariaLabel: string;
}

export interface TimelineLayout {
  readonly width: number;
  readonly height: number;
  /** Left edge of the plotting area. */
  readonly plotX: number;
  readonly plotWidth: number;
  readonly groupBy: TimelineGroupBy;
  /** The rows bars sit in: slots, or the sub-lanes of each worker band (labelled by their band instead). */
  readonly lanes: readonly TimelineLane[];
  /** One band per worker when grouped by worker, in order of their first start; empty otherwise. */
  readonly groups: readonly TimelineGroup[];
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
    /** `limit 4`: drawn on the dashed limit line. */
    readonly limitLabel: string;
    /** Labels left of the strip (`running`, `peak 3`), or none when compact. */
    readonly sideLabels: readonly string[];
    /** A line under the strip when compact (`running at once · peak 3 of 4`), else null. */
    readonly caption: string | null;
    readonly ariaLabel: string;
  };
  /** Compact layout (narrow): short lane labels, strip caption underneath. */
  readonly compact: boolean;
  /**
   * The processes were packed into lanes by their own times rather than drawn on the engine's slots:
   * the engine handed out more slots than ever ran at once (a server cap held processes back), so the
   * lanes show what really ran side by side, as the parallelism indicator counts it.
   */
  readonly repacked: boolean;
  /** x of the "now" line while the run is live, else null. */
  readonly nowX: number | null;
  /** Visible span in ms. */
  readonly spanMs: number;
}

/** `text`, or its start and `…` when it is wider than `width` px. */
function fitText(text: string, width: number): string {
  const max = Math.max(1, Math.floor(width / CHAR_WIDTH));
  return text.length <= max ? text : `${text.slice(0, Math.max(1, max - 1))}…`;
}

/** `worker build-1:4242`, `the server`. */
function workerText(worker: string | null): string {
  return worker === null ? 'the server' : `worker ${worker}`;
}

/**
 * A Gantt of the run: one lane per concurrent slot (or one band per worker), one bar per process
 * (retries and `foreach` items each get their own), a time axis, and the number of processes
 * running over time. Pure.
 */
export function computeTimeline(state: RunState, now: number, options: TimelineLayoutOptions = {}): TimelineLayout {
  const groupBy = options.groupBy ?? 'lane';
  const width = Math.max(160, options.width ?? 800);
  const compact = width < COMPACT_WIDTH;
  const laneHeight = options.laneHeight ?? 26;
  const laneGap = options.laneGap ?? 4;
  const labelWidth =
    options.labelWidth ?? (groupBy === 'worker' ? (compact ? Math.max(56, Math.round(width / 5)) : 120) : compact ? 22 : 56);
  const stripHeight = options.stripHeight ?? 48;
  const right = 12;
  const top = 4;
  const live = state.status === 'running';
  const slotted = processIntervals(state, now);
  // Bars spread over more slots than ever ran at once (slots held while a server cap kept their
  // processes waiting): lay them out by their own times, so the lanes match the peak.
  const concurrentPeak = Math.max(0, ...concurrencySteps(slotted, 0).map((p) => p.running));
  const repacked = groupBy === 'lane' && slotted.length > 0 && Math.max(...slotted.map((iv) => iv.lane + 1)) > concurrentPeak;
  const intervals = repacked ? packLanes(slotted.map((iv) => ({ ...iv, lane: null as number | null }))) : slotted;
  const laneCount = Math.max(state.maxParallel, 1, ...intervals.map((iv) => iv.lane + 1));
  const lastEnd = Math.max(0, ...intervals.map((iv) => iv.end));
  const elapsed = state.startMs === null ? 0 : Math.max(0, (live ? now : (state.endMs ?? now)) - state.startMs);
  const spanMs = Math.max(1000, lastEnd, elapsed);
  const x = linearScale([0, spanMs], [labelWidth, width - right]);
  const critical = new Set(state.criticalPath);

  const pitch = laneHeight + laneGap;
  let lanes: TimelineLane[];
  let groups: TimelineGroup[] = [];
  /** Where each process sits: its row's y and its band. */
  const placed = new Map<string, { y: number; group: number | null }>();
  if (groupBy === 'worker') {
    lanes = [];
    let y = top;
    groups = groupByWorker(intervals).map((g, index): TimelineGroup => {
      for (let row = 0; row < g.laneCount; row++)
        lanes.push({ index: lanes.length, y: y + row * pitch, height: laneHeight, label: '', group: index });
      for (const iv of g.items) placed.set(iv.key, { y: y + iv.row * pitch, group: index });
      const n = g.items.length;
      const group: TimelineGroup = {
        key: g.worker ?? g.label,
        worker: g.worker,
        label: fitText(g.label, labelWidth - 8),
        title: g.label,
        y,
        height: g.laneCount * pitch - laneGap,
        laneCount: g.laneCount,
        processCount: n,
        ariaLabel: `${g.worker === null ? 'The server' : `Worker ${g.worker}`}: ${n} ${n === 1 ? 'process' : 'processes'}`,
      };
      y += g.laneCount * pitch + GROUP_GAP;
      return group;
    });
  } else {
    lanes = Array.from({ length: laneCount }, (_, index) => ({
      index,
      y: top + index * pitch,
      height: laneHeight,
      label: compact ? `${index + 1}` : `slot ${index + 1}`,
      group: null,
    }));
    for (const iv of intervals) placed.set(iv.key, { y: top + iv.lane * pitch, group: null });
  }
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
      groupBy === 'worker'
        ? `from ${formatTick(iv.start)} on ${workerText(iv.worker)}`
        : `from ${formatTick(iv.start)} on slot ${iv.lane + 1}`,
      // By slot, name the worker only when there is one: on a server without workers every process is local.
      groupBy === 'lane' && iv.worker !== null ? `on ${workerText(iv.worker)}` : null,
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
      worker: iv.worker,
      group: placed.get(iv.key)?.group ?? null,
      x: x0,
      y: placed.get(iv.key)?.y ?? top,
      width: w,
      height: laneHeight,
      status: iv.status,
      critical: critical.has(iv.stepId),
      retried: iv.retried,
      label,
      ariaLabel,
    };
  });

  const lastLane = lanes[lanes.length - 1];
  // An empty worker layout (nothing ran yet) keeps one lane's height so the axis does not hug the top.
  const lanesBottom = lastLane ? lastLane.y + lastLane.height + laneGap : top + pitch;
  const axisY = lanesBottom + 2;
  const ticks = x.ticks(Math.max(2, Math.floor((width - labelWidth) / 90))).map((t) => ({ x: x(t), label: formatTick(t) }));

  const stripY = axisY + 30;
  const points = concurrencySteps(intervals, spanMs);
  const peak = Math.max(0, ...points.map((p) => p.running));
  const limit = Math.max(1, state.maxParallel);
  const y = linearScale([0, Math.max(limit, peak)], [stripY + stripHeight, stripY + 4]);
  const areaPath = stepAfterArea(points.map((p) => [x(p.t), y(p.running)]), stripY + stripHeight);
  const linePath = stepAfterLine(points.map((p) => [x(p.t), y(p.running)]));
  return {
    width,
    height: stripY + stripHeight + (compact ? 22 : 4),
    compact,
    repacked,
    plotX: labelWidth,
    plotWidth: width - right - labelWidth,
    groupBy,
    lanes,
    groups,
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
      limitLabel: `limit ${limit}`,
      sideLabels: compact ? [] : ['running', `peak ${peak}`],
      caption: compact ? `running at once · peak ${peak} of ${limit}` : null,
      ariaLabel: `Steps running over time: peak ${peak} of ${limit} slots${
        repacked ? ', lanes packed by time: a server limit held processes back' : ''
      }`,
    },
    nowX: live && state.startMs !== null ? x(Math.max(0, now - state.startMs)) : null,
    spanMs,
  };
}

const round = (n: number) => Math.round(n * 100) / 100;

/** A step line through `points`: each value holds until the next point's x (d3's curveStepAfter). */
export function stepAfterLine(points: readonly (readonly [number, number])[]): string {
  if (points.length === 0) return '';
  let d = `M${round(points[0]![0])},${round(points[0]![1])}`;
  for (let i = 1; i < points.length; i++) d += `H${round(points[i]![0])}V${round(points[i]![1])}`;
  return d;
}

/** The area under a step line, down to the baseline `y0`. */
export function stepAfterArea(points: readonly (readonly [number, number])[], y0: number): string {
  if (points.length === 0) return '';
  const [x0, first] = points[0]!;
  let d = `M${round(x0)},${round(y0)}V${round(first)}`;
  for (let i = 1; i < points.length; i++) d += `H${round(points[i]![0])}V${round(points[i]![1])}`;
  return `${d}V${round(y0)}Z`;
}
