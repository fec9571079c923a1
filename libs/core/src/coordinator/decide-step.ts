import type { StepReason, StepStatus } from '../report/run-report.types';
import { evaluateCondition } from '../spec/expression/evaluate-condition';
import { resolveValue, type ReferenceScope } from '../spec/references';
import type { StepDefinition } from '../spec/workflow.types';

/** What becomes of a step whose dependencies are all terminal. */
export type StepDecision =
  | { readonly run: true; /** Its `foreach` items, or null. */ readonly items: unknown[] | null }
  | { readonly run: false; readonly status: 'skipped' | 'failed'; readonly reason: StepReason; readonly message: string };

/** A dependency as the decision reads it. */
export interface DecidedDependency {
  readonly def: Pick<StepDefinition, 'id' | 'continueOnError'>;
  readonly status: StepStatus;
}

/** A dependency lets its dependents run when it succeeded, or failed under `continueOnError`. */
export function satisfies(dep: DecidedDependency): boolean {
  return dep.status === 'succeeded' || (dep.status === 'failed' && dep.def.continueOnError);
}

/**
 * Decides a ready step: with an `if`, the condition alone decides (so a recovery branch can run
 * after a failure); without one, every dependency must be satisfied. Then `foreach` must resolve
 * to an array.
 */
export function decideStep(def: StepDefinition, deps: readonly DecidedDependency[], scope: ReferenceScope): StepDecision {
  if (def.if) {
    let pass: boolean;
    try {
      pass = evaluateCondition(def.if, scope);
    } catch (error) {
      return end('failed', 'condition_error', `if: ${(error as Error).message}`);
    }
    if (!pass) return end('skipped', 'condition_false', `condition is false: ${def.if.source}`);
  } else {
    const blocked = deps.filter((d) => !satisfies(d));
    if (blocked.length) {
      const failed = blocked.find((d) => d.status === 'failed' || d.status === 'cancelled');
      return failed
        ? end('skipped', 'upstream_failed', `'${failed.def.id}' ${failed.status}`)
        : end('skipped', 'upstream_skipped', `'${blocked[0].def.id}' was skipped`);
    }
  }
  if (def.foreach === undefined) return { run: true, items: null };
  const value = resolveValue(def.foreach, scope);
  if (!Array.isArray(value)) {
    return end('failed', 'invalid_foreach', `foreach must resolve to an array, got ${value === null ? 'null' : typeof value}`);
  }
  return { run: true, items: value };
}

function end(status: 'skipped' | 'failed', reason: StepReason, message: string): StepDecision {
  return { run: false, status, reason, message };
}
