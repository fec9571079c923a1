import { DataSource } from 'typeorm';
import type {
  AttemptFinishedEvent,
  AttemptStartedEvent,
  ReusableStep,
  RunFinishedEvent,
  RunReport,
  RunStartedEvent,
  StepFinishedEvent,
  StepId,
  StepStartedEvent,
  WorkflowPlan,
} from '@weft/core';
import { historyDataSourceOptions, type HistoryDatabaseOptions } from './history-data-source';
import { HistoryLifeCycle, type HistoryLifeCycleOptions } from './history.life-cycle';
import type {
  ListRunsQuery,
  ListWorkflowsQuery,
  RunSummary,
  SaveWorkflowInput,
  StartRunInput,
  StepLog,
  StoredWorkflow,
  WorkflowSummary,
} from './history.types';
import type { Page } from './page-cursor';
import type { RunEventRecord } from './run-event-log';
import { RunOwnership } from './run-ownership';
import { RunReader } from './run-reader';
import { RunWriter } from './run-writer';
import { StepEstimates } from './step-estimates';
import { WorkflowRepository } from './workflow-repository';
import { retryWhileBusy, WriteQueue } from './write-queue';

/** Options of a `HistoryStore`. */
export interface HistoryStoreOptions {
  /** Largest log kept per step, in bytes: the tail is kept. @default 1048576 */
  readonly maxLogBytes?: number;
  /** Past runs' durations per step the estimates take the median of. @default 20 */
  readonly estimateSample?: number;
}

/**
 * The execution history: stored workflows, runs and every step's result, on TypeORM. Nest-free so
 * the CLI (`weft run --db`) and the server share it.
 *
 * One object for its roles, which share the data source and its one write queue:
 * {@link WorkflowRepository} (workflow documents), {@link RunWriter} (runs as they go, their event
 * log, runs that stopped), {@link RunReader} (reports, history pages, logs, retry data) and
 * {@link StepEstimates}. Writes happen as a run goes (see {@link HistoryStore.lifeCycle}): a crash
 * loses no finished step, and {@link HistoryStore.markInterrupted} closes the runs a dead process
 * left `running`.
 */
export class HistoryStore {
  /** The data source's one write queue: every writer of the history goes through it. */
  readonly writes: WriteQueue;
  readonly workflows: WorkflowRepository;
  readonly writer: RunWriter;
  readonly reader: RunReader;
  readonly estimates: StepEstimates;
  /** Who runs what: servers, run owners and leases, cancel requests. */
  readonly ownership: RunOwnership;

  constructor(
    /** An initialized data source holding the history entities. */
    readonly dataSource: DataSource,
    options: HistoryStoreOptions = {},
  ) {
    this.writes = new WriteQueue(dataSource);
    this.workflows = new WorkflowRepository(dataSource, this.writes);
    this.reader = new RunReader(dataSource);
    this.writer = new RunWriter(dataSource, this.writes, this.reader, { maxLogBytes: options.maxLogBytes });
    this.estimates = new StepEstimates(dataSource, options.estimateSample ?? 20);
    this.ownership = new RunOwnership(dataSource, (work) => this.writes.run(work));
  }

