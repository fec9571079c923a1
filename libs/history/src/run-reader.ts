import type { DataSource, EntityManager } from 'typeorm';
import type { ReusableStep, RunReport, StepId, WorkflowPlan } from '@weft/core';
import { RunEntity } from './entities/run.entity';
import { StepRunEntity } from './entities/step-run.entity';
import type { ListRunsQuery, RunSummary, StepLog } from './history.types';
import { decodeCursor, encodeCursor, type Page } from './page-cursor';
import { FIGURE_EVENT_TYPES, rebuildFigures, type RunFigures } from './run-figures';
import { lastRunEventSeq, readRunEvents, type RunEventRecord } from './run-event-log';
import { isFinished, readStepRows, toStepReport } from './step-row';

/** Reads runs back: reports, summaries and pages of them, event logs, step logs, what a retry may reuse. */
export class RunReader {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The run's report, the shape of `weft run --json`. A finished run reports the figures it stored;
   * a run still going reports its progress, figured as its live report would be now
   * (see {@link rebuildFigures}).
   */
  getReport(runId: string): Promise<RunReport | null> {
    return this.report(this.dataSource.manager, runId);
  }

  /** {@link getReport} as `manager` sees the run (inside the caller's transaction). */
  async report(manager: EntityManager, runId: string): Promise<RunReport | null> {
    const run = await manager.getRepository(RunEntity).findOneBy({ id: runId });
    if (!run) return null;
    const steps = await readStepRows(manager, runId);
    const figures = storedFigures(run) ?? (await this.figures(manager, run, steps, run.finishedAt));
    return toReport(run, steps, figures);
  }

  /** The figures of a run as at `finishedAt` (null: now), rebuilt from what `manager` sees (see {@link rebuildFigures}). */
  async figures(
    manager: EntityManager,
    run: RunEntity,
    steps: readonly StepRunEntity[],
    finishedAt: string | null,
  ): Promise<RunFigures> {
    const events = await readRunEvents(manager, run.id, 0, FIGURE_EVENT_TYPES);
    return rebuildFigures(
      run,
      events.map((record) => record.event),
      steps.map((step) => ({ ...step, reused: Boolean(step.reused) })),
      finishedAt,
    );
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
    const run = await this.dataSource
      .getRepository(RunEntity)
      .findOne({ where: { id: runId }, select: { id: true, plan: true } });
    return run?.plan ?? null;
  }

  /** One line of the execution history; null for an unknown run. */
  async getRun(runId: string): Promise<RunSummary | null> {
    const run = await this.dataSource.getRepository(RunEntity).findOneBy({ id: runId });
    return run ? toSummary(run) : null;
  }

  /** Execution history, newest first: the first page of {@link listRunPage}. */
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
      const after = decodeCursor('runs', query.cursor);
      builder.andWhere('(r.startedAt < :at OR (r.startedAt = :at AND r.id < :id))', after);
    }
    const rows = await builder.getMany();
    const items = rows.slice(0, limit).map(toSummary);
    const last = rows.length > limit ? items[items.length - 1] : undefined;
    return { items, nextCursor: last ? encodeCursor('runs', { at: last.startedAt, id: last.runId }) : null };
  }

  /** A step's captured log (null while it has not finished); null when the run or step is unknown. */
  async getStepLog(runId: string, stepId: StepId): Promise<StepLog | null> {
    const row = await this.dataSource
      .getRepository(StepRunEntity)
      .findOne({ where: { runId, stepId }, select: { status: true, log: true } });
    if (!row) return null;
    return { status: row.status, log: isFinished(row.status) ? (row.log ?? '') : null };
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
      rows
        .filter((row) => row.hash)
        .map((row) => [row.stepId, { hash: row.hash as string, outputs: row.outputs ?? {} }]),
    );
  }
}

/** The figures a run stored when it ended (its live report's); null for a run still going, or one that ended without them. */
function storedFigures(run: RunEntity): RunFigures | null {
  if (run.status === 'running' || run.makespanMs === null || run.sequentialMs === null) return null;
  return {
    makespanMs: run.makespanMs,
    sequentialMs: run.sequentialMs,
    speedup: Number(run.speedup ?? 0),
    idealSpeedup: Number(run.idealSpeedup ?? 0),
    peakParallelism: run.peakParallelism ?? 0,
    criticalPath: run.criticalPath ?? [],
  };
}

function toReport(run: RunEntity, steps: readonly StepRunEntity[], figures: RunFigures): RunReport {
  return {
    runId: run.id,
    workflow: run.workflowName,
    status: run.status,
    maxParallel: run.maxParallel,
    startedAt: run.startedAt,
    finishedAt: run.status === 'running' ? null : run.finishedAt,
    ...figures,
    retryOf: run.retryOf,
    steps: Object.fromEntries(steps.map((step) => [step.stepId, toStepReport(step)])),
  };
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
