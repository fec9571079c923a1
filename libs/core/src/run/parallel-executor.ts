import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { AttemptJob, CoordinatorEffect } from '../coordinator/coordinator.effects';
import type { AttemptOutcome, CoordinatorMessage } from '../coordinator/coordinator.messages';
import { RunCoordinator } from '../coordinator/run-coordinator';
import { iso } from '../coordinator/step-state';
import { StepTypeNotFoundError } from '../errors/step-type-not-found.error';
import { DependencyGraphAnalyzer } from '../graph/dependency-graph-analyzer';
import type { RunReport } from '../report/run-report.types';
import { MAX_PARALLEL_LIMIT } from '../spec/max-parallel';
import type { StepId, Workflow } from '../spec/workflow.types';
import { DEFAULT_STEP_LIMITS, type StepLimits, type StepOutcome, type StepTypeHandler } from '../step-type/step-type';
import { CompositeLifeCycle } from './composite.life-cycle';
import type { ExecutionEvent, ExecutionLifeCycle } from './execution-events';
import { LocalDispatcher } from './local.dispatcher';
import type { ExecuteOptions, StepDispatcher } from './parallel-executor.types';
import { ProcessLogBuffer } from './process-log-buffer';
import { stepHash } from './step-hash';

/** Wall-clock milliseconds from a monotonic source, so durations never go negative. */
const now = (): number => performance.timeOrigin + performance.now();

/**
 * Runs a workflow: every step whose dependencies are done starts at once, up to `maxParallel`,
 * highest remaining critical path first. A {@link RunCoordinator} decides; this driver does.
 *
 * 1. Analyse the graph (cycles are rejected), check the step types, make the coordinator.
 * 2. Send `start` (or `resume` with the run's logged events), then perform the effects the
 *    coordinator returns, in order: emit events to the observers, arm and clear timers, abort
 *    attempts, dispatch attempts.
 * 3. A dispatched attempt (plain JSON) goes to the dispatcher with its own signal and log sink; when
 *    the dispatcher says it started, `attempt.started` is sent; its outcome is sent as
 *    `attempt.finished` and its log kept for the step's `step.finished`.
 * 4. A fired timer sends its message; aborting the `signal` sends `cancel`.
 * 5. The `finish` effect resolves the run with its report.
 * 6. `release()` lets go of a run without ending it (its server hands it over or lost it): the
 *    attempts are aborted, nothing more is emitted, and `execute()` rejects with
 *    {@link RunReleasedError}.
 */
export class ParallelExecutor {
  readonly #options: ExecuteOptions;
  readonly #workflow: Workflow;
  readonly #runId: string;
  readonly #limits: StepLimits;
  /** Logs of the steps that started and did not finish yet. */
  readonly #logs = new Map<StepId, ProcessLogBuffer>();
  readonly #coordinator: RunCoordinator;
  readonly #events: CompositeLifeCycle;
  readonly #attempts = new Map<string, AbortController>();
  readonly #timers = new Map<string, NodeJS.Timeout>();
  readonly #dispatcher: StepDispatcher;
  #done!: (report: RunReport) => void;
  #released: ((error: RunReleasedError) => void) | null = null;
  /** Attempts in flight; `release()` waits for them. */
  readonly #inFlight = new Set<Promise<void>>();

  constructor(options: ExecuteOptions) {
    this.#options = options;
    this.#workflow = options.workflow;
    this.#runId = options.runId ?? randomUUID();
    const maxParallel = options.maxParallel ?? options.workflow.maxParallel;
    if (!Number.isInteger(maxParallel) || maxParallel < 1 || maxParallel > MAX_PARALLEL_LIMIT) {
      throw new RangeError(`maxParallel must be an integer from 1 to ${MAX_PARALLEL_LIMIT}, got ${String(maxParallel)}`);
    }
    this.#limits = { ...DEFAULT_STEP_LIMITS, ...options.limits };
    this.#dispatcher =
      options.dispatcher ??
      new LocalDispatcher({ stepTypes: options.stepTypes, processSlots: options.processSlots, confineTo: options.confineTo });
    const analysis = new DependencyGraphAnalyzer().analyze(options.workflow, options.estimates);
    for (const def of options.workflow.steps) {
      if (!options.stepTypes.has(def.type)) throw new StepTypeNotFoundError(def.type, options.stepTypes.names());
    }
    new ProcessLogBuffer(this.#limits.maxLogBytes); // rejects a bad log cap before anything runs
    const fileHashes = new Map<string, string>();
    this.#coordinator = new RunCoordinator({
      runId: this.#runId,
      workflow: options.workflow,
      analysis,
      maxParallel,
      reuse: options.reuse,
      retryOf: options.retryOf ?? null,
      stepTypes: options.stepTypes,
      limits: this.#limits,
      hashStep: (def, scope, items) => stepHash(def, this.#handler(def.type), this.#workflow, scope, items, fileHashes),
    });
    const observers = options.lifecycle ? ([] as ExecutionLifeCycle[]).concat(options.lifecycle) : [];
    this.#events = new CompositeLifeCycle(observers);
  }

  /** The run's id. */
  get runId(): string {
    return this.#runId;
  }

