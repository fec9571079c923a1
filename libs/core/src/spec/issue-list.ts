import type { ValidationIssue } from '../errors/workflow-validation.error';
import { formatPath, type PathSegment, type SourceMap } from './source-map';
import { SuggestionBudget } from './suggest';

/** Most issues listed for one document; the rest are counted in a last issue. */
export const MAX_LISTED_ISSUES = 1000;

/**
 * Collects validation issues with their source positions; reports each (path, message) once.
 * Past {@link MAX_LISTED_ISSUES} issues are only counted: nobody reads more, and a hostile document
 * must not make a response thousands of times its own size.
 */
export class IssueList {
  readonly #issues: ValidationIssue[] = [];
  readonly #seen = new Set<string>();
  #unlisted = 0;
  /** "Did you mean" suggestions for this validation, under one budget. */
  readonly suggestions = new SuggestionBudget();

  constructor(private readonly sourceMap: SourceMap) {}

  get size(): number {
    return this.#issues.length + this.#unlisted;
  }

  /**
   * Adds an issue for the field at `path`, positioned at its value — or at its key with
   * `key: true` (for fields that should not be there at all).
   */
  add(path: readonly PathSegment[], message: string, options: { key?: boolean } = {}): void {
    const formatted = formatPath(path);
    const id = `${formatted}\u0000${message}`;
    if (this.#seen.has(id)) return;
    this.#seen.add(id);
    if (this.#issues.length >= MAX_LISTED_ISSUES) this.#unlisted++;
    else this.#issues.push({ path: formatted, ...this.sourceMap.locate(path, options), message });
  }

  /** Where `path` was written (see `SourceMap.locate`). */
  locate(path: readonly PathSegment[]): { line: number; column: number } | undefined {
    return this.sourceMap.locate(path);
  }

  /** The issues by line, then column; issues without a position first; then how many more there are. */
  sorted(): ValidationIssue[] {
    const sorted = [...this.#issues].sort(
      (a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
    );
    if (this.#unlisted === 0) return sorted;
    const more = `… and ${this.#unlisted} more ${this.#unlisted === 1 ? 'problem' : 'problems'} not listed (only the first ${MAX_LISTED_ISSUES} are); fix these and validate again`;
    return [...sorted, { path: '', message: more }];
  }
}
