import type { WorkflowAnalysis } from '../graph/dependency-graph-analyzer';
import { ReportBuilder } from '../report/report-builder.life-cycle';
import type { RunStatus, StepReason, StepStatus } from '../report/run-report.types';
import type { ExecutionEvent } from '../run/execution-events';
import { StepSchedule, type WorkUnit } from '../schedule/step-schedule';
import { DEFAULT_STEP_LIMITS, type StepLimits } from '../step-type/step-type';
import { attemptJob } from './attempt-job';
import { newAttempt, reportedOutcome, retryDelayMs, unitName, type AttemptState } from './attempt-state';
import type { AttemptJob, CoordinatorEffect } from './coordinator.effects';
import type { AttemptOutcome, CoordinatorMessage } from './coordinator.messages';
import { attemptFinishedEvent, eventHead, runStartedEvent, stepFinishedEvent, type EventHead } from './coordinator-events';
import { decideStep } from './decide-step';
import type { RunCoordinatorOptions } from './run-coordinator.types';
import { readRunLog, type RunLog, type UnitLog } from './run-log';
import { RunSteps } from './run-steps';
import { endUnit, instant, newUnit, settledStatus, stepReport, type Instant, type StepState, type UnitState } from './step-state';

type ResumeMessageEvents = Parameters<typeof readRunLog>[0];

const NO_CODE_FIELDS = {};
const LOST: AttemptOutcome = { ok: false, reason: 'server_lost', message: 'the server running it was lost' };

/** How often a unit is dispatched again after its worker was lost; the next loss fails it. */
export const MAX_WORKER_LOST_REDISPATCHES = 3;

/**
 * Decides a run: a synchronous state machine that takes messages and returns effects. It reads no
 * clock, starts no timer or process and does no I/O; its driver does what the effects say, in
 * order, and sends back what happens as messages, with the time.
 *
 * 1. `start` emits `run.started` and decides the roots.
 * 2. A step whose dependencies are all terminal is decided once: skipped, failed (condition
 *    error, `foreach` not an array), reused (retry from failure, same hash), or queued as work
 *    units, one per `foreach` item.
 * 3. Pump: while the schedule yields a unit that fits `maxParallel` and the pools (highest
 *    remaining critical path first), dispatch an attempt of it on its lane.
 * 4. `attempt.started` emits the step's and the attempt's start and arms its timeout;
 *    `attempt.finished` frees the slot, then retries the unit after a backoff or settles it; a
 *    step's last settled unit finishes the step and decides its dependents (phase 2), then pump.
 * 5. `cancel`, or a failure under `failFast`, aborts the attempts in flight, drops queued units
 *    and pending retries and ends every unstarted step `cancelled`. When every step is terminal,
 *    the run finishes with its report.
 */
export class RunCoordinator {
  readonly #options: RunCoordinatorOptions;
  readonly #analysis: WorkflowAnalysis;
  readonly #maxParallel: number;
  readonly #steps: RunSteps;
  readonly #schedule: StepSchedule;
  readonly #report: ReportBuilder;
  readonly #attempts = new Map<string, AttemptState>();
  /** Units waiting for their retry, by timer. */
  readonly #retries = new Map<string, WorkUnit>();
  #effects: CoordinatorEffect[] = [];
  /** When the message being handled happened. */
  #at: Instant = instant(0);
  #started = false;
  #over = false;
  #cancelledBy: 'user' | 'failFast' | null = null;
  #running = 0;
  readonly #limits: StepLimits;
  /** The logged events of a resumed run, or null. */
  #log: RunLog | null = null;
  /** A resumed run's open attempts may still run where they were sent: re-attach to them. */
  #reattach = false;

