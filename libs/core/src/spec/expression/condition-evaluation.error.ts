import { WorkflowError } from '../../errors/workflow.error';

/** An `if:` condition that parsed but cannot be evaluated on the values it met (e.g. `3 < 'a'`). */
export class ConditionEvaluationError extends WorkflowError {
  override readonly name = 'ConditionEvaluationError';
  constructor(
    message: string,
    /** The condition as written. */
    readonly source: string,
  ) {
    super(message);
  }
}
