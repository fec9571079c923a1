// Browser-safe surface of @weft/core (`@weft/core/browser`): the pure parts, for the dashboard,
// @weft/viz and the bench. Nothing reachable from here may use Node: the `weft/browser-safe` lint
// rule (tools/eslint/browser-safe.rule.cjs) walks this file's imports and fails on any that does.

// errors the analysis throws
export * from './errors/workflow.error';
export * from './errors/cycle-detected.error';

// spec: the workflow as data, and `if:` conditions
export type * from './spec/workflow.types';
export * from './spec/max-parallel';
export * from './spec/worker-label';
export type * from './spec/expression/expression.types';
export type { ReferenceScope } from './spec/references';
export * from './spec/expression/condition-syntax.error';
export * from './spec/expression/condition-evaluation.error';
export * from './spec/expression/parse-condition';
export * from './spec/expression/evaluate-condition';

// graph: analysis (levels, critical path, plan)
export type * from './graph/workflow-plan.types';
export * from './graph/workflow-graph';
export * from './graph/indexed-graph';
export * from './graph/find-cycles';
export * from './graph/topological-levels';
export * from './graph/critical-path';
export * from './graph/dependency-graph-analyzer';

// schedule: list scheduling by remaining critical path
export * from './schedule/step-schedule';

// step outcomes, as the coordinator reads them
export {
  DEFAULT_STEP_LIMITS,
  type FailureReason,
  type StepLimits,
  type StepOutcome,
} from './step-type/step-type';

// coordinator: the run's decisions as a pure state machine (messages in, effects out)
export type * from './coordinator/coordinator.messages';
export type * from './coordinator/coordinator.effects';
export type * from './coordinator/run-coordinator.types';
export * from './coordinator/run-coordinator';

// run: events, and a run simulated on the coordinator with a virtual clock
export type * from './run/execution-events';
export * from './run/simulate-run';

// report: types, the report builder and the speedup math
export type * from './report/run-report.types';
export * from './report/report-builder.life-cycle';
export * from './report/speedup';
