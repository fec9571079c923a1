export { STEP_TYPE_METADATA, StepType, type StepTypeOptions } from './step-type.decorator.js';