  /** Runs the workflow to the end and returns its report. Never rejects for a step's failure. */
  async execute(): Promise<RunReport> {
    const finished = new Promise<RunReport>((resolve, reject) => {
      this.#done = resolve;
      this.#released = reject;
    });
    const signal = this.#options.signal;
    const onAbort = () => this.#send({ type: 'cancel', at: now() });
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      const cancelled = signal?.aborted === true;
      const resume = this.#options.resume;
      const reattach = this.#dispatcher.reattaches === true;
      this.#send(resume ? { type: 'resume', at: now(), events: resume, cancelled, reattach } : { type: 'start', at: now(), cancelled });
      return await finished;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Lets go of the run without ending it, for another process to resume from its log: stops every
   * timer, aborts the attempts in flight (their processes are stopped), emits nothing more, and
   * resolves once the attempts returned; `execute()` then rejects with {@link RunReleasedError}.
   */
  async release(): Promise<void> {
    const reject = this.#released;
    if (!reject || this.#coordinator.finished) return;
    this.#released = null;
    for (const handle of this.#timers.values()) clearTimeout(handle);
    this.#timers.clear();
    for (const controller of this.#attempts.values()) controller.abort('server_lost');
    await Promise.allSettled([...this.#inFlight]);
    reject(new RunReleasedError(this.#runId));
  }

  #send(message: CoordinatorMessage): void {
    if (this.#released === null) return; // released: another process goes on with the run
    for (const effect of this.#coordinator.handle(message)) this.#perform(effect);
  }

  #perform(effect: CoordinatorEffect): void {
    switch (effect.type) {
      case 'emit':
        return this.#emit(effect.event);
      case 'dispatch': {
        const attempt = this.#runAttempt(effect.job, effect.reattach === true);
        this.#inFlight.add(attempt);
        void attempt.finally(() => this.#inFlight.delete(attempt));
        return;
      }
      case 'abort':
        return this.#controller(effect.attempt).abort(effect.reason);
      case 'timer.start': {
        const { timer, message } = effect;
        const handle = setTimeout(() => {
          this.#timers.delete(timer);
          this.#send({ ...message, at: now() });
        }, effect.delayMs);
        this.#timers.set(timer, handle);
        return;
      }
      case 'timer.cancel':
        clearTimeout(this.#timers.get(effect.timer));
        this.#timers.delete(effect.timer);
        return;
      case 'finish':
        return this.#done(effect.report);
    }
  }

  /** The controller of a dispatched attempt (made on first use: an abort may precede its dispatch). */
  #controller(attempt: string): AbortController {
    let controller = this.#attempts.get(attempt);
    if (!controller) {
      controller = new AbortController();
      this.#attempts.set(attempt, controller);
    }
    return controller;
  }

  // Phase 3: one attempt.
  async #runAttempt(job: AttemptJob, reattach: boolean): Promise<void> {
    const signal = this.#controller(job.id).signal;
    // What a step type streams is its log unless it returns one (the process runner returns both).
    const streamed = new ProcessLogBuffer(this.#limits.maxLogBytes);
    let started = reattach;
    const io = {
      signal,
      reattach,
      started: (worker?: string | null) => {
        if (started) return;
        started = true;
        if (job.logHeader) this.#log(job.stepId).write(job.logHeader);
        this.#send({ type: 'attempt.started', attempt: job.id, at: now(), worker: worker ?? null });
      },
      log: (chunk: string) => {
        if (this.#released === null) return;
        streamed.write(chunk);
        const item = job.item === null ? null : job.item.index;
        this.#events.emit({ type: 'step.log', runId: this.#runId, timestamp: iso(now()), running: this.#coordinator.running, stepId: job.stepId, item, chunk });
      },
    };
    let result: StepOutcome;
    try {
      result = await this.#dispatcher.dispatch(job, io);
    } catch (error) {
      result = signal.aborted
        ? { ok: false, reason: 'cancelled', message: 'cancelled' }
        : { ok: false, reason: 'error', message: `step type '${job.type}' threw: ${(error as Error)?.message ?? String(error)}` };
    } finally {
      this.#attempts.delete(job.id);
    }
    const { log, ...outcome } = result;
    if (started) this.#log(job.stepId).write(log ?? streamed.toString());
    this.#send({ type: 'attempt.finished', attempt: job.id, at: now(), outcome: outcome as AttemptOutcome });
  }

  /** The log of a step that started and did not finish yet. */
  #log(stepId: StepId): ProcessLogBuffer {
    let log = this.#logs.get(stepId);
    if (!log) this.#logs.set(stepId, (log = new ProcessLogBuffer(this.#limits.maxLogBytes)));
    return log;
  }

  #handler(type: string): StepTypeHandler<any> {
    return this.#options.stepTypes.get(type)!;
  }

  /** Hands an event to the observers, with the step's log (then dropped here) on `step.finished`. */
  #emit(event: ExecutionEvent): void {
    if (event.type !== 'step.finished') return this.#events.emit(event);
    const log = this.#logs.get(event.stepId);
    this.#logs.delete(event.stepId);
    this.#events.emit({ ...event, log: log === undefined ? '' : log.toString() });
  }
}

/** `execute()` of a run whose executor was released: another process goes on with the run. */
export class RunReleasedError extends Error {
  constructor(readonly runId: string) {
    super(`run ${runId} was released to another process`);
    this.name = 'RunReleasedError';
  }
}

/** Runs a workflow and resolves with its report (see {@link ParallelExecutor}). */
export function executeWorkflow(options: ExecuteOptions): Promise<RunReport> {
  return new ParallelExecutor(options).execute();
}
