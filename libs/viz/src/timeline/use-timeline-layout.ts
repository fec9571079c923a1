import { useMemo } from 'react';
import type { RunState } from '../state/run-state.types.js';
import { computeTimeline, type TimelineLayout, type TimelineLayoutOptions } from './compute/timeline-layout.js';

/** Memoised timeline layout. */
export function useTimelineLayout(state: RunState, now: number, options: TimelineLayoutOptions = {}): TimelineLayout {
  const { width, laneHeight, laneGap, labelWidth, stripHeight, groupBy } = options;
  return useMemo(
    () => computeTimeline(state, now, { width, laneHeight, laneGap, labelWidth, stripHeight, groupBy }),
    [state, now, width, laneHeight, laneGap, labelWidth, stripHeight, groupBy],
  );
}
