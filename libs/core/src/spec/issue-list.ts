import type { ValidationIssue } from '../errors/workflow-validation.error';
import { formatPath, type PathSegment, type SourceMap } from './source-map';

/** Collects validation issues with their source positions; reports each (path, message) once. */
export class IssueList {
  readonly #issues: ValidationIssue[] = [];
  readonly #seen = new Set<string>();

  constructor(private readonly sourceMap: SourceMap) {}

  get size(): number {
    return this.#issues.length;
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
    this.#issues.push({ path: formatted, ...this.sourceMap.locate(path, options), message });
  }

  /** Adds issues that already carry their position. */
  addAll(issues: readonly ValidationIssue[]): void {
    this.#issues.push(...issues);
  }

  /** Where `path` was written (see `SourceMap.locate`). */
  locate(path: readonly PathSegment[]): { line: number; column: number } | undefined {
    return this.sourceMap.locate(path);
  }

  /** The issues by line, then column; issues without a position first. */
  sorted(): ValidationIssue[] {
    return [...this.#issues].sort(
      (a, b) => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0),
    );
  }
}
