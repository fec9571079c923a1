import type { WorkUnit } from '../schedule/step-schedule';
import { resolveValue, type ReferenceScope } from '../spec/references';
import type { Workflow } from '../spec/workflow.types';
import type { StepLimits, StepTypeHandler } from '../step-type/step-type';
import { resolveConfig } from '../run/resolve-config';
import type { AttemptJob } from './coordinator.effects';
import { attemptId, logHeader } from './attempt-state';
import type { StepState } from './step-state';

/** Resolves what an attempt runs with against `scope` (the run so far, and its `foreach` item). */
export function attemptJob(
  runId: string,
  workflow: Pick<Workflow, 'env' | 'rootDir'>,
  step: StepState,
  unit: WorkUnit,
  lane: number,
  scope: ReferenceScope,
  type: Pick<StepTypeHandler<unknown>, 'codeFields'>,
  limits: StepLimits,
): AttemptJob {
  const def = step.def;
  const item = step.units[unit.item ?? 0];
  const env: Record<string, string> = { ...workflow.env };
  for (const [key, value] of Object.entries(resolveValue(def.env, scope) as Record<string, unknown>)) {
    env[key] = typeof value === 'string' ? value : value === null || value === undefined ? '' : JSON.stringify(value);
  }
  return {
    id: attemptId(unit),
    runId,
    stepId: def.id,
    type: def.type,
    attempt: unit.attempt,
    item: item.index === null ? null : { value: item.value, index: item.index },
    lane,
    config: resolveConfig(def.config, type, scope),
    inputs: resolveValue(def.inputs, scope) as Record<string, unknown>,
    env,
    workdir: workflow.rootDir,
    limits,
    timeoutMs: def.timeoutMs ?? null,
    logHeader: step.units.length > 1 || unit.attempt > 1 ? logHeader(unit) : null,
    ...(def.resourceLimits ? { resourceLimits: def.resourceLimits } : {}),
    priority: unit.priority,
    runsOn: def.runsOn ?? null,
  };
}
