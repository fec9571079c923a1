import { createHash, randomUUID } from 'node:crypto';
import { DataSource, In, type EntityManager } from 'typeorm';
import type {
  AttemptFinishedEvent,
  AttemptStartedEvent,
  ExecutionEvent,
  WorkflowPlan,
  ItemReport,
  ReusableStep,
  RunFinishedEvent,
  RunReport,
  RunStartedEvent,
  StepFinishedEvent,
  StepId,
  StepReport,
  StepStartedEvent,
} from '@weft/core';
import { RunEntity } from './entities/run.entity';
import { StepRunEntity } from './entities/step-run.entity';
import { WorkflowEntity } from './entities/workflow.entity';
import { historyDataSourceOptions, type HistoryDatabaseOptions } from './history-data-source';
import { HistoryLifeCycle, type HistoryLifeCycleOptions } from './history.life-cycle';
import type {
  ListRunsQuery,
  ListWorkflowsQuery,
  WorkflowSummary,
  RunSummary,
  SaveWorkflowInput,
  StartRunInput,
  StepLog,
  StoredWorkflow,
  WorkflowFormat,
} from './history.types';
import { median } from './median';
import { appendRunEvent, lastRunEventSeq, loggedEvent, readRunEvents, type RunEventRecord } from './run-event-log';
import { decodeCursor, encodeCursor, type Page } from './page-cursor';
import { isUniqueViolation, RetryInFlightError } from './unique-violation';

/** Options of a `HistoryStore`. */
export interface HistoryStoreOptions {
  /** Largest log kept per step, in bytes: the tail is kept. @default 1048576 */
  readonly maxLogBytes?: number;
  /** Past runs' durations per step the estimates take the median of. @default 20 */
  readonly estimateSample?: number;
}

const UNFINISHED = ['pending', 'running'] as const;
const INTERRUPTED_MESSAGE = 'the process running this workflow stopped before the step finished';

const round2 = (value: number) => Math.round(value * 100) / 100;
const ratio = (a: number, b: number) => (b > 0 ? round2(a / b) : 0);
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
// PostgreSQL text cannot hold NUL; a step's log or a failure message quoting its output may.
const stripNul = (text: string) => text.replaceAll('\u0000', '');

/**
 * The execution history: stored workflows, runs and every step's result, on TypeORM.
 * Nest-free so the CLI (`weft run --db`) and the server share it.
 *
 * Writes happen as a run goes (see {@link HistoryStore.lifeCycle}): a crash loses no finished step,
 * and {@link HistoryStore.markInterrupted} closes the runs a dead process left `running`.
 *
 * Every run event but `step.log` is appended to the run's event log (`weft_run_events`) with the
 * run's next sequence number, in the same transaction as the run and step rows it updates; the
 * `record*` methods return that number. The run and step tables are still written directly next to
 * the log; deriving them from the log alone (pure projections) is later work.
 */
export class HistoryStore {
  readonly #maxLogBytes: number;
  readonly #estimateSample: number;
  /** SQLite: the one connection's writes, one after another (see {@link HistoryStore.#write}). */
  readonly #serialWrites: boolean;
  #writes: Promise<unknown> = Promise.resolve();

  constructor(
    /** An initialized data source holding the history entities. */
    readonly dataSource: DataSource,
    options: HistoryStoreOptions = {},
  ) {
    this.#maxLogBytes = options.maxLogBytes ?? 1024 * 1024;
    this.#estimateSample = options.estimateSample ?? 20;
    this.#serialWrites = dataSource.options.type === 'better-sqlite3';
  }

  /**
   * Runs one write. SQLite has a single connection: two transactions at once would nest ("cannot
   * start a transaction within a transaction") and a plain write would land inside another run's
   * transaction, so there writes queue up, one after another. PostgreSQL's pool runs them at once.
   */
  #write<T>(work: () => Promise<T>): Promise<T> {
    if (!this.#serialWrites) return work();
    const result = this.#writes.then(work, work);
    this.#writes = result.catch(() => undefined);
    return result;
  }

  /** Opens (and migrates) the history database. */
  static async open(database: HistoryDatabaseOptions = {}, options: HistoryStoreOptions = {}): Promise<HistoryStore> {
    const dataSource = new DataSource(historyDataSourceOptions(database));
    await dataSource.initialize();
    return new HistoryStore(dataSource, options);
  }

  /** Closes the data source. */
  async close(): Promise<void> {
    if (this.dataSource.isInitialized) await this.dataSource.destroy();
  }

