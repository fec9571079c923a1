import { useMemo } from 'react';
import type { RunState } from '../state/run-state.types.js';
import { computeParallelism, type ParallelismOptions, type ParallelismView } from './compute/parallelism.js';

/** Memoised parallelism view. */
export function useParallelism(state: RunState, options: ParallelismOptions = {}, now?: number): ParallelismView {
  const { width } = options;
  return useMemo(() => computeParallelism(state, { width }, now), [state, width, now]);
}
