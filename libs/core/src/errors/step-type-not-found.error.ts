import { WorkflowError } from './workflow.error';

/** A step names a type that no plugin registered. */
export class StepTypeNotFoundError extends WorkflowError {
  override readonly name = 'StepTypeNotFoundError';
  constructor(
    readonly type: string,
    readonly available: readonly string[],
  ) {
    super(
      `unknown step type '${type}'; registered types: ${available.length ? available.join(', ') : '(none)'}. ` +
        'Use one of them or load a plugin that provides it (weft … --plugin SPEC; WEFT_PLUGINS for the server).',
    );
  }
}