  constructor(options: RunCoordinatorOptions) {
    this.#options = options;
    this.#analysis = options.analysis;
    const maxParallel = options.maxParallel ?? options.workflow.maxParallel;
    this.#maxParallel = maxParallel;
    const pools: Record<string, number> = {};
    for (const [name, limit] of Object.entries(options.workflow.pools)) pools[name] = Math.min(limit, maxParallel);
    this.#schedule = new StepSchedule({ maxParallel, pools });
    this.#steps = new RunSteps(options.workflow.steps, options.analysis.indexed);
    this.#report = new ReportBuilder(options.analysis.indexed, options.retryOf ?? null);
    this.#limits = options.limits ?? DEFAULT_STEP_LIMITS;
  }

  /** Step processes running now (each `foreach` item counts as one). */
  get running(): number {
    return this.#running;
  }

  /** True once the run finished. */
  get finished(): boolean {
    return this.#over;
  }

  /** Applies one message and returns what the driver must do, in order. */
  handle(message: CoordinatorMessage): CoordinatorEffect[] {
    const effects: CoordinatorEffect[] = [];
    this.#effects = effects;
    this.#at = instant(message.at);
    this.#apply(message);
    if (this.#started && !this.#over && this.#steps.allFinished) this.#finishRun();
    return effects;
  }

  #apply(message: CoordinatorMessage): void {
    switch (message.type) {
      case 'start':
        return this.#start(message.cancelled === true);
      case 'resume':
        return this.#resume(message.events, message.cancelled === true, message.reattach === true);
      case 'attempt.started':
        return this.#attemptStarted(message.attempt, message.worker ?? null);
      case 'attempt.finished':
        return this.#attemptFinished(message.attempt, message.outcome);
      case 'retry.due':
        return this.#retryDue(message.timer);
      case 'attempt.timeout':
        return this.#timedOut(message.attempt);
      case 'cancel':
        return this.#cancelAll('user');
      case 'owner.lost':
        return this.#ownerLost();
    }
  }

