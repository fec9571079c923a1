/** Base of every error Weft raises on purpose: its message says what, where and how to fix it. */
export class WorkflowError extends Error {
  override readonly name: string = 'WorkflowError';
}
