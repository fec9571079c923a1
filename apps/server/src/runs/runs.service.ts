import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import {
  DEFAULT_STEP_LIMITS,
  ParallelExecutor,
  RunReleasedError,
  analyzeWorkflow,
  type ExecutionEvent,
  type ExecutionLifeCycle,
  type ReusableStep,
  type RunReport,
  type StepId,
} from '@weft/core';
import { HistoryStore, RetryInFlightError, loggedEvent, type Page, type RunSummary, type ServerIdentity } from '@weft/history';
import { conflict, notFound } from '../common/errors.js';
import { RunEventStreams } from '../events/run-event-streams.js';
import { logRecord } from '../logging/log-record.js';
import { StepTypesLoader } from '../step-types/step-types.loader.js';
import { WEFT_OPTIONS, type ResolvedWeftOptions } from '../weft-options.js';
import { WorkflowsService, type LoadedWorkflow } from '../workflows/workflows.service.js';
import { appendCapped, type ActiveRun } from './active-run.js';
import { Dispatchers } from './dispatchers.js';
import { SERVER_IDENTITY } from './server-identity.js';

/** Options of a run started over the API. */
export interface StartRunOptions {
  /** Overrides the workflow's `maxParallel` (1..MAX_PARALLEL_LIMIT). */
  readonly maxParallel?: number;
}

interface ExecuteRun {
  readonly maxParallel: number;
  readonly retryOf: string | null;
  readonly reuse?: Record<StepId, ReusableStep>;
  /** The run's logged events, to resume it. */
  readonly resume?: readonly ExecutionEvent[];
  readonly cancelled?: boolean;
}

/**
 * Starts, cancels, retries and resumes runs, and answers for them.
 *
 * 1. A run is recorded (`running`, every step `pending`, owned by this server with a fresh lease)
 *    before `202` is sent.
 * 2. The executor runs in the background with the history medians as estimates and this machine's
 *    dispatcher (the server-wide process slots); its events are appended to the run's event log in
 *    order (and the run and step rows updated), and each is published as a domain event only once
 *    written, with its sequence number, so what a client sees is already durable.
 * 3. When the run ends (or the executor fails), the history is flushed and the run leaves memory.
 * 4. A run whose owner was lost is resumed here from its log ({@link RunsService.resume}); a run this
 *    server lost (another took it over) or hands over is released: its processes are stopped and
 *    nothing more of it is recorded here.
 */
@Injectable()
export class RunsService {
  readonly #logger = new Logger('Runs');
  readonly #active = new Map<string, ActiveRun>();
  /** Runs outside the async context of the request that started them (its logger bindings). */
  readonly #detached = AsyncLocalStorage.snapshot();

  constructor(
    @Inject(WEFT_OPTIONS) private readonly options: ResolvedWeftOptions,
    @Inject(SERVER_IDENTITY) private readonly server: ServerIdentity,
    private readonly history: HistoryStore,
    private readonly workflows: WorkflowsService,
    private readonly stepTypes: StepTypesLoader,
    private readonly dispatchers: Dispatchers,
    private readonly streams: RunEventStreams,
    private readonly emitter: EventEmitter2,
  ) {}

  /** Starts a run of a stored workflow. */
  async start(workflowId: string, options: StartRunOptions = {}): Promise<{ runId: string }> {
    const loaded = await this.workflows.load(workflowId);
    return this.#launch(loaded, { maxParallel: options.maxParallel });
  }

  /**
   * Retry from failure: a new run of the same workflow that reuses the outputs of every step that
   * succeeded with unchanged definition and inputs (the executor compares content hashes).
   */
  async retry(runId: string): Promise<{ runId: string }> {
    const run = await this.#run(runId);
    if (run.status === 'running') throw conflict(`Run '${runId}' is still running: cancel it or wait for it to end, then retry`);
    if (run.status === 'succeeded') {
      throw conflict(`Run '${runId}' succeeded: there is nothing to retry; start a new run of its workflow instead`);
    }
    if (!run.workflowId) throw conflict(`Run '${runId}' has no stored workflow to retry (it was recorded without one)`);
    const loaded = await this.workflows.load(run.workflowId);
    const reuse = (await this.history.reusableSteps(runId)) ?? {};
    try {
      return await this.#launch(loaded, { maxParallel: run.maxParallel, retryOf: runId, reuse });
    } catch (error) {
      // The database keeps one retry of a run in flight: a concurrent retry lost the race.
      if (error instanceof RetryInFlightError) throw conflict(error.message);
      throw error;
    }
  }