  // Phase 1.
  #start(cancelled: boolean): void {
    if (this.#started) throw new Error(`run ${this.#options.runId} was already started`);
    this.#started = true;
    this.#emit(runStartedEvent(this.#head(), this.#options.workflow, this.#maxParallel, this.#analysis.plan, this.#steps));
    if (cancelled) this.#cancelAll('user');
    for (const step of [...this.#steps.all()]) if (step.remainingDeps === 0) this.#examine(step);
    this.#pump();
  }

  /** Phase 1 for a run another coordinator began: restore what its log says, then go on. */
  #resume(events: ResumeMessageEvents, cancelled: boolean, reattach: boolean): void {
    const log = readRunLog(events);
    if (!log.runStarted) return this.#start(cancelled);
    if (this.#started) throw new Error(`run ${this.#options.runId} was already started`);
    if (log.finished) throw new Error(`run ${this.#options.runId} already finished: there is nothing to resume`);
    this.#started = true;
    this.#log = log;
    this.#reattach = reattach;
    this.#report.runStarted(log.runStarted);
    this.#report.notePeak(log.peak);
    for (const event of log.stepStarted.values()) {
      const step = this.#steps.get(event.stepId);
      step.startedAt = Date.parse(event.timestamp);
      step.lane = event.lane; // it is `running` again once decided (phase 2)
      this.#report.stepStarted(event);
    }
    for (const event of log.attemptsFinished) this.#report.attemptFinished(event);
    const finished: StepState[] = [];
    for (const event of log.stepFinished.values()) {
      const step = this.#steps.get(event.stepId);
      step.status = event.result.status;
      step.examined = true;
      step.hash = event.hash;
      this.#steps.finished(step, event.result.outputs);
      this.#report.stepFinished(event);
      finished.push(step);
    }
    for (const step of finished) for (const next of this.#steps.dependents(step)) next.remainingDeps--;
    const failFast = this.#options.workflow.failFast && finished.some((s) => s.status === 'failed' && !s.def.continueOnError);
    for (const step of [...this.#steps.all()]) if (step.remainingDeps === 0) this.#examine(step);
    if (cancelled) this.#cancelAll('user');
    else if (failFast) this.#cancelAll('failFast');
    this.#pump();
  }

  // Phase 2.
  #examine(step: StepState): void {
    if (step.status !== 'pending' || step.examined) return;
    step.examined = true;
    if (this.#cancelledBy) return this.#finishUnstarted(step, 'cancelled', 'cancelled', 'the run was cancelled');
    const def = step.def;
    const scope = this.#steps.scope();
    const decision = decideStep(def, this.#steps.dependencies(step), scope);
    if (!decision.run) return this.#finishUnstarted(step, decision.status, decision.reason, decision.message);
    step.hash = this.#options.hashStep?.(def, scope, decision.items) ?? null;
    const previous = this.#options.reuse?.[def.id];
    if (previous && previous.hash === step.hash) {
      step.status = 'succeeded';
      return this.#finishStep(step, previous.outputs, true);
    }
    step.units = decision.items ? decision.items.map((value, index) => newUnit(index, value)) : [newUnit(null, undefined)];
    step.open = step.units.length;
    if (step.open === 0) {
      step.status = 'succeeded';
      return this.#finishStep(step, [], false);
    }
    const priority = this.#analysis.priority[step.num];
    for (const unit of step.units) {
      const work: WorkUnit = { stepId: def.id, item: unit.index, attempt: 1, pool: def.pool, priority, order: def.index };
      const logged = this.#log?.units.get(unitName(work)) ?? this.#impliedFirstAttempt(step);
      if (logged) this.#resumeUnit(step, unit, work, logged);
      else this.#schedule.enqueue(work);
    }
  }

  /**
   * A step without `foreach` whose `step.started` is logged but none of its attempts: its first
   * attempt had started (the two events come together) when the server was lost before logging it.
   */
  #impliedFirstAttempt(step: StepState): UnitLog | undefined {
    const started = this.#log?.stepStarted.get(step.def.id);
    if (!started || step.def.foreach !== undefined) return undefined;
    const { runId, timestamp, running, stepId, lane } = started;
    const open = { type: 'attempt.started' as const, runId, timestamp, running, stepId, attempt: 1, item: null, lane, worker: null };
    return { attempts: 1, lost: 0, workerLost: 0, firstStartedAt: Date.parse(timestamp), open, last: null };
  }

  /**
   * Puts a unit of a resumed run back where its log left it: ended, waiting for a retry, or (its
   * attempt was running when the server was lost) re-attached to that attempt where the dispatcher
   * can, else queued as a new attempt after a `server_lost` one.
   */
  #resumeUnit(step: StepState, item: UnitState, work: WorkUnit, logged: UnitLog): void {
    step.status = 'running';
    item.attempts = logged.attempts;
    item.lost = logged.lost;
    item.workerLost = logged.workerLost;
    item.startedAt = logged.firstStartedAt;
    const last = logged.last;
    if (last) {
      item.exitCode = last.exitCode;
      item.signal = last.signal;
    }
    if (logged.open && this.#reattach) {
      this.#reattachUnit(step, item, { ...work, attempt: logged.open.attempt }, logged.open);
    } else if (logged.open) {
      const { attempt, lane, timestamp } = logged.open;
      const lost = newAttempt({ ...work, attempt }, lane, step);
      lost.started = true;
      lost.startedAt = Date.parse(timestamp);
      this.#emit(attemptFinishedEvent(this.#head(), this.#at, lost, LOST, 0));
      item.lost++;
      this.#schedule.enqueue({ ...work, attempt: attempt + 1 });
    } else if (last?.willRetry) {
      const timer = `retry:${unitName(work)}`;
      this.#retries.set(timer, { ...work, attempt: last.attempt + 1 });
      const dueMs = Date.parse(last.timestamp) + (last.retryInMs ?? 0) - this.#at.ms;
      this.#effects.push({ type: 'timer.start', timer, delayMs: Math.max(0, dueMs), message: { type: 'retry.due', timer } });
    } else if (last) {
      const { ok, outputs, exitCode, signal, reason, message } = last;
      endUnit(item, Date.parse(last.timestamp), { ok, outputs: outputs ?? {}, exitCode, signal, reason, message: message ?? undefined });
      this.#settleUnit(step);
    } else {
      this.#schedule.enqueue(work);
    }
  }

  /**
   * An attempt of a resumed run that was running: it holds its lane again and is dispatched with
   * `reattach` (no new attempt events); its timeout counts from when it started.
   */
  #reattachUnit(step: StepState, item: UnitState, unit: WorkUnit, open: UnitLog['open'] & object): void {
    const lane = this.#schedule.hold(unit, open.lane);
    const attempt = newAttempt(unit, lane, step);
    attempt.started = true;
    attempt.startedAt = Date.parse(open.timestamp);
    attempt.worker = open.worker ?? null;
    this.#attempts.set(attempt.id, attempt);
    this.#running++;
    item.status = 'running';
    item.worker = attempt.worker;
    step.worker = attempt.worker;
    if (step.def.timeoutMs !== undefined) {
      const left = Math.max(0, attempt.startedAt + step.def.timeoutMs - this.#at.ms);
      attempt.timer = `timeout:${attempt.id}`;
      this.#effects.push({ type: 'timer.start', timer: attempt.timer, delayMs: left, message: { type: 'attempt.timeout', attempt: attempt.id } });
    }
    this.#effects.push({ type: 'dispatch', job: this.#job(attempt), reattach: true });
  }

  // Phase 3.
  #pump(): void {
    if (this.#cancelledBy) return;
    for (let next = this.#schedule.next(); next; next = this.#schedule.next()) {
      const attempt = newAttempt(next.unit, next.lane, this.#steps.get(next.unit.stepId));
      this.#attempts.set(attempt.id, attempt);
      this.#effects.push({ type: 'dispatch', job: this.#job(attempt) });
    }
  }

  /** The attempt as plain JSON, resolved against the run so far. */
  #job(attempt: AttemptState): AttemptJob {
    const { step, item, unit, lane } = attempt;
    const scope = this.#steps.scope(item.index === null ? undefined : { item: item.value, index: item.index });
    const type = this.#options.stepTypes?.get(step.def.type) ?? NO_CODE_FIELDS;
    return attemptJob(this.#options.runId, this.#options.workflow, step, unit, lane, scope, type, this.#limits);
  }

  // Phase 4. One that starts after a cancel was aborted with it: the driver sees its signal.
  #attemptStarted(id: string, worker: string | null): void {
    const attempt = this.#attempts.get(id);
    if (!attempt || attempt.started) return;
    const { step, item, unit, lane } = attempt;
    attempt.started = true;
    attempt.startedAt = this.#at.ms;
    attempt.worker = worker;
    this.#running++;
    this.#report.notePeak(this.#running);
    item.status = 'running';
    item.attempts = unit.attempt;
    item.startedAt ??= this.#at.ms;
    item.worker = worker;
    step.worker = worker;
    const { runId, timestamp, running } = this.#head();
    if (step.startedAt === null) {
      step.startedAt = this.#at.ms;
      step.lane = lane;
      step.status = 'running';
      this.#emit({ type: 'step.started', runId, timestamp, running, stepId: unit.stepId, lane });
    }
    this.#emit({ type: 'attempt.started', runId, timestamp, running, stepId: unit.stepId, attempt: unit.attempt, item: unit.item, lane, worker });
    if (step.def.timeoutMs !== undefined) {
      attempt.timer = `timeout:${id}`;
      this.#effects.push({ type: 'timer.start', timer: attempt.timer, delayMs: step.def.timeoutMs, message: { type: 'attempt.timeout', attempt: id } });
    }
  }

  #timedOut(id: string): void {
    const attempt = this.#attempts.get(id);
    if (!attempt) return;
    attempt.timer = null;
    this.#abort(attempt, 'timeout');
  }

  #attemptFinished(id: string, outcome: AttemptOutcome): void {
    const attempt = this.#attempts.get(id);
    if (!attempt) return;
    this.#release(attempt);
    if (outcome.reason === 'worker_lost' && this.#cancelledBy) {
      this.#settleAttempt(attempt, { ...outcome, reason: 'cancelled', message: `${outcome.message ?? 'its worker was lost'} after the run was cancelled` });
    } else if (outcome.reason === 'worker_lost' && attempt.started && !attempt.aborted) {
      this.#workerLost(attempt, outcome);
    } else {
      this.#settleAttempt(attempt, reportedOutcome(outcome, attempt.timedOut, attempt.step.def));
    }
    this.#pump();
  }

  /**
   * The worker running an attempt was lost: its unit runs again as a new attempt, not counted
   * against `retries`, up to {@link MAX_WORKER_LOST_REDISPATCHES} times; the next loss fails it.
   */
  #workerLost(attempt: AttemptState, outcome: AttemptOutcome): void {
    const { item, unit } = attempt;
    item.workerLost++;
    if (item.workerLost > MAX_WORKER_LOST_REDISPATCHES) {
      const message = `${outcome.message ?? 'its worker was lost'}; the worker running it was lost ${item.workerLost} times, so it is not dispatched again (check the workers' logs and their link to Redis)`;
      return this.#settleAttempt(attempt, { ...outcome, message });
    }
    this.#emit(attemptFinishedEvent(this.#head(), this.#at, attempt, outcome, 0));
    item.status = 'pending';
    item.lost++;
    this.#schedule.enqueue({ ...unit, attempt: unit.attempt + 1 });
  }

  /** Forgets an attempt and frees its timer, its process count and its slot. */
  #release(attempt: AttemptState): void {
    this.#attempts.delete(attempt.id);
    if (attempt.timer) this.#effects.push({ type: 'timer.cancel', timer: attempt.timer });
    if (attempt.started) this.#running--;
    this.#schedule.release(attempt.unit, attempt.lane);
  }

