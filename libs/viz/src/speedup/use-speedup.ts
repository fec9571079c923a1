import { useMemo } from 'react';
import type { RunState } from '../state/run-state.types.js';
import { computeSpeedup, type SpeedupOptions, type SpeedupView } from './compute/speedup.js';

/** Memoised speedup view (the what-if replay runs only when the state changes). */
export function useSpeedup(state: RunState, now: number, options: SpeedupOptions = {}): SpeedupView {
  const { width, maxWhatIf } = options;
  return useMemo(() => computeSpeedup(state, now, { width, maxWhatIf }), [state, now, width, maxWhatIf]);
}