  /**
   * Cancels a running run: its step processes are stopped, the rest end `cancelled`. A run another
   * server runs is asked to cancel through the database (its owner polls for that). Cancelling a
   * run that is already cancelled (or being cancelled) is harmless and says so.
   */
  async cancel(runId: string): Promise<{ runId: string; status: 'cancelling' | 'cancelled' }> {
    const active = this.#active.get(runId);
    if (active) {
      this.cancelHere(runId);
      return { runId, status: 'cancelling' };
    }
    const run = await this.#run(runId);
    if (run.status === 'cancelled') return { runId, status: 'cancelled' };
    if (run.status === 'running' && (await this.history.ownership.requestCancel(runId))) {
      this.#logger.log(logRecord('run cancel requested from its owner', { runId }));
      return { runId, status: 'cancelling' };
    }
    const now = await this.#run(runId);
    if (now.status === 'cancelled') return { runId, status: 'cancelled' };
    throw conflict(`Run '${runId}' is not running (it is ${now.status})`);
  }

  /** Cancels a run this server runs (asked here, or through the database). False when it runs elsewhere. */
  cancelHere(runId: string): boolean {
    const active = this.#active.get(runId);
    if (!active) return false;
    if (!active.controller.signal.aborted) this.#logger.log(logRecord('run cancel requested', { runId }));
    active.controller.abort();
    return true;
  }

  /** The run report (the shape of `weft run --json`), with the stored workflow it ran. */
  async report(runId: string): Promise<RunReport & { workflowId: string | null }> {
    const [report, run] = await Promise.all([this.history.getReport(runId), this.history.getRun(runId)]);
    if (!report) throw notFound(`No run '${runId}'`);
    return { ...report, workflowId: run?.workflowId ?? null };
  }

  /** One page of the history, newest first. */
  list(query: { workflowId?: string; limit?: number; cursor?: string }): Promise<Page<RunSummary>> {
    return this.history.listRunPage(query);
  }

  /** A step's log: the stored one once it finished, the live one while it runs here. */
  async log(runId: string, stepId: StepId): Promise<string> {
    const stored = await this.history.getStepLog(runId, stepId);
    if (!stored) {
      await this.#run(runId);
      throw notFound(`Run '${runId}' has no step '${stepId}'`);
    }
    return stored.log ?? this.#active.get(runId)?.liveLogs.get(stepId) ?? '';
  }

  /** Runs in progress in this process. */
  get activeRuns(): number {
    return this.#active.size;
  }

