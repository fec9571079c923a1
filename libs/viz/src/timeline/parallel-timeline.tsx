import type { TimelineBar, TimelineLayoutOptions } from './compute/timeline-layout.js';
import { useTimelineLayout } from './use-timeline-layout.js';
import { streamFailure, useRunStateInput, type RunInputProps } from '../shared/run-input.js';
import { FILL_STYLE, useContainerWidth } from '../shared/use-container-width.js';
import { ConnectionNotice } from '../state/connection-notice.js';
import { drawTime, useNow } from '../shared/use-now.js';
import { useSvgId } from '../shared/use-svg-id.js';
import { formatDuration } from '../shared/format.js';
import { VizStyles, type VizStyleProps } from '../styles/viz-styles.js';

export interface ParallelTimelineProps extends RunInputProps, TimelineLayoutOptions, VizStyleProps {
  /** Fixed "now" in epoch ms (stories, replays); by default the clock ticks while the run is live. */
  readonly now?: number | null;
  /** Accessible name. @default "Parallel timeline" + a summary */
  readonly ariaLabel?: string;
  /** Called when a bar is clicked or activated with Enter / Space. */
  readonly onSelectStep?: (stepId: string) => void;
}

/** Width drawn at before the container is measured, in px. */
const FALLBACK_WIDTH = 800;

/**
 * A Gantt chart of the run: one lane per concurrency slot (or, with `groupBy="worker"`, one band per
 * worker), a bar per process (retried attempts hatched, `foreach` items one bar each), the critical
 * path outlined, the number of processes running over time underneath with the maxParallel limit
 * labelled, and a moving "now" line while the run is live. Fills its container's width (or `width`
 * when given), drawn 1:1 so text keeps its size; narrow, it shortens lane labels and ticks.
 */
