export { HttpStepHandler, httpConfigSchema, type HttpStepConfig, type HttpStepOutputs } from './http-step.handler.js';
export { HttpStepType, HttpStepTypeModule } from './http-step-type.module.js';
