export { StepType, type StepTypeOptions } from './step-type.decorator.js';
