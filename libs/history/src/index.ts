// Public surface of @weft/history: the store, its observer, and what hosts need to wire TypeORM.
export { HistoryStore, type HistoryStoreOptions } from './history-store';
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
export { loggedEvent, type LoggedRunEvent, type RunEventRecord } from './run-event-log';
export { median } from './median';
export { InvalidCursorError, type Page } from './page-cursor';
export { RetryInFlightError } from './unique-violation';
export * from './history.types';
