// `@weft/core/testing`: helpers for the tests of step-type plugins (not for production code).
export {
  runStepType,
  type RunStepTypeOptions,
  type RunStepTypeResult,
  type RunStepTypeStep,
} from './run-step-type';