  /** Ids of the runs in progress in this process. */
  activeRunIds(): string[] {
    return [...this.#active.keys()];
  }

  /**
   * Finishes a run from its event log: its server was lost and this one has just become its owner,
   * or this one let go of it when it could not renew its lease and has just taken it back. A run that cannot go on here (its workflow or a step type is missing) is recorded `failed`
   * with the reason.
   */
  async resume(runId: string, options: { cancelled?: boolean } = {}): Promise<void> {
    if (this.#active.has(runId)) return;
    const run = await this.history.getRun(runId);
    if (!run || run.status !== 'running') return;
    try {
      if (!run.workflowId) throw new Error('it was recorded without a stored workflow');
      const loaded = await this.workflows.load(run.workflowId);
      const events = (await this.history.runEvents(runId)).map((record) => record.event as ExecutionEvent);
      const reuse = run.retryOf ? ((await this.history.reusableSteps(run.retryOf)) ?? {}) : undefined;
      this.#logger.warn(logRecord('run resumed from its log', { runId, events: events.length, cancelled: options.cancelled === true }));
      await this.#execute(runId, loaded, { maxParallel: run.maxParallel, retryOf: run.retryOf, reuse, resume: events, cancelled: options.cancelled });
    } catch (error) {
      const message = `could not resume the run from its log: ${(error as Error)?.message ?? String(error)}`;
      this.#logger.error(logRecord('run could not be resumed', { runId, error: message }));
      const finished = await this.history.failRun(runId, message).catch(() => null);
      if (finished) this.#publish(finished.event, finished.seq);
    }
  }

  /** Closes a run whose server was lost as `interrupted` (`WEFT_RESUME=off`): someone retries it by hand. */
  async interrupt(runId: string): Promise<void> {
    const finished = await this.history.interruptRun(runId);
    if (finished) {
      this.#logger.warn(logRecord('run marked interrupted: the server running it was lost', { runId }));
      this.#publish(finished.event, finished.seq);
    }
  }

  /**
   * Lets go of a run without ending it (another server took it over, or will): its step processes
   * are stopped and nothing more of it is recorded or published here.
   */
  async release(runId: string, why: string): Promise<void> {
    const active = this.#active.get(runId);
    if (!active) return;
    this.#logger.warn(logRecord('run released', { runId, why }));
    await active.executor.release();
    await active.done;
  }

  /**
   * On shutdown: hands every run over when another server shares the database (and runs resume),
   * else cancels them; then waits (a while) for their end or hand-over to be recorded.
   */
  async shutdown(): Promise<void> {
    const active = [...this.#active.values()];
    if (active.length === 0) return;
    const others = this.options.resume ? await this.history.ownership.liveServers(this.options.leaseMs, this.server.id).catch(() => []) : [];
    if (others.length > 0) {
      this.#logger.log(logRecord('handing runs over', { runs: active.length, to: others.map((s) => s.id) }));
      await Promise.allSettled(
        active.map(async (run) => {
          await this.release(run.runId, 'this server is shutting down');
          await this.history.ownership.release(run.runId, this.server.id);
        }),
      );
      return;
    }
    for (const run of active) run.controller.abort();
    const grace = new Promise<void>((resolve) => setTimeout(resolve, this.options.shutdownGraceMs).unref());
    await Promise.race([Promise.allSettled(active.map((run) => run.done)), grace]);
  }

  async #run(runId: string): Promise<RunSummary> {
    const run = await this.history.getRun(runId);
    if (!run) throw notFound(`No run '${runId}'`);
    return run;
  }

  async #launch(
    loaded: LoadedWorkflow,
    options: { maxParallel?: number; retryOf?: string; reuse?: Record<StepId, ReusableStep> },
  ): Promise<{ runId: string }> {
    const { stored, workflow } = loaded;
    const runId = randomUUID();
    const maxParallel = options.maxParallel ?? workflow.maxParallel;
    const estimates = await this.history.stepEstimates(workflow.name);
    const leaseUntil = (await this.history.ownership.now()) + this.options.leaseMs;
    await this.history.startRun({
      runId,
      workflow: workflow.name,
      workflowId: stored.id,
      maxParallel,
      retryOf: options.retryOf ?? null,
      steps: workflow.steps.map((step) => ({ id: step.id, type: step.type })),
      plan: analyzeWorkflow(workflow, estimates),
      owner: this.server.id,
      leaseUntil,
    });
    this.#logger.log(logRecord('run started', { runId, workflowId: stored.id, workflow: workflow.name, maxParallel, retryOf: options.retryOf }));
    await this.#execute(runId, loaded, { maxParallel, retryOf: options.retryOf ?? null, reuse: options.reuse }, estimates);
    return { runId };
  }

  async #execute(runId: string, { stored, workflow }: LoadedWorkflow, run: ExecuteRun, known?: Record<StepId, number>): Promise<void> {
    const estimates = known ?? (await this.history.stepEstimates(workflow.name));
    const controller = new AbortController();
    if (run.cancelled) controller.abort();
    const liveLogs = new Map<StepId, string>();
    const maxLog = this.options.limits.maxLogBytes ?? DEFAULT_STEP_LIMITS.maxLogBytes;
    const writer = this.history.lifeCycle({
      workflowId: stored.id,
      retryOf: run.retryOf,
      owner: this.server.id,
      onRecorded: (event, seq) => this.#publish(event, seq),
      onError: (error, event) =>
        this.#logger.error(logRecord('could not record event in the history', { runId, event: event.type, error: String(error) })),
    });
    const observer: ExecutionLifeCycle = {
      stepLog: (event) => liveLogs.set(event.stepId, appendCapped(liveLogs.get(event.stepId) ?? '', event.chunk, maxLog)),
      stepFinished: (event) => {
        liveLogs.delete(event.stepId);
        const { status, reason, durationMs, exitCode, reused } = event.result;
        const log = logRecord('step finished', { runId, stepId: event.stepId, status, reason, durationMs, exitCode, reused });
        if (status === 'failed') this.#logger.warn(log);
        else this.#logger.log(log);
      },
      stepStarted: (event) => this.#logger.log(logRecord('step started', { runId, stepId: event.stepId, lane: event.lane, running: event.running })),
    };
    const executor = new ParallelExecutor({
      workflow,
      stepTypes: this.stepTypes.registry,
      runId,
      maxParallel: run.maxParallel,
      lifecycle: [writer, observer],
      signal: controller.signal,
      estimates,
      reuse: run.reuse,
      retryOf: run.retryOf ?? undefined,
      limits: this.options.limits,
      dispatcher: this.dispatchers.for(stored),
      resume: run.resume,
    });
    this.streams.open(runId);
    const execution = this.#detached(() => executor.execute());
    const done = execution
      .then(
        async (report) => {
          await writer.flush();
          this.#logger.log(logRecord('run finished', { runId, status: report.status, makespanMs: report.makespanMs, speedup: report.speedup }));
        },
        async (error: unknown) => {
          await writer.flush();
          if (error instanceof RunReleasedError) return;
          this.#logger.error(logRecord('run stopped: the executor failed', { runId, error: String(error) }));
          const finished = await this.history.failRun(runId, String(error)).catch(() => null);
          if (finished) this.#publish(finished.event, finished.seq);
        },
      )
      .finally(() => {
        this.#active.delete(runId);
        // Live subscribers end here even when run.finished could not be recorded; they resume from the log.
        this.streams.close(runId);
      });
    this.#active.set(runId, { runId, controller, executor, liveLogs, done });
  }

  /**
   * Publishes a stored event as the domain event named by its type: the event as it is logged (no
   * `step.log`, `step.finished` without its log), then its sequence number (null if not stored).
   */
  #publish(event: ExecutionEvent, seq: number | null): void {
    const logged = loggedEvent(event);
    if (logged) this.emitter.emit(logged.type, logged, seq);
  }
}
