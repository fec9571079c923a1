import type { EntityManager, FindOptionsSelect } from 'typeorm';
import type { ItemReport, StepReport, StepStatus } from '@weft/core';
import { StepRunEntity } from './entities/step-run.entity';
import { stripNul } from './stored-text';

/** The statuses of a step that has not finished. */
export const UNFINISHED: readonly StepStatus[] = ['pending', 'running'];

/** True when a step with `status` finished (in any way). */
export const isFinished = (status: StepStatus): boolean => !UNFINISHED.includes(status);

/** Every column of a step row but its log: what a report reads. */
const REPORT_COLUMNS = {
  runId: true,
  stepId: true,
  position: true,
  type: true,
  status: true,
  reason: true,
  message: true,
  startedAt: true,
  finishedAt: true,
  durationMs: true,
  exitCode: true,
  signal: true,
  attempts: true,
  outputs: true,
  items: true,
  lane: true,
  runningAtStart: true,
  reused: true,
  worker: true,
  hash: true,
} satisfies FindOptionsSelect<StepRunEntity>;

/** A run's step rows without their logs, in declaration order, as `manager` sees them. */
export function readStepRows(manager: EntityManager, runId: string): Promise<StepRunEntity[]> {
  return manager
    .getRepository(StepRunEntity)
    .find({ where: { runId }, order: { position: 'ASC' }, select: REPORT_COLUMNS });
}

/** The columns of a step row that hold `result`. */
export function stepColumns(result: StepReport): Partial<StepRunEntity> {
  return {
    status: result.status,
    reason: result.reason,
    message: result.message === null ? null : stripNul(result.message),
    startedAt: result.startedAt,
    finishedAt: result.finishedAt,
    durationMs: result.durationMs === null ? null : Math.round(result.durationMs),
    exitCode: result.exitCode,
    signal: result.signal,
    attempts: result.attempts,
    outputs: (result.outputs ?? null) as StepRunEntity['outputs'],
    items: result.items ?? null,
    lane: result.lane,
    reused: result.reused,
    worker: result.worker ?? null,
  };
}

/** The step's report as its row holds it. */
export function toStepReport(step: StepRunEntity): StepReport {
  return {
    status: step.status,
    startedAt: step.startedAt,
    finishedAt: step.finishedAt,
    durationMs: step.durationMs,
    exitCode: step.exitCode,
    signal: step.signal,
    attempts: step.attempts,
    outputs: step.outputs ?? null,
    reason: step.reason,
    message: step.message,
    lane: step.lane,
    reused: Boolean(step.reused),
    worker: step.worker ?? null,
    ...(step.items ? { items: step.items as ItemReport[] } : {}),
  };
}
