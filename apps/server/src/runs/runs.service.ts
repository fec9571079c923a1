import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { EventEmitter2 } from '@nestjs/event-emitter';
import {
  DEFAULT_STEP_LIMITS,
  analyzeWorkflow,
  executeWorkflow,
  type ExecutionEvent,
  type ExecutionLifeCycle,
  type ProcessSlots,
  type ReusableStep,
  type RunReport,
  type StepId,
} from '@weft/core';
import { HistoryStore, RetryInFlightError, loggedEvent, type Page, type RunSummary } from '@weft/history';
import { conflict, notFound } from '../common/errors.js';
import { RunEventStreams } from '../events/run-event-streams.js';
import { StepTypesLoader } from '../step-types/step-types.loader.js';
import { WEFT_OPTIONS, type ResolvedWeftOptions } from '../weft-options.js';
import { WorkflowsService, type LoadedWorkflow } from '../workflows/workflows.service.js';
import { appendCapped, type ActiveRun } from './active-run.js';
import { PROCESS_SLOTS } from './process-slots.provider.js';

/** Options of a run started over the API. */
export interface StartRunOptions {
  /** Overrides the workflow's `maxParallel` (1..8). */
  readonly maxParallel?: number;
}

/**
 * Starts, cancels and retries runs, and answers for them.
 *
 * 1. A run is recorded (`running`, every step `pending`) before `202` is sent.
 * 2. The executor runs in the background with the history medians as estimates and the
 *    server-wide process slots; its events are appended to the run's event log in order (and the
 *    run and step rows updated), and each is published as a domain event only once written, with
 *    its sequence number, so what a client sees is already durable.
 * 3. When the run ends (or the executor fails), the history is flushed and the run leaves memory.
 */
@Injectable()
export class RunsService implements OnApplicationShutdown {
  readonly #logger = new Logger('Runs');
  readonly #active = new Map<string, ActiveRun>();
  /** Runs outside the async context of the request that started them (its logger bindings). */
  readonly #detached = AsyncLocalStorage.snapshot();

  constructor(
    @Inject(WEFT_OPTIONS) private readonly options: ResolvedWeftOptions,
    @Inject(PROCESS_SLOTS) private readonly processSlots: ProcessSlots,
    private readonly history: HistoryStore,
    private readonly workflows: WorkflowsService,
    private readonly stepTypes: StepTypesLoader,
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
   * Cancels a running run: its step processes are stopped, the rest end `cancelled`. Cancelling a
   * run that is already cancelled (or being cancelled) is harmless and says so.
   */
  async cancel(runId: string): Promise<{ runId: string; status: 'cancelling' | 'cancelled' }> {
    const active = this.#active.get(runId);
    if (!active) {
      const run = await this.#run(runId);
      if (run.status === 'cancelled') return { runId, status: 'cancelled' };
      throw conflict(`Run '${runId}' is not running (it is ${run.status})`);
    }
    if (!active.controller.signal.aborted) this.#logger.log({ msg: 'run cancel requested', runId });
    active.controller.abort();
    return { runId, status: 'cancelling' };
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

  /** A step's log: the stored one once it finished, the live one while it runs. */
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

  /** On shutdown, cancels the runs in progress and waits (a while) for their end to be recorded. */
  async onApplicationShutdown(): Promise<void> {
    const active = [...this.#active.values()];
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
    { stored, workflow }: LoadedWorkflow,
    options: { maxParallel?: number; retryOf?: string; reuse?: Record<StepId, ReusableStep> },
  ): Promise<{ runId: string }> {
    const runId = randomUUID();
    const maxParallel = options.maxParallel ?? workflow.maxParallel;
    const estimates = await this.history.stepEstimates(workflow.name);
    await this.history.startRun({
      runId,
      workflow: workflow.name,
      workflowId: stored.id,
      maxParallel,
      retryOf: options.retryOf ?? null,
      steps: workflow.steps.map((step) => ({ id: step.id, type: step.type })),
      plan: analyzeWorkflow(workflow, estimates),
    });
    this.streams.open(runId);

    const controller = new AbortController();
    const liveLogs = new Map<StepId, string>();
    const maxLog = this.options.limits.maxLogBytes ?? DEFAULT_STEP_LIMITS.maxLogBytes;
    const writer = this.history.lifeCycle({
      workflowId: stored.id,
      retryOf: options.retryOf ?? null,
      onRecorded: (event, seq) => this.#publish(event, seq),
      onError: (error, event) =>
        this.#logger.error({ msg: 'could not record event in the history', runId, event: event.type, error: String(error) }),
    });
    const observer: ExecutionLifeCycle = {
      stepLog: (event) => liveLogs.set(event.stepId, appendCapped(liveLogs.get(event.stepId) ?? '', event.chunk, maxLog)),
      stepFinished: (event) => {
        liveLogs.delete(event.stepId);
        const { status, reason, durationMs, exitCode, reused } = event.result;
        const log = { msg: 'step finished', runId, stepId: event.stepId, status, reason, durationMs, exitCode, reused };
        if (status === 'failed') this.#logger.warn(log);
        else this.#logger.log(log);
      },
      stepStarted: (event) => this.#logger.log({ msg: 'step started', runId, stepId: event.stepId, lane: event.lane, running: event.running }),
    };

    this.#logger.log({ msg: 'run started', runId, workflowId: stored.id, workflow: workflow.name, maxParallel, retryOf: options.retryOf });
    const execution = this.#detached(() => executeWorkflow({
      workflow,
      stepTypes: this.stepTypes.registry,
      runId,
      maxParallel,
      lifecycle: [writer, observer],
      signal: controller.signal,
      estimates,
      reuse: options.reuse,
      retryOf: options.retryOf,
      limits: this.options.limits,
      processSlots: this.processSlots,
      // Workflows sent over the API stay inside the workspace, links followed, at every attempt.
      confineTo: stored.sourcePath === null ? this.options.workspace : undefined,
    }));
    const done = execution.then(
      async (report) => {
        await writer.flush();
        this.#logger.log({ msg: 'run finished', runId, status: report.status, makespanMs: report.makespanMs, speedup: report.speedup });
      },
      async (error: unknown) => {
        await writer.flush();
        this.#logger.error({ msg: 'run stopped: the executor failed', runId, error: String(error) });
        const finished = await this.history.failRun(runId, String(error)).catch(() => null);
        if (finished) this.#publish(finished.event, finished.seq);
      },
    ).finally(() => {
      this.#active.delete(runId);
      // Live subscribers end here even when run.finished could not be recorded; they resume from the log.
      this.streams.close(runId);
    });
    this.#active.set(runId, { runId, controller, liveLogs, done });
    return { runId };
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