  /** Retries the unit after its backoff, or settles it. An attempt that never started has no events. */
  #settleAttempt(attempt: AttemptState, outcome: AttemptOutcome): void {
    const { step, item, unit } = attempt;
    const retryable = !outcome.ok && outcome.reason !== 'cancelled' && outcome.reason !== 'worker_lost' && !this.#cancelledBy;
    const retryInMs = retryable ? retryDelayMs(step.def, unit.attempt - item.lost) : null;
    if (attempt.started) this.#emit(attemptFinishedEvent(this.#head(), this.#at, attempt, outcome, retryInMs));
    item.exitCode = outcome.exitCode ?? null;
    item.signal = outcome.signal ?? null;
    if (retryInMs !== null) {
      item.status = 'pending';
      const timer = `retry:${unitName(unit)}`;
      this.#retries.set(timer, { ...unit, attempt: unit.attempt + 1 });
      this.#effects.push({ type: 'timer.start', timer, delayMs: retryInMs, message: { type: 'retry.due', timer } });
      return;
    }
    endUnit(item, this.#at.ms, outcome);
    this.#settleUnit(step);
  }

  #retryDue(timer: string): void {
    const unit = this.#retries.get(timer);
    if (!unit) return;
    this.#retries.delete(timer);
    this.#schedule.enqueue(unit);
    this.#pump();
  }

  #settleUnit(step: StepState): void {
    if (--step.open > 0) return;
    step.status = settledStatus(step.units);
    this.#finishStep(step, step.def.foreach !== undefined ? step.units.map((u) => u.outputs) : (step.units[0].outputs ?? {}), false);
  }

  /** Ends a step that never got a process. */
  #finishUnstarted(step: StepState, status: StepStatus, reason: StepReason, message: string): void {
    step.status = status;
    this.#finishStep(step, status === 'failed' ? {} : null, false, reason, message);
  }

  #finishStep(step: StepState, outputs: unknown, reused: boolean, reason?: StepReason, message?: string): void {
    this.#steps.finished(step, outputs);
    this.#emit(stepFinishedEvent(this.#head(), step, stepReport(step, outputs, this.#at, reused, reason, message)));
    if (step.status === 'failed' && !step.def.continueOnError && this.#options.workflow.failFast) this.#cancelAll('failFast');
    for (const next of this.#steps.dependents(step)) if (--next.remainingDeps === 0) this.#examine(next);
  }

  // Phase 5.
  #cancelAll(by: 'user' | 'failFast'): void {
    if (this.#cancelledBy || this.#over || !this.#started) return;
    this.#cancelledBy = by;
    const message = by === 'failFast' ? 'cancelled by failFast' : 'the run was cancelled';
    for (const attempt of this.#attempts.values()) this.#abort(attempt, 'cancelled');
    const dropped = this.#schedule.clear();
    for (const [timer, unit] of this.#retries) {
      this.#effects.push({ type: 'timer.cancel', timer });
      dropped.push(unit);
    }
    this.#retries.clear();
    for (const unit of dropped) {
      const step = this.#steps.get(unit.stepId);
      endUnit(step.units[unit.item ?? 0], this.#at.ms, { ok: false, reason: 'cancelled', message });
      this.#settleUnit(step);
    }
    // Steps still waiting for dependencies end now; running ones end when their process does.
    for (const step of this.#steps.all()) {
      if (step.status === 'pending' && step.units.length === 0) this.#finishUnstarted(step, 'cancelled', 'cancelled', message);
    }
  }

  /** Aborts an attempt once: the first reason stays. */
  #abort(attempt: AttemptState, reason: 'cancelled' | 'timeout'): void {
    if (attempt.aborted) return;
    attempt.aborted = true;
    attempt.timedOut = reason === 'timeout';
    this.#effects.push({ type: 'abort', attempt: attempt.id, reason });
  }

  /** Each started attempt ends `server_lost` and its unit runs again at once (in a cancelled run, it ends). */
  #ownerLost(): void {
    if (this.#over || !this.#started) return;
    for (const attempt of [...this.#attempts.values()].filter((a) => a.started)) {
      if (this.#cancelledBy) {
        this.#attemptFinished(attempt.id, { ...LOST, reason: 'cancelled' });
        continue;
      }
      this.#release(attempt);
      this.#effects.push({ type: 'abort', attempt: attempt.id, reason: 'server_lost' });
      this.#emit(attemptFinishedEvent(this.#head(), this.#at, attempt, LOST, 0));
      attempt.item.status = 'pending';
      attempt.item.lost++;
      this.#schedule.enqueue({ ...attempt.unit, attempt: attempt.unit.attempt + 1 });
    }
    this.#pump();
  }

  #finishRun(): void {
    this.#over = true;
    const status: RunStatus =
      this.#cancelledBy === 'user' ? 'cancelled' : this.#steps.anyFailure(this.#cancelledBy === 'failFast') ? 'failed' : 'succeeded';
    const report = this.#report.build(status, this.#at.iso);
    this.#emit({ type: 'run.finished', runId: this.#options.runId, timestamp: this.#at.iso, running: 0, status, report });
    this.#effects.push({ type: 'finish', report });
  }

  #head(): EventHead {
    return eventHead(this.#options.runId, this.#at, this.#running);
  }

  /** Queues an event for the observers; the report builder reads it at once. */
  #emit(event: ExecutionEvent): void {
    if (event.type === 'run.started') this.#report.runStarted(event);
    else if (event.type === 'step.started') this.#report.stepStarted(event);
    else if (event.type === 'attempt.started') this.#report.attemptStarted(event);
    else if (event.type === 'attempt.finished') this.#report.attemptFinished(event);
    else if (event.type === 'step.finished') this.#report.stepFinished(event);
    this.#effects.push({ type: 'emit', event });
  }
}