  /** Opens (and migrates) the history database. */
  static async open(
    database: HistoryDatabaseOptions = {},
    options: HistoryStoreOptions = {},
  ): Promise<HistoryStore> {
    const dataSourceOptions = historyDataSourceOptions(database);
    // Processes that open a new SQLite file at the same moment race to create its tables: the ones
    // that lose open again, and find the tables made (initialize closes a failed data source).
    const dataSource = await retryWhileBusy(async () => {
      try {
        return await new DataSource(dataSourceOptions).initialize();
      } catch (error) {
        const racing = dataSourceOptions.type === 'better-sqlite3' && /table "?weft_\w+"? already exists/.test((error as Error).message);
        throw racing ? Object.assign(new Error((error as Error).message), { code: 'SQLITE_BUSY', cause: error }) : error;
      }
    });
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

  /** Stores a workflow document once per text, root folder and name: {@link WorkflowRepository.saveWorkflow}. */
  saveWorkflow(input: SaveWorkflowInput): Promise<StoredWorkflow> {
    return this.workflows.saveWorkflow(input);
  }

  /** A stored workflow; null when unknown. */
  getWorkflow(id: string): Promise<StoredWorkflow | null> {
    return this.workflows.getWorkflow(id);
  }

  /** Stored workflows, newest first, a page at a time: {@link WorkflowRepository.listWorkflows}. */
  listWorkflows(query: ListWorkflowsQuery = {}): Promise<Page<WorkflowSummary>> {
    return this.workflows.listWorkflows(query);
  }

  /** Records a run about to start: {@link RunWriter.startRun}. */
  startRun(input: StartRunInput): Promise<void> {
    return this.writer.startRun(input);
  }

  /** Records and logs `run.started`: {@link RunWriter.recordRunStarted}. */
  recordRunStarted(
    event: RunStartedEvent,
    context: { workflowId?: string | null; retryOf?: string | null } = {},
  ): Promise<number> {
    return this.writer.recordRunStarted(event, context);
  }

  /** Records and logs `step.started`; returns its sequence number. */
  recordStepStarted(event: StepStartedEvent): Promise<number> {
    return this.writer.recordStepStarted(event);
  }

  /** Logs `attempt.started` or `attempt.finished`; returns its sequence number. */
  recordAttempt(event: AttemptStartedEvent | AttemptFinishedEvent): Promise<number> {
    return this.writer.recordAttempt(event);
  }

  /** Records and logs `step.finished`: {@link RunWriter.recordStepFinished}. */
  recordStepFinished(event: StepFinishedEvent): Promise<number> {
    return this.writer.recordStepFinished(event);
  }

  /** Records and logs `run.finished`; returns its sequence number. */
  recordRunFinished(event: RunFinishedEvent): Promise<number> {
    return this.writer.recordRunFinished(event);
  }

  /** Stores a final report: {@link RunWriter.finishRun}. */
  finishRun(report: RunReport): Promise<void> {
    return this.writer.finishRun(report);
  }

  /** Ends a run that stopped outside any step and logs its end: {@link RunWriter.failRun}. */
  failRun(runId: string, error: string): Promise<RunEventRecord<RunFinishedEvent> | null> {
    return this.writer.failRun(runId, error);
  }

  /** Closes one running run whose server was lost as `interrupted`: {@link RunWriter.interruptRun}. */
  interruptRun(runId: string): Promise<RunEventRecord<RunFinishedEvent> | null> {
    return this.writer.interruptRun(runId);
  }

  /** Ends the runs a dead process left `running`; call it once at startup: {@link RunWriter.markInterrupted}. */
  markInterrupted(): Promise<string[]> {
    return this.writer.markInterrupted();
  }

  /** The run's report, the shape of `weft run --json`: {@link RunReader.getReport}. */
  getReport(runId: string): Promise<RunReport | null> {
    return this.reader.getReport(runId);
  }

  /** The run's logged events numbered above `after` (default 0: all of them), in order. */
  runEvents(runId: string, after = 0): Promise<RunEventRecord[]> {
    return this.reader.runEvents(runId, after);
  }

  /** The number of the run's last logged event; 0 when it has none. */
  lastRunEventSeq(runId: string): Promise<number> {
    return this.reader.lastRunEventSeq(runId);
  }

  /** The plan a run ran by; null when unknown. */
  getRunPlan(runId: string): Promise<WorkflowPlan | null> {
    return this.reader.getRunPlan(runId);
  }

  /** One line of the execution history; null for an unknown run. */
  getRun(runId: string): Promise<RunSummary | null> {
    return this.reader.getRun(runId);
  }

  /** Execution history, newest first: the first page of {@link HistoryStore.listRunPage}. */
  listRuns(query: Omit<ListRunsQuery, 'cursor'> = {}): Promise<RunSummary[]> {
    return this.reader.listRuns(query);
  }

  /** Execution history, newest first, a page at a time: {@link RunReader.listRunPage}. */
  listRunPage(query: ListRunsQuery = {}): Promise<Page<RunSummary>> {
    return this.reader.listRunPage(query);
  }

  /** A step's captured log; null when the run or step is unknown. */
  getStepLog(runId: string, stepId: StepId): Promise<StepLog | null> {
    return this.reader.getStepLog(runId, stepId);
  }

  /** What a retry of `runId` may reuse: {@link RunReader.reusableSteps}. */
  reusableSteps(runId: string): Promise<Record<StepId, ReusableStep> | null> {
    return this.reader.reusableSteps(runId);
  }

  /** Each step's median duration over its last successful runs of `workflow`: {@link StepEstimates.of}. */
  stepEstimates(workflow: string): Promise<Record<StepId, number>> {
    return this.estimates.of(workflow);
  }
}
