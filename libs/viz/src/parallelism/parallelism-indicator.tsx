import type { ParallelismOptions } from './compute/parallelism.js';
import { useParallelism } from './use-parallelism.js';
import { streamFailure, useRunStateInput, type RunInputProps } from '../shared/run-input.js';
import { FILL_STYLE, useContainerWidth } from '../shared/use-container-width.js';
import { drawTime, useNow } from '../shared/use-now.js';
import { ConnectionNotice } from '../state/connection-notice.js';
import { VizStyles, type VizStyleProps } from '../styles/viz-styles.js';

export interface ParallelismIndicatorProps extends RunInputProps, ParallelismOptions, VizStyleProps {
  /** Fixed "now" in epoch ms (stories, tests); by default the clock ticks while the run is live. */
  readonly now?: number | null;
}

/** Width drawn at before the container is measured, in px. */
const FALLBACK_WIDTH = 320;

/**
 * "3 steps running in parallel", live, with one box per slot and the peak. A polite live region,
 * so screen readers hear the count change. Fills its container's width (or `width` when given);
 * when the server's own process cap held steps back it says so ("peak 4 of 8 — the server ran at
 * most 4 processes at once"). With `stream`, a failed event stream shows as an error with a Retry
 * button instead of "Waiting to start".
 */
export function ParallelismIndicator(props: ParallelismIndicatorProps) {
  const state = useRunStateInput(props);
  const [ref, width] = useContainerWidth(props.width, FALLBACK_WIDTH);
  const now = drawTime(state, useNow(state.status === 'running', props.now, 1000));
  const view = useParallelism(state, { width }, now);
  const failed = streamFailure(props);
  const narrow = view.width < 340;
  return (
    <div ref={ref} className="weft-fill weft-indicator-box" style={FILL_STYLE}>
      {props.injectStyles !== false && <VizStyles />}
      {failed && <ConnectionNotice error={failed.connectionError} onRetry={failed.retry} injectStyles={false} />}
      {!(failed && state.status === 'pending') && (
        <svg
          className={`weft-viz weft-indicator ${props.className ?? ''}`}
          role="status"
          aria-live="polite"
          aria-label={`${view.headline}, ${view.subline}`}
          width={view.width}
          height={view.height}
          viewBox={`0 0 ${view.width} ${view.height}`}
          data-running={view.running}
          data-peak={view.peak}
          data-held-back={view.heldBack.held ? 'true' : undefined}
        >
          <text
            className="weft-indicator-headline"
            x={0}
            y={24}
            data-testid="weft-indicator-headline"
            style={narrow ? { fontSize: 16 } : undefined}
          >
            {view.headline}
          </text>
          <text
            className={view.heldBack.held ? 'weft-indicator-held' : 'weft-muted'}
            x={0}
            y={42}
            data-testid="weft-indicator-subline"
            style={view.heldBack.held ? { fontWeight: 600 } : undefined}
          >
            {view.heldBackNote && <title>{view.heldBackNote}</title>}
            {view.sublines.map((line, i) => (
              <tspan key={i} x={0} dy={i === 0 ? 0 : 16}>
                {line}
              </tspan>
            ))}
          </text>
          <g aria-hidden="true">
            {view.slots.map((s) => (
              <g
                key={s.index}
                className={`weft-slot${s.busy ? ' weft-busy' : ''}${view.live ? ' weft-live' : ''}${s.peak ? ' weft-peak-mark' : ''}`}
              >
                <rect className="weft-shape" x={s.x} y={view.slotY} width={s.width} height={view.slotHeight} rx={4} />
              </g>
            ))}
          </g>
        </svg>
      )}
    </div>
  );
}
