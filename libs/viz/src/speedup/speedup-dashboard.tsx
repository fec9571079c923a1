import type { SpeedupOptions } from './compute/speedup.js';
import { useSpeedup } from './use-speedup.js';
import { streamFailure, useRunStateInput, type RunInputProps } from '../shared/run-input.js';
import { FILL_STYLE, useContainerWidth } from '../shared/use-container-width.js';
import { ConnectionNotice } from '../state/connection-notice.js';
import { drawTime, useNow } from '../shared/use-now.js';
import { formatPercent, formatSpeedup } from '../shared/format.js';
import { VizStyles, type VizStyleProps } from '../styles/viz-styles.js';

export interface SpeedupDashboardProps extends RunInputProps, SpeedupOptions, VizStyleProps {
  /** Fixed "now" in epoch ms (stories, replays); by default the clock ticks while the run is live. */
  readonly now?: number | null;
}

/** Width drawn at before the container is measured, in px. */
const FALLBACK_WIDTH = 480;

/**
 * "2.0x faster": the measured speedup, sequential vs parallel time, the ideal speedup, the
 * efficiency against maxParallel, and what maxParallel = 1..8 would have given on this run's steps.
 * While the run goes on the figure is provisional and says so: "3.0x faster so far (running)", in
 * the running colour and italics; the final figure shows once the run ended. Fills its container's
 * width (or `width` when given).
 */
export function SpeedupDashboard(props: SpeedupDashboardProps) {
  const state = useRunStateInput(props);
  const [ref, width] = useContainerWidth(props.width, FALLBACK_WIDTH);
  const now = drawTime(state, useNow(state.status === 'running', props.now, 500));
  const view = useSpeedup(state, now, { ...props, width });
  const failed = streamFailure(props);
  const stats = `ideal ${formatSpeedup(view.idealSpeedup)} · efficiency ${formatPercent(view.efficiency)} of maxParallel ${view.maxParallel}`;
  const headline = view.provisionalTag ? `${view.headline} ${view.provisionalTag}` : view.headline;
  return (
    <div ref={ref} className="weft-fill weft-speedup-box" style={FILL_STYLE}>
      {props.injectStyles !== false && <VizStyles />}
      {failed && <ConnectionNotice error={failed.connectionError} onRetry={failed.retry} injectStyles={false} />}
      {!(failed && state.status === 'pending') && (
      <svg
        className={`weft-viz weft-speedup ${props.className ?? ''}`}
        role="group"
        aria-label={`Speedup: ${headline}. ${view.subline}. ${stats}.`}
        data-provisional={view.provisional ? 'true' : undefined}
        width={view.width}
        height={view.height}
        viewBox={`0 0 ${view.width} ${view.height}`}
        style={{ height: 'auto' }}
      >
        <text
          className={`weft-speedup-headline${view.provisional ? ' weft-speedup-provisional' : ''}`}
          x={0}
          y={30}
          data-testid="weft-speedup-headline"
          style={{
            fontSize: view.headlineSize,
            ...(view.provisional ? { fill: 'var(--weft-color-running)', fontStyle: 'italic' } : {}),
          }}
        >
          {view.headline}
          {view.provisionalTag && (
            <tspan className="weft-provisional-tag" data-testid="weft-speedup-provisional" style={{ fontWeight: 600 }}>
              {' '}
              {view.provisionalTag}
            </tspan>
          )}
        </text>
        <text className="weft-muted" x={0} y={50}>
          {view.subline}
        </text>
        <g role="list" aria-label="Sequential versus parallel time">
          {view.bars.map((b) => (
            <g key={b.key} role="listitem" tabIndex={0} aria-label={b.ariaLabel} className={`weft-speedup-bar weft-${b.key}`}>
              <text x={0} y={b.y + view.barHeight - 3}>
                {b.label}
              </text>
              <rect className="weft-shape" x={view.barX} y={b.y} width={b.width} height={view.barHeight} rx={3} />
              <text x={view.barX + b.width + 6} y={b.y + view.barHeight - 3}>
                {b.value}
              </text>
            </g>
          ))}
        </g>
        <text x={0} y={view.statsY} className="weft-muted" data-testid="weft-speedup-stats">
          {view.statsLines.map((line, i) => (
            <tspan key={i} x={0} dy={i === 0 ? 0 : 16}>
              {line}
            </tspan>
          ))}
        </text>
        {view.whatIf.length > 0 && (
          <g role="list" aria-label="Estimated speedup for other maxParallel values">
            {view.whatIfCaption.map((c) => (
              <text key={c.text} x={c.x} y={c.y} className={c.muted ? 'weft-muted' : undefined}>
                {c.text}
              </text>
            ))}
            {view.whatIf.map((w) => (
              <g
                key={w.maxParallel}
                role="listitem"
                tabIndex={0}
                aria-label={w.ariaLabel}
                className={`weft-whatif-bar${w.current ? ' weft-current' : ''}`}
                data-max-parallel={w.maxParallel}
              >
                <title>{w.ariaLabel}</title>
                <rect className="weft-shape" x={w.x} y={w.y} width={w.width} height={w.height} rx={2} />
                <text x={w.x + w.width / 2} y={w.y - 4} textAnchor="middle" className="weft-muted">
                  {formatSpeedup(w.speedup)}
                </text>
                <text x={w.x + w.width / 2} y={view.whatIfBaseline + 16} textAnchor="middle" fontWeight={w.current ? 700 : 400}>
                  {w.maxParallel}
                </text>
              </g>
            ))}
          </g>
        )}
      </svg>
      )}
    </div>
  );
}
