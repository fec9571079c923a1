// Public surface of @weft/core. Keep it narrow: what apps and plugins may use.
export { z } from 'zod';

// errors
export * from './errors/workflow.error';
export * from './errors/workflow-validation.error';
export * from './errors/step-type-not-found.error';
export * from './errors/cycle-detected.error';

// spec: parsing and validation
export * from './spec/workflow.types';
export * from './spec/max-parallel';
export * from './spec/worker-label';
export * from './spec/expression/expression.types';
export * from './spec/expression/condition-syntax.error';
export * from './spec/expression/condition-evaluation.error';
export * from './spec/expression/parse-condition';
export * from './spec/expression/evaluate-condition';
export * from './spec/duration';
export * from './spec/references';
export {
  type WorkflowFormat,
  type SourceDocument,
  type DocumentReading,
  detectFormat,
  readDocument,
  readDocumentForTransfer,
  documentFromReading,
} from './spec/read-document';
export type { PositionNode } from './spec/source-map';
export * from './spec/workflow.schema';
export { hasControlCharacter } from './spec/control-characters';
export * from './spec/parse-workflow';
export { MAX_LISTED_ISSUES } from './spec/issue-list';
export * from './spec/load-workflow-file';
export { decodeUtf8 } from './spec/utf8';

// graph: analysis
export * from './graph/workflow-plan.types';
export * from './graph/workflow-graph';
export * from './graph/indexed-graph';
export * from './graph/find-cycles';
export * from './graph/topological-levels';
export * from './graph/critical-path';
export * from './graph/dependency-graph-analyzer';

// schedule
export * from './schedule/step-schedule';
export * from './schedule/semaphore';

// step-type SPI
export * from './step-type/step-type';

// plugins: the entry shape and the loader the CLI, the worker and the server share (Node only)
export * from './plugin';

// coordinator: the run's decisions as a pure state machine (messages in, effects out)
export * from './coordinator/coordinator.messages';
export * from './coordinator/coordinator.effects';
export * from './coordinator/run-coordinator.types';
export * from './coordinator/run-coordinator';
export * from './coordinator/run-log';

// run: executor, process runner, events
export * from './run/execution-events';
export * from './run/parallel-executor.types';
export * from './run/parallel-executor';
export * from './run/composite.life-cycle';
export * from './run/local.dispatcher';
export { stepHash, stableStringify } from './run/step-hash';
export { ProcessLogBuffer } from './run/process-log-buffer';
export { killStepProcessesNow, runStepProcess, type ProcessCommand } from './run/process-runner';
export { stopProcessStarter, warmUpProcessStarter } from './run/process-starter';
export { inputEnvName } from './run/process-env';
export { findStepProcesses, killOrphanedStepProcesses } from './run/process-orphans';

// report
export * from './report/run-report.types';
export * from './report/report-builder.life-cycle';
export * from './report/speedup';
