// Public surface of @weft/core. Keep it narrow: what apps and plugins may use.
export { z } from 'zod';

// errors
export * from './errors/workflow.error';
export * from './errors/workflow-validation.error';
export * from './errors/step-type-not-found.error';
export * from './errors/cycle-detected.error';

// spec: parsing and validation

// graph: analysis
export * from './graph/workflow-plan.types';

// step-type SPI
export * from './step-type/step-type';

// run: executor, process runner, events
export * from './run/execution-events';

// report
export * from './report/run-report.types';
