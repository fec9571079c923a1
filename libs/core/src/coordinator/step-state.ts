import type { ItemReport, StepReason, StepReport, StepStatus } from '../report/run-report.types';
import type { StepDefinition } from '../spec/workflow.types';
import type { FailureReason, StepOutcome } from '../step-type/step-type';

/** One unit of a step: the step itself, or one `foreach` item. */
export interface UnitState {
  /** `foreach` item index, or null. */
  readonly index: number | null;
  /** The `foreach` item, or undefined. */
  readonly value: unknown;
  status: StepStatus;
  /** Attempts made so far. */
  attempts: number;
  /** Attempts that ended `server_lost` or `worker_lost`: they do not count against `retries`. */
  lost: number;
  /** Attempts that ended `worker_lost` (after the cap, the unit fails). */
  workerLost: number;
  /** The worker of its last attempt that started, or null. */
  worker: string | null;
  startedAt: number | null;
  finishedAt: number | null;
  exitCode: number | null;
  signal: string | null;
  outputs: Record<string, unknown> | null;
  reason: FailureReason | null;
  message: string | null;
}

/** Where one step of the run stands. */
export interface StepState {
  readonly def: StepDefinition;
  /** Its number in the indexed graph. */
  readonly num: number;
  status: StepStatus;
  /** Set once its dependencies were all terminal and it was decided on: a step is examined once. */
  examined: boolean;
  /** Dependencies not terminal yet. */
  remainingDeps: number;
  /** Its units, made when it is decided to run. */
  units: UnitState[];
  /** Units not yet final. */
  open: number;
  /** Content hash for retry from failure, once decided to run. */
  hash: string | null;
  /** When its first process started. */
  startedAt: number | null;
  /** Lane of its first process. */
  lane: number | null;
  /** The worker of its last attempt that started, or null. */
  worker: string | null;
}

/** A fresh unit. */
export function newUnit(index: number | null, value: unknown): UnitState {
  return {
    index,
    value,
    status: 'pending',
    attempts: 0,
    lost: 0,
    workerLost: 0,
    worker: null,
    startedAt: null,
    finishedAt: null,
    exitCode: null,
    signal: null,
    outputs: null,
    reason: null,
    message: null,
  };
}

/** A step that waits for `remainingDeps` dependencies. */
export function newStep(def: StepDefinition, num: number, remainingDeps: number): StepState {
  return { def, num, status: 'pending', examined: false, remainingDeps, units: [], open: 0, hash: null, startedAt: null, lane: null, worker: null };
}

/** Ends a unit with the outcome of its last attempt. */
export function endUnit(unit: UnitState, at: number, outcome: Omit<StepOutcome, 'log'>): void {
  unit.finishedAt = at;
  if (outcome.ok) {
    unit.status = 'succeeded';
    unit.outputs = outcome.outputs ?? {};
  } else {
    unit.status = outcome.reason === 'cancelled' ? 'cancelled' : 'failed';
    unit.reason = outcome.reason ?? 'error';
    unit.message = outcome.message ?? null;
  }
}

/** A step whose units all ended: failed if any failed, else cancelled if any was, else succeeded. */
export function settledStatus(units: readonly UnitState[]): StepStatus {
  return units.some((u) => u.status === 'failed') ? 'failed' : units.some((u) => u.status === 'cancelled') ? 'cancelled' : 'succeeded';
}

/** ISO 8601 with milliseconds. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}

/** A moment, in epoch milliseconds and as ISO text. */
export interface Instant {
  readonly ms: number;
  readonly iso: string;
}

/** The instant of `ms`. */
export function instant(ms: number): Instant {
  return { ms, iso: iso(ms) };
}

/** A step's final report entry; `reason` and `message` override its deciding unit's. */
export function stepReport(
  state: StepState,
  outputs: unknown,
  finishedAt: Instant,
  reused: boolean,
  reason?: StepReason,
  message?: string,
): StepReport {
  const units = state.units;
  const decisive =
    units.find((u) => u.status === 'failed') ?? units.find((u) => u.status === 'cancelled') ?? units[units.length - 1];
  const attempts = units.reduce((most, u) => Math.max(most, u.attempts), 0);
  const started = state.startedAt;
  return {
    status: state.status,
    startedAt: started === null ? null : iso(started),
    finishedAt: finishedAt.iso,
    durationMs: started === null ? null : Math.round(finishedAt.ms - started),
    exitCode: decisive?.exitCode ?? null,
    signal: decisive?.signal ?? null,
    attempts,
    outputs,
    reason: reason ?? decisive?.reason ?? null,
    message: message ?? decisive?.message ?? null,
    lane: state.lane,
    reused,
    worker: state.worker,
    ...(state.def.foreach !== undefined ? { items: units.map(itemReport) } : {}),
  };
}

function itemReport(unit: UnitState): ItemReport {
  return {
    index: unit.index ?? 0,
    status: unit.status,
    startedAt: unit.startedAt === null ? null : iso(unit.startedAt),
    finishedAt: unit.finishedAt === null ? null : iso(unit.finishedAt),
    durationMs: unit.startedAt === null || unit.finishedAt === null ? null : Math.round(unit.finishedAt - unit.startedAt),
    exitCode: unit.exitCode,
    signal: unit.signal,
    attempts: unit.attempts,
    outputs: unit.outputs,
    reason: unit.reason,
    worker: unit.worker,
  };
}
