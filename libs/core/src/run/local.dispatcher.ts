import type { StepOutcome, StepRunContext, StepTypeHandler } from '../step-type/step-type';
import type { StepDispatcher } from './parallel-executor.types';

/** Runs each step attempt right here: the step type spawns its child process from this process. */
export const localDispatcher: StepDispatcher = {
  dispatch(handler: StepTypeHandler<any>, context: StepRunContext<any>): Promise<StepOutcome> {
    return handler.run(context);
  },
};
