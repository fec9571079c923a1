import type { DataSource, EntityManager } from 'typeorm';
import type {
  AttemptFinishedEvent,
  AttemptStartedEvent,
  ExecutionEvent,
  RunFinishedEvent,
  RunReport,
  RunStartedEvent,
  StepFinishedEvent,
  StepId,
  StepStartedEvent,
} from '@weft/core';
import { RunEntity } from './entities/run.entity';
import { RunEventEntity } from './entities/run-event.entity';
import { StepRunEntity } from './entities/step-run.entity';
import type { StartRunInput } from './history.types';
import type { RunFigures } from './run-figures';
import type { RunReader } from './run-reader';
import { appendRunEvent, lastRunEventSeq, loggedEvent, type RunEventRecord } from './run-event-log';
import { changedRows, fixedStatement, updateRows } from './fixed-sql';
import { readStepRows, stepColumns, UNFINISHED } from './step-row';
import { stripNul, tailOf } from './stored-text';
import { isUniqueViolation, RetryInFlightError } from './unique-violation';
import type { WriteQueue } from './write-queue';

/** Options of a {@link RunWriter}. */
export interface RunWriterOptions {
  /** Largest log kept per step, in bytes: the tail is kept. @default 1048576 */
  readonly maxLogBytes?: number;
  /** Log events only while this server owns their run (see {@link RunWriter.forOwner}). @default no check */
  readonly owner?: string;
}

const INTERRUPTED_MESSAGE = 'the process running this workflow stopped before the step finished';

/**
 * Records runs as they go: the run and step rows, and every run event but `step.log` appended to
 * the run's event log (`weft_run_events`) with the run's next sequence number, in the same
 * transaction as the rows it updates; the `record*` methods return that number. Also ends the runs
 * that stopped without a `run.finished` (the executor threw, the process died).
 *
 * The run and step tables are still written directly next to the log; deriving them from the log
 * alone (pure projections) is later work.
 */
export class RunWriter {
  readonly #maxLogBytes: number;
  /** When set, every event is logged only while this server owns its run. */
  readonly #owner: string | null;

  constructor(
    private readonly dataSource: DataSource,
    /** The data source's one write queue, shared with its other writers. */
    private readonly writes: WriteQueue,
    /** Reads back the report a run ended with, to log it. */
    private readonly reader: RunReader,
    private readonly options: RunWriterOptions = {},
  ) {
    this.#maxLogBytes = options.maxLogBytes ?? 1024 * 1024;
    this.#owner = options.owner ?? null;
  }

  /**
   * A writer that logs a run's events only while `owner` (a server id) owns the run: once another
   * server took the run over, each write throws {@link RunNotOwnedError} and changes nothing. The
   * check holds the run's row in the write's transaction, so a takeover waits for it or refuses it.
   */
  forOwner(owner: string): RunWriter {
    return new RunWriter(this.dataSource, this.writes, this.reader, { ...this.options, owner });
  }

  /**
   * Records a run about to start, with a `pending` row per step. Idempotent. A retry (`retryOf`)
   * of a run that already has one running throws {@link RetryInFlightError}: the database keeps
   * one retry in flight per run.
   */
  async startRun(input: StartRunInput): Promise<void> {
    try {
      await this.writes.run(() => this.dataSource.transaction((manager) => this.#insertRun(manager, input)));
    } catch (error) {
      if (!input.retryOf || !isUniqueViolation(error)) throw error;
      const inFlight = await this.dataSource
        .getRepository(RunEntity)
        .findOne({ where: { retryOf: input.retryOf, status: 'running' }, select: { id: true } });
      throw new RetryInFlightError(input.retryOf, inFlight?.id ?? null);
    }
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
    const { plan, timestamp } = event;
    return this.#record(event, (manager) =>
      manager
        .getRepository(RunEntity)
        .update(
          { id: event.runId },
          { plan, idealSpeedup: plan.idealSpeedup, criticalPath: plan.criticalPath, startedAt: timestamp },
        ),
    );
  }

  /** Records `step.started` (the step runs, in `lane`, with `running` processes at that instant); returns its sequence number. */
  recordStepStarted(event: StepStartedEvent): Promise<number> {
    return this.#record(event, (manager) =>
      upsertStep(manager, event.runId, event.stepId, {
        status: 'running',
        startedAt: event.timestamp,
        lane: event.lane,
        runningAtStart: event.running,
      }),
    );
  }

