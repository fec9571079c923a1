import { WorkflowError } from '../../errors/workflow.error';

/** An `if:` condition that does not parse; `column` (1-based) points into `source`. */
export class ConditionSyntaxError extends WorkflowError {
  override readonly name = 'ConditionSyntaxError';
  constructor(
    message: string,
    /** 1-based column in the condition where the problem is. */
    readonly column: number,
    /** The condition as written. */
    readonly source: string,
  ) {
    super(message);
  }
}
