// Public surface of @weft/history: the store and its roles, its observer, and what hosts need to wire TypeORM.
export { HistoryStore, type HistoryStoreOptions } from './history-store';
export { WorkflowRepository } from './workflow-repository';
export { RunNotOwnedError, RunWriter, type RunWriterOptions } from './run-writer';
export { CLI_OWNER_PREFIX, DEFAULT_LEASE_MS, RunOwnership, takeoverCandidates, type OwnedRun, type ServerIdentity, type TakeoverReason } from './run-ownership';
export { RunReader } from './run-reader';
export { StepEstimates } from './step-estimates';
export { WriteQueue } from './write-queue';
export { rebuildFigures, type RunFigures } from './run-figures';
export { HistoryLifeCycle, type HistoryLifeCycleOptions } from './history.life-cycle';
export {
  DEFAULT_DATABASE_URL,
  DatabaseUrlError,
  HISTORY_ENTITIES,
  historyDataSourceOptions,
  redact,
  type HistoryDatabaseOptions,
} from './history-data-source';
export { HISTORY_MIGRATIONS } from './migrations';
export { WorkflowEntity } from './entities/workflow.entity';
export { RunEntity } from './entities/run.entity';
export { StepRunEntity } from './entities/step-run.entity';
export { RunEventEntity } from './entities/run-event.entity';
export { ServerEntity } from './entities/server.entity';
export { loggedEvent, type LoggedRunEvent, type RunEventRecord } from './run-event-log';
export { median } from './median';
export { InvalidCursorError, type Page } from './page-cursor';
export { RetryInFlightError } from './unique-violation';
export * from './history.types';