  /**
   * Logs `attempt.started` or `attempt.finished` (no table holds attempts; a step's row counts the
   * attempts started so far and names the worker of the last, so a running step reports them);
   * returns its sequence number.
   */
  recordAttempt(event: AttemptStartedEvent | AttemptFinishedEvent): Promise<number> {
    if (event.type === 'attempt.finished') return this.#record(event);
    const where = { runId: event.runId, stepId: event.stepId, attempt: event.attempt };
    return this.#record(event, (manager) => {
      // On this machine (no worker) the row changes only when the count goes up: most starts write nothing.
      if (event.worker === null || event.worker === undefined) {
        return changedRows(manager, COUNT_ATTEMPT(manager), [event.attempt, event.runId, event.stepId, event.attempt]);
      }
      return manager
        .createQueryBuilder()
        .update(StepRunEntity)
        .set({ attempts: () => 'CASE WHEN attempts < :attempt THEN :attempt ELSE attempts END', worker: event.worker })
        .where('run_id = :runId AND step_id = :stepId', where)
        .execute();
    });
  }

  /**
   * Records `step.finished`: the step's whole result, its capped log and its retry hash. The logged
   * event leaves the log out. Returns its sequence number.
   */
  recordStepFinished(event: StepFinishedEvent): Promise<number> {
    return this.#record(event, (manager) =>
      upsertStep(manager, event.runId, event.stepId, {
        ...stepColumns(event.result),
        log: tailOf(event.log ?? '', this.#maxLogBytes),
        hash: event.hash,
      }),
    );
  }

  /** Records `run.finished` (the run's figures, every step's final status) as {@link finishRun} does, and logs it; returns its sequence number. */
  recordRunFinished(event: RunFinishedEvent): Promise<number> {
    return this.#record(event, (manager) => projectRunFinished(manager, event.report));
  }

  /**
   * Stores a final report (step results, then the run's figures). Steps go first: a reader that
   * sees the run finished (even between the transaction's statements, on SQLite's one connection)
   * sees its steps final.
   */
  async finishRun(report: RunReport): Promise<void> {
    await this.writes.run(() =>
      this.dataSource.transaction((manager) => projectRunFinished(manager, report)),
    );
  }

  /**
   * Ends a run that stopped outside any step (e.g. its executor threw) and logs its `run.finished`
   * with the report as stored. Returns that log entry; null for an unknown run.
   */
  failRun(runId: string, error: string): Promise<RunEventRecord<RunFinishedEvent> | null> {
    return this.#closeAndLog(runId, 'failed', stripNul(error), 'the run stopped before the step finished', {
      always: true,
    });
  }

  /**
   * Closes one running run whose server was lost as `interrupted` (its unfinished steps
   * `cancelled`) and logs its `run.finished`. Null when the run is not running (or has no log).
   */
  interruptRun(runId: string): Promise<RunEventRecord<RunFinishedEvent> | null> {
    return this.#closeAndLog(runId, 'interrupted', INTERRUPTED_MESSAGE, INTERRUPTED_MESSAGE, { always: false });
  }

  /**
   * Marks every run left `running` (by a process that died) as `interrupted`, and its unfinished
   * steps `cancelled`; a run with an event log gets its `run.finished` logged. Call it once at
   * startup, before starting runs. Returns the run ids.
   */
  async markInterrupted(): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(RunEntity)
      .find({ where: { status: 'running' }, select: { id: true } });
    for (const { id } of rows) {
      await this.#closeAndLog(id, 'interrupted', INTERRUPTED_MESSAGE, INTERRUPTED_MESSAGE, { always: false });
    }
    return rows.map((row) => row.id);
  }

  async #insertRun(manager: EntityManager, input: StartRunInput): Promise<void> {
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
        owner: input.owner ?? null,
        leaseUntil: input.leaseUntil ?? null,
        cancelRequested: false,
      });
    }
    await ensureSteps(manager, input.runId, input.steps);
  }

  /**
   * Logs `event` with its run's next sequence number and, in the same transaction and write, updates
   * the rows it changes (`project`). Returns the number.
   */
  #record(event: ExecutionEvent, project?: (manager: EntityManager) => Promise<unknown>): Promise<number> {
    const logged = loggedEvent(event);
    if (!logged) {
      return Promise.reject(new TypeError(`${event.type} events are not logged; record the others`));
    }
    return this.#appending(async (manager) => {
      if (this.#owner !== null) await holdOwnership(manager, logged.runId, this.#owner);
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
        return await this.writes.run(() => this.dataSource.transaction(work));
      } catch (error) {
        if (attempt >= 8 || !isUniqueViolation(error)) throw error;
      }
    }
  }

  /**
   * Closes a run ({@link RunWriter.#close}) and logs, in one transaction, a `step.finished` for each
   * step it cancelled (so a client following the stream sees every step end) and its `run.finished`
   * with the report as stored. Unless `always`, a run without an event log (recorded before it)
   * gets none.
   */
  #closeAndLog(
    runId: string,
    status: 'failed' | 'interrupted',
    error: string,
    stepMessage: string,
    options: { always: boolean },
  ): Promise<RunEventRecord<RunFinishedEvent> | null> {
    return this.#appending(async (manager) => {
      const closed = await this.#close(manager, runId, status, error, stepMessage);
      if (!closed) return null;
      if (!options.always && (await lastRunEventSeq(manager, runId)) === 0) return null;
      const report = (await this.reader.report(manager, runId))!;
      const timestamp = closed.finishedAt;
      for (const stepId of closed.cancelled) {
        const stepEvent: StepFinishedEvent = { type: 'step.finished', runId, stepId, result: report.steps[stepId], log: '', hash: null, timestamp, running: 0 };
        await appendRunEvent(manager, stepEvent);
      }
      const event: RunFinishedEvent = { type: 'run.finished', runId, status, report, timestamp, running: 0 };
      return { seq: await appendRunEvent(manager, event), event };
    });
  }

  /**
   * Ends a run with `status` and its unfinished steps `cancelled` (those that had started end then
   * too), inside the caller's transaction, with the figures its live report would have had then.
   * A failed run ends now; an interrupted one at the last thing known of it (a step's start or end,
   * or its last logged event), never before something it logged. Returns that end and the steps it
   * cancelled, in workflow order; null for an unknown run.
   */
  async #close(
    manager: EntityManager,
    runId: string,
    status: 'failed' | 'interrupted',
    error: string,
    stepMessage: string,
  ): Promise<{ finishedAt: string; cancelled: StepId[] } | null> {
    const runs = manager.getRepository(RunEntity);
    const run = await runs.findOneBy({ id: runId });
    if (!run || (status === 'interrupted' && run.status !== 'running')) return null;
    const before = await readStepRows(manager, runId);
    const lastEvent = await lastRunEventTimestamp(manager, runId);
    const known = [run.startedAt, lastEvent, ...before.flatMap((step) => [step.startedAt, step.finishedAt])];
    const latest = known.filter((at): at is string => !!at).sort().at(-1) ?? run.startedAt;
    const finishedAt = status === 'failed' ? new Date().toISOString() : latest;
    const unfinished = before.filter((step) => UNFINISHED.includes(step.status)).sort((a, b) => a.position - b.position);
    const stepRows = manager.getRepository(StepRunEntity);
    for (const step of unfinished) {
      const ended = step.startedAt ? { finishedAt, durationMs: Math.max(0, Date.parse(finishedAt) - Date.parse(step.startedAt)) } : {};
      await stepRows.update({ runId, stepId: step.stepId }, { status: 'cancelled', reason: 'cancelled', message: stepMessage, ...ended });
    }
    const steps = await readStepRows(manager, runId);
    const figures = await this.reader.figures(manager, run, steps, finishedAt);
    await runs.update({ id: runId }, { status, error, finishedAt, ...figureColumns(figures) });
    return { finishedAt, cancelled: unfinished.map((step) => step.stepId) };
  }
}