  /** An observer that records a run as it goes; pass it to `executeWorkflow({ lifecycle })`. */
  lifeCycle(options: HistoryLifeCycleOptions = {}): HistoryLifeCycle {
    return new HistoryLifeCycle(this, options);
  }

  // --- workflows ---

  /**
   * Stores a workflow document; the same text with the same root folder and name returns the stored
   * row, also when two callers store it at once (a unique index decides).
   */
  async saveWorkflow(input: SaveWorkflowInput): Promise<StoredWorkflow> {
    const repo = this.dataSource.getRepository(WorkflowEntity);
    const hash = sha256(input.definition);
    const where = { hash, rootDir: input.rootDir, name: input.name };
    const existing = await repo.findOneBy(where);
    if (existing) return toWorkflow(existing);
    const row = repo.create({
      id: randomUUID(),
      name: input.name,
      hash,
      format: input.format,
      definition: input.definition,
      rootDir: input.rootDir,
      sourcePath: input.sourcePath ?? null,
      createdAt: new Date().toISOString(),
    });
    try {
      await this.#write(() => repo.insert(row));
    } catch (error) {
      const stored = isUniqueViolation(error) ? await repo.findOneBy(where) : null;
      if (!stored) throw error;
      return toWorkflow(stored);
    }
    return toWorkflow(row);
  }

  async getWorkflow(id: string): Promise<StoredWorkflow | null> {
    const row = await this.dataSource.getRepository(WorkflowEntity).findOneBy({ id });
    return row ? toWorkflow(row) : null;
  }

  /**
   * Stored workflows without their definitions, newest first, one page at a time (`limit`, default
   * 100; `cursor` from the previous page). Throws {@link InvalidCursorError} for a bad cursor.
   */
  async listWorkflows(query: ListWorkflowsQuery = {}): Promise<Page<WorkflowSummary>> {
    const limit = query.limit ?? 100;
    const builder = this.dataSource
      .getRepository(WorkflowEntity)
      .createQueryBuilder('w')
      .select(['w.id', 'w.name', 'w.hash', 'w.format', 'w.rootDir', 'w.sourcePath', 'w.createdAt'])
      .orderBy('w.createdAt', 'DESC')
      .addOrderBy('w.id', 'DESC')
      .take(limit + 1);
    if (query.cursor !== undefined) {
      const after = decodeCursor(query.cursor);
      builder.where('(w.createdAt < :at OR (w.createdAt = :at AND w.id < :id))', after);
    }
    const rows = await builder.getMany();
    const items = rows.slice(0, limit).map(toWorkflowSummary);
    const last = rows.length > limit ? items[items.length - 1] : undefined;
    return { items, nextCursor: last ? encodeCursor({ at: last.createdAt, id: last.id }) : null };
  }

  // --- runs: writes ---

  /**
   * Records a run about to start, with a `pending` row per step. Idempotent. A retry (`retryOf`)
   * of a run that already has one running throws {@link RetryInFlightError}: the database keeps
   * one retry in flight per run.
   */
  async startRun(input: StartRunInput): Promise<void> {
    try {
      await this.#write(() => this.#startRun(input));
    } catch (error) {
      if (!input.retryOf || !isUniqueViolation(error)) throw error;
      const inFlight = await this.dataSource
        .getRepository(RunEntity)
        .findOne({ where: { retryOf: input.retryOf, status: 'running' }, select: { id: true } });
      throw new RetryInFlightError(input.retryOf, inFlight?.id ?? null);
    }
  }

