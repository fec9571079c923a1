import type { ParallelismOptions } from './compute/parallelism.js';
import { useParallelism } from './use-parallelism.js';
import { useRunStateInput, type RunInputProps } from '../shared/run-input.js';
import { VizStyles, type VizStyleProps } from '../styles/viz-styles.js';

export interface ParallelismIndicatorProps extends RunInputProps, ParallelismOptions, VizStyleProps {}

/**
 * "3 steps running in parallel", live, with one box per slot and the peak. A polite live region,
 * so screen readers hear the count change.
 */
export function ParallelismIndicator(props: ParallelismIndicatorProps) {
  const state = useRunStateInput(props);
  const view = useParallelism(state, props);
  return (
    <>
      {props.injectStyles !== false && <VizStyles />}
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
      >
        <text className="weft-indicator-headline" x={0} y={24} data-testid="weft-indicator-headline">
          {view.headline}
        </text>
        <text className="weft-muted" x={0} y={42}>
          {view.subline}
        </text>
        <g aria-hidden="true">
          {view.slots.map((s) => (
            <g
              key={s.index}
              className={`weft-slot${s.busy ? ' weft-busy' : ''}${view.live ? ' weft-live' : ''}${
                s.peak ? ' weft-peak-mark' : ''
              }`}
            >
              <rect className="weft-shape" x={s.x} y={view.slotY} width={s.width} height={view.slotHeight} rx={4} />
            </g>
          ))}
        </g>
      </svg>
    </>
  );
}