export function ParallelTimeline(props: ParallelTimelineProps) {
  const state = useRunStateInput(props);
  const [ref, width] = useContainerWidth(props.width, FALLBACK_WIDTH);
  const now = drawTime(state, useNow(state.status === 'running', props.now, 100));
  const layout = useTimelineLayout(state, now, { ...props, width });
  const failed = streamFailure(props);
  const hatchId = useSvgId('weft-retry-hatch');
  const select = props.onSelectStep;
  const byWorker = layout.groupBy === 'worker';
  const where = byWorker
    ? `${layout.groups.length} ${layout.groups.length === 1 ? 'worker' : 'workers'}`
    : `${layout.lanes.length} slots`;
  const label =
    props.ariaLabel ??
    `Parallel timeline${state.workflow ? ` of ${state.workflow}` : ''}: ${layout.bars.length} processes on ${where} over ${formatDuration(
      layout.spanMs,
    )}, peak ${layout.strip.peak} running at once`;
  const barItem = (bar: TimelineBar) => <TimelineBarItem key={bar.key} bar={bar} hatchId={hatchId} onSelect={select} />;
  return (
    <div ref={ref} className="weft-fill weft-timeline-box" style={FILL_STYLE}>
      {props.injectStyles !== false && <VizStyles />}
      {failed && <ConnectionNotice error={failed.connectionError} onRetry={failed.retry} injectStyles={false} />}
      {!(failed && state.status === 'pending') && (
      <svg
        className={`weft-viz weft-timeline ${props.className ?? ''}`}
        role="group"
        aria-roledescription="timeline"
        aria-label={label}
        width={layout.width}
        height={layout.height}
        viewBox={`0 0 ${layout.width} ${layout.height}`}
        style={{ height: 'auto' }}
      >
        <defs>
          <pattern id={hatchId} width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)">
            <rect className="weft-hatch-bg" width="6" height="6" />
            <line className="weft-hatch-line" x1="0" y1="0" x2="0" y2="6" />
          </pattern>
        </defs>
        <g aria-hidden="true">
          {layout.lanes.map((lane) => (
            <g key={lane.index}>
              <rect className="weft-timeline-lane" x={layout.plotX} y={lane.y} width={layout.plotWidth} height={lane.height} />
              {lane.label && (
                <text className="weft-muted" x={4} y={lane.y + lane.height / 2 + 4}>
                  {lane.label}
                </text>
              )}
            </g>
          ))}
          {layout.groups.map((group, i) => (
            <g key={group.key} data-worker-band={group.title}>
              {i > 0 && (
                <line className="weft-timeline-group-rule" x1={0} x2={layout.width} y1={group.y - 5} y2={group.y - 5} />
              )}
              <text className="weft-timeline-group-label" x={4} y={group.y + group.height / 2 + 4}>
                <title>{group.title}</title>
                {group.label}
              </text>
            </g>
          ))}
          {layout.axis.ticks.map((t) => (
            <g key={t.label}>
              <line className="weft-timeline-grid" x1={t.x} x2={t.x} y1={0} y2={layout.axis.y} />
              <line className="weft-axis-line" x1={t.x} x2={t.x} y1={layout.axis.y} y2={layout.axis.y + 5} />
              <text className="weft-muted" x={t.x} y={layout.axis.y + 17} textAnchor="middle">
                {t.label}
              </text>
            </g>
          ))}
          <line
            className="weft-axis-line"
            x1={layout.plotX}
            x2={layout.plotX + layout.plotWidth}
            y1={layout.axis.y}
            y2={layout.axis.y}
          />
        </g>
        {byWorker ? (
          <g role="group" aria-label="Step processes by worker">
            {layout.groups.map((group, i) => (
              <g key={group.key} role="list" aria-label={group.ariaLabel}>
                {layout.bars.filter((bar) => bar.group === i).map(barItem)}
              </g>
            ))}
          </g>
        ) : (
          <g role="list" aria-label="Step processes">
            {layout.bars.map(barItem)}
          </g>
        )}
        <g role="img" aria-label={layout.strip.ariaLabel} className="weft-concurrency" data-repacked={layout.repacked ? 'true' : undefined}>
          {layout.strip.sideLabels.map((text, i) => (
            <text key={text} className="weft-muted" x={4} y={layout.strip.y + 12 + i * 14}>
              {text}
            </text>
          ))}
          <path className="weft-concurrency-area" d={layout.strip.areaPath} />
          <path className="weft-concurrency-line" d={layout.strip.linePath} />
          <line
            className="weft-limit-line"
            x1={layout.plotX}
            x2={layout.plotX + layout.plotWidth}
            y1={layout.strip.limitY}
            y2={layout.strip.limitY}
          >
            <title>{`maxParallel = ${layout.strip.limit}`}</title>
          </line>
          <text
            className="weft-muted weft-limit-label"
            x={layout.plotX + layout.plotWidth}
            y={layout.strip.limitY - 3}
            textAnchor="end"
            data-testid="weft-limit-label"
          >
            {layout.strip.limitLabel}
          </text>
          {layout.strip.caption && (
            <text className="weft-muted" x={layout.plotX} y={layout.strip.y + layout.strip.height + 16}>
              {layout.strip.caption}
            </text>
          )}
        </g>
        {layout.nowX !== null && (
          <g aria-hidden="true" data-now-line="true">
            <line className="weft-now-line" x1={layout.nowX} x2={layout.nowX} y1={0} y2={layout.height} />
            {/* Inside the widget: to the line's left when it is near the right edge. */}
            <text
              x={layout.nowX + 30 > layout.width ? layout.nowX - 3 : layout.nowX + 3}
              textAnchor={layout.nowX + 30 > layout.width ? 'end' : undefined}
              y={layout.axis.y - 4}
              className="weft-muted"
            >
              now
            </text>
          </g>
        )}
      </svg>
      )}
    </div>
  );
}

/** One process's bar: focusable, labelled, selectable with a click, Enter or Space. */
function TimelineBarItem({ bar, hatchId, onSelect }: { bar: TimelineBar; hatchId: string; onSelect?: (stepId: string) => void }) {
  return (
    <g
      role="listitem"
      className={`weft-timeline-bar weft-status-${bar.status}${bar.critical ? ' weft-critical' : ''}${bar.retried ? ' weft-retried' : ''}`}
      transform={`translate(${bar.x},${bar.y})`}
      tabIndex={0}
      aria-label={bar.ariaLabel}
      data-step={bar.stepId}
      data-status={bar.status}
      data-worker={bar.worker ?? undefined}
      onClick={onSelect ? () => onSelect(bar.stepId) : undefined}
      onKeyDown={
        onSelect
          ? (e) => {
              if (e.key === 'Enter' || e.key === ' ') {
                e.preventDefault();
                onSelect(bar.stepId);
              }
            }
          : undefined
      }
    >
      <title>{bar.ariaLabel}</title>
      <rect
        className="weft-shape"
        width={bar.width}
        height={bar.height}
        rx={3}
        style={bar.retried ? { fill: `url(#${hatchId})` } : undefined}
      />
      {bar.label && (
        <text x={5} y={bar.height / 2 + 4}>
          {bar.label}
        </text>
      )}
    </g>
  );
}
