import { WorkflowError } from './workflow.error';

/** One problem in a workflow document. */
export interface ValidationIssue {
  /** Path of the bad field, e.g. `steps[3].timeout`; `''` for the whole document. */
  readonly path: string;
  /** 1-based line in the source, when known (YAML and JSON). */
  readonly line?: number;
  /** 1-based column in the source, when known. */
  readonly column?: number;
  /** What is wrong and what was expected. */
  readonly message: string;
}

/** Formats an issue as `file:line:col path: message`. */
export function formatIssue(issue: ValidationIssue, file?: string): string {
  const where = [file, issue.line, issue.column].filter((part) => part !== undefined && part !== '').join(':');
  const path = issue.path ? `${issue.path}: ` : '';
  return `${where ? `${where} ` : ''}${path}${issue.message}`;
}

/** A workflow that cannot run; `issues` holds every problem found, not only the first. */
export class WorkflowValidationError extends WorkflowError {
  override readonly name = 'WorkflowValidationError';
  constructor(
    readonly issues: readonly ValidationIssue[],
    readonly file?: string,
  ) {
    super(
      `${file ?? 'workflow'} is invalid (${issues.length} ${issues.length === 1 ? 'error' : 'errors'}):\n` +
        issues.map((issue) => `  ${formatIssue(issue, file)}`).join('\n'),
    );
  }
}
