import type { StepId } from '../spec/workflow.types';
import { WorkflowError } from './workflow.error';

/** Formats a cycle path as `cycle: a → b → c → a`. */
export function formatCycle(cycle: readonly StepId[]): string {
  return `cycle: ${[...cycle, cycle[0]].join(' → ')}`;
}

/** The dependency graph has cycles; each is spelled out. */
export class CycleDetectedError extends WorkflowError {
  override readonly name = 'CycleDetectedError';
  constructor(readonly cycles: readonly (readonly StepId[])[]) {
    super(cycles.map(formatCycle).join('\n'));
  }
}