/** The timestamp of the run's last logged event; null when it has none. */
async function lastRunEventTimestamp(manager: EntityManager, runId: string): Promise<string | null> {
  const row = await manager
    .getRepository(RunEventEntity)
    .createQueryBuilder('event')
    .select('MAX(event.timestamp)', 'last')
    .where('event.runId = :runId', { runId })
    .getRawOne<{ last: string | null }>();
  return row?.last ?? null;
}

/**
 * Holds the run's row in the caller's transaction if `owner` owns the run; else throws
 * {@link RunNotOwnedError}. It runs before every event a server logs: one fixed statement.
 */
async function holdOwnership(manager: EntityManager, runId: string, owner: string): Promise<void> {
  if ((await changedRows(manager, HOLD_OWNERSHIP(manager), [owner, runId, owner])) !== 1) throw new RunNotOwnedError(runId, owner);
}

const HOLD_OWNERSHIP = fixedStatement(({ table, column, at }) => {
  const owner = column(RunEntity, 'owner');
  return `UPDATE ${table(RunEntity)} SET ${owner} = ${at(1)} WHERE ${column(RunEntity, 'id')} = ${at(2)} AND ${owner} = ${at(3)}`;
});

/** A step's count of started attempts goes up to `attempt` (never down): `attempt.started` on this machine. */
const COUNT_ATTEMPT = fixedStatement(({ table, column, at }) => {
  const attempts = column(StepRunEntity, 'attempts');
  return (
    `UPDATE ${table(StepRunEntity)} SET ${attempts} = ${at(1)} ` +
    `WHERE ${column(StepRunEntity, 'runId')} = ${at(2)} AND ${column(StepRunEntity, 'stepId')} = ${at(3)} AND ${attempts} < ${at(4)}`
  );
});