  async #startRun(input: StartRunInput): Promise<void> {
    await this.dataSource.transaction(async (manager) => {
      const runs = manager.getRepository(RunEntity);
      if (!(await runs.existsBy({ id: input.runId }))) {
        await runs.insert({
          id: input.runId,
          workflowId: input.workflowId ?? null,
          workflowName: input.workflow,
          status: 'running',
          maxParallel: input.maxParallel,
          startedAt: input.startedAt ?? new Date().toISOString(),
          finishedAt: null,
          makespanMs: null,
          sequentialMs: null,
          speedup: null,
          idealSpeedup: input.plan?.idealSpeedup ?? null,
          peakParallelism: null,
          criticalPath: input.plan?.criticalPath ?? null,
          plan: input.plan ?? null,
          retryOf: input.retryOf ?? null,
          error: null,
        });
      }
      await this.#ensureSteps(manager, input.runId, input.steps);
    });
  }

  /**
   * Records `run.started`: creates the run if {@link startRun} was not called, stores the plan, and
   * logs the event. Returns its sequence number.
   */
  async recordRunStarted(
    event: RunStartedEvent,
    context: { workflowId?: string | null; retryOf?: string | null } = {},
  ): Promise<number> {
    await this.startRun({
      runId: event.runId,
      workflow: event.workflow,
      workflowId: context.workflowId,
      maxParallel: event.maxParallel,
      startedAt: event.timestamp,
      retryOf: context.retryOf,
      steps: event.steps,
      plan: event.plan,
    });
    return this.#record(event, (manager) =>
      manager.getRepository(RunEntity).update(
        { id: event.runId },
        { plan: event.plan, idealSpeedup: event.plan.idealSpeedup, criticalPath: event.plan.criticalPath, startedAt: event.timestamp },
      ),
    );
  }

  /** Records `step.started` (the step runs, in `lane`, with `running` processes at that instant); returns its sequence number. */
  recordStepStarted(event: StepStartedEvent): Promise<number> {
    return this.#record(event, (manager) =>
      this.#upsertStep(manager, event.runId, event.stepId, {
        status: 'running',
        startedAt: event.timestamp,
        lane: event.lane,
        runningAtStart: event.running,
      }),
    );
  }

  /** Logs `attempt.started` or `attempt.finished` (no table holds attempts); returns its sequence number. */
  recordAttempt(event: AttemptStartedEvent | AttemptFinishedEvent): Promise<number> {
    return this.#record(event);
  }

  /**
   * Records `step.finished`: the step's whole result, its capped log and its retry hash. The logged
   * event leaves the log out. Returns its sequence number.
   */
  recordStepFinished(event: StepFinishedEvent): Promise<number> {
    return this.#record(event, (manager) =>
      this.#upsertStep(manager, event.runId, event.stepId, {
        ...stepColumns(event.result),
        log: this.#capLog(event.log),
        hash: event.hash,
      }),
    );
  }

  /** Records `run.finished` (the run's figures, every step's final status) as {@link finishRun} does, and logs it; returns its sequence number. */
  recordRunFinished(event: RunFinishedEvent): Promise<number> {
    return this.#record(event, (manager) => this.#projectRunFinished(manager, event.report));
  }

  /**
   * Stores a final report (step results, then the run's figures). Steps go first: a reader that
   * sees the run finished (even between the transaction's statements, on SQLite's one connection)
   * sees its steps final.
   */
  async finishRun(report: RunReport): Promise<void> {
    await this.#write(() => this.dataSource.transaction((manager) => this.#projectRunFinished(manager, report)));
  }

  async #projectRunFinished(manager: EntityManager, report: RunReport): Promise<void> {
    const steps = manager.getRepository(StepRunEntity);
    for (const [stepId, result] of Object.entries(report.steps)) {
      await steps.update({ runId: report.runId, stepId }, stepColumns(result));
    }
    await manager.getRepository(RunEntity).update(
      { id: report.runId },
      {
        status: report.status,
        finishedAt: report.finishedAt,
        makespanMs: Math.round(report.makespanMs),
        sequentialMs: Math.round(report.sequentialMs),
        speedup: report.speedup,
        idealSpeedup: report.idealSpeedup,
        peakParallelism: report.peakParallelism,
        criticalPath: report.criticalPath,
        retryOf: report.retryOf,
      },
    );
  }

  /**
   * Ends a run that stopped outside any step (e.g. its executor threw) and logs its `run.finished`
   * with the report as stored. Returns that log entry; null for an unknown run.
   */
  failRun(runId: string, error: string): Promise<RunEventRecord<RunFinishedEvent> | null> {
    return this.#closeAndLog(runId, 'failed', stripNul(error), 'the run stopped before the step finished', { always: true });
  }

  /**
   * Marks every run left `running` (by a process that died) as `interrupted`, and its unfinished
   * steps `cancelled`; a run with an event log gets its `run.finished` logged. Call it once at
   * startup, before starting runs. Returns the run ids.
   */
  async markInterrupted(): Promise<string[]> {
    const rows = await this.dataSource.getRepository(RunEntity).find({ where: { status: 'running' }, select: { id: true } });
    for (const { id } of rows) await this.#closeAndLog(id, 'interrupted', INTERRUPTED_MESSAGE, INTERRUPTED_MESSAGE, { always: false });
    return rows.map((row) => row.id);
  }

  // --- runs: reads ---

  /** The run's report, the shape of `weft run --json`; a run still going reports its progress. */
  getReport(runId: string): Promise<RunReport | null> {
    return this.#report(this.dataSource.manager, runId);
  }

  /** The run's logged events numbered above `after` (default 0: all of them), in order. */
  runEvents(runId: string, after = 0): Promise<RunEventRecord[]> {
    return readRunEvents(this.dataSource.manager, runId, after);
  }

  /** The number of the run's last logged event; 0 when it has none (a run recorded before the event log). */
  lastRunEventSeq(runId: string): Promise<number> {
    return lastRunEventSeq(this.dataSource.manager, runId);
  }

  /** The plan (steps, edges, levels, critical path) a run ran by; null when unknown. */
  async getRunPlan(runId: string): Promise<WorkflowPlan | null> {
    const run = await this.dataSource.getRepository(RunEntity).findOne({ where: { id: runId }, select: { id: true, plan: true } });
    return run?.plan ?? null;
  }

  async getRun(runId: string): Promise<RunSummary | null> {
    const run = await this.dataSource.getRepository(RunEntity).findOneBy({ id: runId });
    return run ? toSummary(run) : null;
  }

  /** Execution history, newest first: the first page of {@link HistoryStore.listRunPage}. */
  async listRuns(query: Omit<ListRunsQuery, 'cursor'> = {}): Promise<RunSummary[]> {
    return (await this.listRunPage(query)).items;
  }

  /**
   * Execution history, newest first, one page at a time (`limit`, default 50; `cursor` from the
   * previous page). Throws {@link InvalidCursorError} for a bad cursor.
   */
  async listRunPage(query: ListRunsQuery = {}): Promise<Page<RunSummary>> {
    const limit = query.limit ?? 50;
    const builder = this.dataSource
      .getRepository(RunEntity)
      .createQueryBuilder('r')
      .orderBy('r.startedAt', 'DESC')
      .addOrderBy('r.id', 'DESC')
      .take(limit + 1);
    if (query.workflowId) builder.andWhere('r.workflowId = :workflowId', { workflowId: query.workflowId });
    if (query.workflow) builder.andWhere('r.workflowName = :workflow', { workflow: query.workflow });
    if (query.cursor !== undefined) {
      const after = decodeCursor(query.cursor);
      builder.andWhere('(r.startedAt < :at OR (r.startedAt = :at AND r.id < :id))', after);
    }
    const rows = await builder.getMany();
    const items = rows.slice(0, limit).map(toSummary);
    const last = rows.length > limit ? items[items.length - 1] : undefined;
    return { items, nextCursor: last ? encodeCursor({ at: last.startedAt, id: last.runId }) : null };
  }

  /** A step's captured log; null when the run or step is unknown. */
  async getStepLog(runId: string, stepId: StepId): Promise<StepLog | null> {
    const row = await this.dataSource
      .getRepository(StepRunEntity)
      .findOne({ where: { runId, stepId }, select: { status: true, log: true } });
    if (!row) return null;
    const finished = !UNFINISHED.includes(row.status as (typeof UNFINISHED)[number]);
    return { status: row.status, log: finished ? (row.log ?? '') : null };
  }

  /**
   * Median duration of each step over its last successful runs of the workflow named `workflow`
   * (reused steps excluded): the critical-path estimates for the next run.
   */
  async stepEstimates(workflow: string): Promise<Record<StepId, number>> {
    const rows = await this.dataSource
      .getRepository(StepRunEntity)
      .createQueryBuilder('step')
      .innerJoin('step.run', 'run')
      .select(['step.stepId', 'step.durationMs'])
      .where('run.workflowName = :workflow', { workflow })
      .andWhere('step.status = :status', { status: 'succeeded' })
      .andWhere('step.reused = :reused', { reused: false })
      .andWhere('step.durationMs IS NOT NULL')
      .orderBy('step.finishedAt', 'DESC')
      .limit(this.#estimateSample * 200)
      .getMany();
    const samples = new Map<StepId, number[]>();
    for (const row of rows) {
      const list = samples.get(row.stepId) ?? [];
      if (list.length < this.#estimateSample) list.push(row.durationMs as number);
      samples.set(row.stepId, list);
    }
    return Object.fromEntries([...samples].map(([stepId, durations]) => [stepId, median(durations)]));
  }

  /**
   * What a retry of `runId` may reuse: each step that succeeded, with its content hash and
   * outputs. Null when the run is unknown.
   */
  async reusableSteps(runId: string): Promise<Record<StepId, ReusableStep> | null> {
    if (!(await this.dataSource.getRepository(RunEntity).existsBy({ id: runId }))) return null;
    const rows = await this.dataSource.getRepository(StepRunEntity).find({
      where: { runId, status: 'succeeded' },
      select: { stepId: true, hash: true, outputs: true },
    });
    return Object.fromEntries(
      rows.filter((row) => row.hash).map((row) => [row.stepId, { hash: row.hash as string, outputs: row.outputs ?? {} }]),
    );
  }

  // --- internals ---

  async #ensureSteps(manager: EntityManager, runId: string, steps: StartRunInput['steps']): Promise<void> {
    const repo = manager.getRepository(StepRunEntity);
    const existing = new Set(
      (await repo.find({ where: { runId }, select: { stepId: true } })).map((row) => row.stepId),
    );
    const missing = steps
      .map((step, position) => ({ step, position }))
      .filter(({ step }) => !existing.has(step.id))
      .map(({ step, position }) =>
        repo.create({ runId, stepId: step.id, position, type: step.type, status: 'pending', attempts: 0, reused: false }),
      );
    // Chunks keep under SQLite's bound-parameter limit for very wide workflows.
    for (let i = 0; i < missing.length; i += 50) await repo.insert(missing.slice(i, i + 50));
  }

  /**
   * Logs `event` with its run's next sequence number and, in the same transaction and write, updates
   * the rows it changes (`project`). Returns the number.
   */
  #record(event: ExecutionEvent, project?: (manager: EntityManager) => Promise<unknown>): Promise<number> {
    const logged = loggedEvent(event);
    if (!logged) return Promise.reject(new TypeError(`${event.type} events are not logged; record the others`));
    return this.#appending(async (manager) => {
      const seq = await appendRunEvent(manager, logged);
      await project?.(manager);
      return seq;
    });
  }

  /**
   * One write in one transaction that appends to an event log. When another process took the same
   * sequence number at that moment (the primary key refuses the second), the write runs again.
   */
  async #appending<T>(work: (manager: EntityManager) => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.#write(() => this.dataSource.transaction(work));
      } catch (error) {
        if (attempt >= 8 || !isUniqueViolation(error)) throw error;
      }
    }
  }

  /**
   * Closes a run ({@link HistoryStore.#close}) and logs its `run.finished` with the report as stored,
   * in one transaction. Unless `always`, a run without an event log (recorded before it) gets none.
   */
  #closeAndLog(
    runId: string,
    status: 'failed' | 'interrupted',
    error: string,
    stepMessage: string,
    options: { always: boolean },
  ): Promise<RunEventRecord<RunFinishedEvent> | null> {
    return this.#appending(async (manager) => {
      if (!(await this.#close(manager, runId, status, error, stepMessage))) return null;
      if (!options.always && (await lastRunEventSeq(manager, runId)) === 0) return null;
      const report = (await this.#report(manager, runId))!;
      const event: RunFinishedEvent = {
        type: 'run.finished',
        runId,
        status,
        report,
        timestamp: report.finishedAt ?? new Date().toISOString(),
        running: 0,
      };
      return { seq: await appendRunEvent(manager, event), event };
    });
  }

  async #report(manager: EntityManager, runId: string): Promise<RunReport | null> {
    const run = await manager.getRepository(RunEntity).findOneBy({ id: runId });
    if (!run) return null;
    return toReport(run, await this.#steps(runId, manager));
  }

  async #upsertStep(manager: EntityManager, runId: string, stepId: StepId, columns: Partial<StepRunEntity>): Promise<void> {
    const repo = manager.getRepository(StepRunEntity);
    const result = await repo.update({ runId, stepId }, columns);
    if (!result.affected) {
      const position = await repo.countBy({ runId });
      await repo.insert({ runId, stepId, position, type: 'unknown', status: 'pending', attempts: 0, reused: false, ...columns });
    }
  }

  async #steps(runId: string, manager: EntityManager = this.dataSource.manager): Promise<StepRunEntity[]> {
    return manager.getRepository(StepRunEntity).find({
      where: { runId },
      order: { position: 'ASC' },
      select: {
        runId: true, stepId: true, position: true, type: true, status: true, reason: true, message: true,
        startedAt: true, finishedAt: true, durationMs: true, exitCode: true, signal: true, attempts: true,
        outputs: true, items: true, lane: true, runningAtStart: true, reused: true, hash: true,
      },
    });
  }

  /** Ends a run with `status` and its unfinished steps `cancelled`, inside the caller's transaction; false for an unknown run. */
  async #close(
    manager: EntityManager,
    runId: string,
    status: 'failed' | 'interrupted',
    error: string,
    stepMessage: string,
  ): Promise<boolean> {
    const runs = manager.getRepository(RunEntity);
    const run = await runs.findOneBy({ id: runId });
    if (!run) return false;
    await manager
      .getRepository(StepRunEntity)
      .update({ runId, status: In([...UNFINISHED]) }, { status: 'cancelled', message: stepMessage });
    const steps = await manager.getRepository(StepRunEntity).find({ where: { runId } });
    const ends = steps.map((step) => step.finishedAt).filter((at): at is string => !!at).sort();
    const finishedAt = status === 'failed' ? new Date().toISOString() : (ends.at(-1) ?? run.startedAt);
    const makespanMs = Math.max(0, Date.parse(finishedAt) - Date.parse(run.startedAt));
    const sequentialMs = steps.reduce((sum, step) => sum + (step.reused ? 0 : (step.durationMs ?? 0)), 0);
    await runs.update(
      { id: runId },
      {
        status,
        error,
        finishedAt,
        makespanMs,
        sequentialMs,
        speedup: ratio(sequentialMs, makespanMs),
        peakParallelism: Math.max(0, ...steps.map((step) => step.runningAtStart ?? 0)),
      },
    );
    return true;
  }

  #capLog(log: string | null | undefined): string {
    const clean = stripNul(log ?? '');
    const bytes = Buffer.from(clean, 'utf8');
    if (bytes.length <= this.#maxLogBytes) return clean;
    return bytes.subarray(bytes.length - this.#maxLogBytes).toString('utf8');
  }
}

