import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { AttemptJob, CoordinatorEffect } from '../coordinator/coordinator.effects';
import type { AttemptOutcome, CoordinatorMessage } from '../coordinator/coordinator.messages';
import { RunCoordinator } from '../coordinator/run-coordinator';
import { iso } from '../coordinator/step-state';
import { StepTypeNotFoundError } from '../errors/step-type-not-found.error';
import { DependencyGraphAnalyzer } from '../graph/dependency-graph-analyzer';
import type { RunReport } from '../report/run-report.types';
import { folderOutside, resolvedPathProblem } from '../spec/validate-step';
import type { StepId, Workflow } from '../spec/workflow.types';
import { DEFAULT_STEP_LIMITS, type StepLimits, type StepOutcome, type StepRunContext, type StepTypeHandler } from '../step-type/step-type';
import { CompositeLifeCycle } from './composite.life-cycle';
import type { ExecutionEvent, ExecutionLifeCycle } from './execution-events';
import { localDispatcher } from './local.dispatcher';
import type { ExecuteOptions } from './parallel-executor.types';
import { ProcessLogBuffer } from './process-log-buffer';
import { stepHash } from './step-hash';

/** Wall-clock milliseconds from a monotonic source, so durations never go negative. */
const now = (): number => performance.timeOrigin + performance.now();

/**
 * Runs a workflow: every step whose dependencies are done starts at once, up to `maxParallel`,
 * highest remaining critical path first. A {@link RunCoordinator} decides; this driver does.
 *
 * 1. Analyse the graph (cycles are rejected), check the step types, make the coordinator.
 * 2. Send `start`, then perform the effects the coordinator returns, in order: emit events to the
 *    observers, arm and clear timers, abort attempts, dispatch attempts.
 * 3. An attempt acquires a process slot (when a shared pool is given), sends `attempt.started`,
 *    checks the paths it would use and runs through the dispatcher; its slot is freed in `finally`
 *    and its outcome sent as `attempt.finished`.
 * 4. A fired timer sends its message; aborting the `signal` sends `cancel`.
 * 5. The `finish` effect resolves the run with its report.
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
  #done!: (report: RunReport) => void;

  constructor(options: ExecuteOptions) {
    this.#options = options;
    this.#workflow = options.workflow;
    this.#runId = options.runId ?? randomUUID();
    const maxParallel = options.maxParallel ?? options.workflow.maxParallel;
    if (!Number.isInteger(maxParallel) || maxParallel < 1 || maxParallel > 8) {
      throw new RangeError(`maxParallel must be an integer from 1 to 8, got ${String(maxParallel)}`);
    }
    this.#limits = { ...DEFAULT_STEP_LIMITS, ...options.limits };
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
    const finished = new Promise<RunReport>((resolve) => (this.#done = resolve));
    const signal = this.#options.signal;
    const onAbort = () => this.#send({ type: 'cancel', at: now() });
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      this.#send({ type: 'start', at: now(), cancelled: signal?.aborted === true });
      return await finished;
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  #send(message: CoordinatorMessage): void {
    for (const effect of this.#coordinator.handle(message)) this.#perform(effect);
  }

  #perform(effect: CoordinatorEffect): void {
    switch (effect.type) {
      case 'emit':
        return this.#emit(effect.event);
      case 'dispatch':
        return void this.#runAttempt(effect.job);
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
  async #runAttempt(job: AttemptJob): Promise<void> {
    const signal = this.#controller(job.id).signal;
    let release: (() => void) | undefined;
    let outcome: AttemptOutcome;
    try {
      if (this.#options.processSlots) release = await this.#options.processSlots.acquire(signal);
      else if (signal.aborted) throw signal.reason;
      this.#send({ type: 'attempt.started', attempt: job.id, at: now() });
      outcome = signal.aborted
        ? { ok: false, reason: 'cancelled', message: 'cancelled before it started' }
        : await this.#dispatch(job, signal);
    } catch (error) {
      outcome = signal.aborted
        ? { ok: false, reason: 'cancelled', message: 'cancelled while waiting for a process slot' }
        : { ok: false, reason: 'error', message: `step type '${job.type}' threw: ${(error as Error)?.message ?? String(error)}` };
    } finally {
      this.#attempts.delete(job.id);
      release?.();
    }
    this.#send({ type: 'attempt.finished', attempt: job.id, at: now(), outcome });
  }

  async #dispatch(job: AttemptJob, signal: AbortSignal): Promise<StepOutcome> {
    const handler = this.#handler(job.type);
    let log = this.#logs.get(job.stepId);
    if (!log) this.#logs.set(job.stepId, (log = new ProcessLogBuffer(this.#limits.maxLogBytes)));
    if (job.logHeader) log.write(job.logHeader);
    const rootDir = this.#workflow.rootDir;
    // What a step type streams is its log unless it returns one (the process runner returns both).
    const streamed = new ProcessLogBuffer(this.#limits.maxLogBytes);
    const context: StepRunContext<Record<string, unknown>> = {
      runId: this.#runId,
      stepId: job.stepId,
      attempt: job.attempt,
      item: job.item === null ? undefined : { value: job.item.value, index: job.item.index },
      config: job.config,
      inputs: job.inputs,
      env: job.env,
      workdir: rootDir,
      signal,
      limits: this.#limits,
      ...(job.resourceLimits ? { resourceLimits: job.resourceLimits } : {}),
      log: (chunk: string) => {
        streamed.write(chunk);
        const item = job.item === null ? null : job.item.index;
        this.#events.emit({ type: 'step.log', runId: this.#runId, timestamp: iso(now()), running: this.#coordinator.running, stepId: job.stepId, item, chunk });
      },
    };
    // A path given as a reference was only checked once resolved: it must still stay inside the folder.
    const pathProblem =
      (this.#options.confineTo === undefined ? undefined : folderOutside(rootDir, this.#options.confineTo)) ??
      resolvedPathProblem(context.config, handler, rootDir);
    if (pathProblem) return { ok: false, reason: 'spawn_error', message: `not started: ${pathProblem}` };
    const outcome = await (this.#options.dispatcher ?? localDispatcher).dispatch(handler, context);
    log.write(outcome.log ?? streamed.toString());
    return outcome;
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

/** Runs a workflow and resolves with its report (see {@link ParallelExecutor}). */
export function executeWorkflow(options: ExecuteOptions): Promise<RunReport> {
  return new ParallelExecutor(options).execute();
}