/** A write for a run that another server owns now (it took the run over). */
export class RunNotOwnedError extends Error {
  override readonly name = 'RunNotOwnedError';
  constructor(
    readonly runId: string,
    readonly server: string,
  ) {
    super(`run ${runId} is no longer owned by ${server}: another server took it over`);
  }
}

/** The run row's columns that hold its figures. */
function figureColumns(figures: RunFigures): Partial<RunEntity> {
  return {
    makespanMs: Math.round(figures.makespanMs),
    sequentialMs: Math.round(figures.sequentialMs),
    speedup: figures.speedup,
    idealSpeedup: figures.idealSpeedup,
    peakParallelism: figures.peakParallelism,
    criticalPath: figures.criticalPath,
  };
}

/** Stores a final report in the caller's transaction: step results first, then the run's figures. */
async function projectRunFinished(manager: EntityManager, report: RunReport): Promise<void> {
  const steps = manager.getRepository(StepRunEntity);
  for (const [stepId, result] of Object.entries(report.steps)) {
    await steps.update({ runId: report.runId, stepId }, stepColumns(result));
  }
  await manager.getRepository(RunEntity).update(
    { id: report.runId },
    {
      status: report.status,
      finishedAt: report.finishedAt,
      ...figureColumns(report),
      retryOf: report.retryOf,
    },
  );
}

/** Adds a `pending` row for each of `steps` the run has none for. */
async function ensureSteps(
  manager: EntityManager,
  runId: string,
  steps: StartRunInput['steps'],
): Promise<void> {
  const repo = manager.getRepository(StepRunEntity);
  const existing = new Set(
    (await repo.find({ where: { runId }, select: { stepId: true } })).map((row) => row.stepId),
  );
  const missing = steps
    .map((step, position) => ({ step, position }))
    .filter(({ step }) => !existing.has(step.id))
    .map(({ step, position }) =>
      repo.create({
        runId,
        stepId: step.id,
        position,
        type: step.type,
        status: 'pending',
        attempts: 0,
        reused: false,
      }),
    );
  // Chunks keep under SQLite's bound-parameter limit for very wide workflows.
  for (let i = 0; i < missing.length; i += 50) await repo.insert(missing.slice(i, i + 50));
}

/** Updates a step's row, or adds one (last in order, of an unknown type) for a step the run did not list. */
async function upsertStep(
  manager: EntityManager,
  runId: string,
  stepId: StepId,
  columns: Partial<StepRunEntity>,
): Promise<void> {
  if (!(await updateRows(manager, StepRunEntity, { runId, stepId }, columns))) {
    const repo = manager.getRepository(StepRunEntity);
    const position = await repo.countBy({ runId });
    await repo.insert({
      runId,
      stepId,
      position,
      type: 'unknown',
      status: 'pending',
      attempts: 0,
      reused: false,
      ...columns,
    });
  }
}