function stepColumns(result: StepReport): Partial<StepRunEntity> {
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
  };
}

function toWorkflowSummary(row: WorkflowEntity): WorkflowSummary {
  return {
    id: row.id,
    name: row.name,
    hash: row.hash,
    format: row.format as WorkflowFormat,
    rootDir: row.rootDir,
    sourcePath: row.sourcePath,
    createdAt: row.createdAt,
  };
}

function toWorkflow(row: WorkflowEntity): StoredWorkflow {
  return { ...toWorkflowSummary(row), definition: row.definition };
}

function toSummary(run: RunEntity): RunSummary {
  return {
    runId: run.id,
    workflowId: run.workflowId,
    workflow: run.workflowName,
    status: run.status,
    maxParallel: run.maxParallel,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    makespanMs: run.makespanMs,
    sequentialMs: run.sequentialMs,
    speedup: run.speedup === null ? null : Number(run.speedup),
    idealSpeedup: run.idealSpeedup === null ? null : Number(run.idealSpeedup),
    peakParallelism: run.peakParallelism,
    retryOf: run.retryOf,
  };
}

function toStepReport(step: StepRunEntity): StepReport {
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
    ...(step.items ? { items: step.items as ItemReport[] } : {}),
  };
}

function toReport(run: RunEntity, steps: StepRunEntity[]): RunReport {
  const finished = run.status !== 'running';
  const makespanMs = run.makespanMs ?? Math.max(0, Date.now() - Date.parse(run.startedAt));
  const sequentialMs =
    run.sequentialMs ?? steps.reduce((sum, step) => sum + (step.reused ? 0 : (step.durationMs ?? 0)), 0);
  return {
    runId: run.id,
    workflow: run.workflowName,
    status: run.status,
    maxParallel: run.maxParallel,
    startedAt: run.startedAt,
    finishedAt: finished ? run.finishedAt : null,
    makespanMs,
    sequentialMs,
    speedup: run.speedup === null ? ratio(sequentialMs, makespanMs) : Number(run.speedup),
    idealSpeedup: run.idealSpeedup === null ? 0 : Number(run.idealSpeedup),
    peakParallelism: run.peakParallelism ?? Math.max(0, ...steps.map((step) => step.runningAtStart ?? 0)),
    criticalPath: run.criticalPath ?? [],
    retryOf: run.retryOf,
    steps: Object.fromEntries(steps.map((step) => [step.stepId, toStepReport(step)])),
  };
}
