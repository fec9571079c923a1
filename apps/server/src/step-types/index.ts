export { StepType, type StepTypeOptions } from '@weft/nest';
export { StepTypesLoader, InvalidStepTypeError } from './step-types.loader.js';
export { StepTypesModule } from './step-types.module.js';
