import { BadRequestException, ConflictException, NotFoundException } from '@nestjs/common';
import type { ValidationIssue } from '@weft/core';

/** One problem in a request, as `details` lists it. */
export interface ErrorDetail {
  readonly path: string;
  readonly line?: number;
  readonly column?: number;
  readonly message: string;
}

/** Every Weft error body: `{ statusCode, error, details? }`. */
export const notFound = (what: string) => new NotFoundException({ statusCode: 404, error: what });
export const conflict = (what: string) => new ConflictException({ statusCode: 409, error: what });
export const badRequest = (error: string, details: readonly ErrorDetail[] = []) =>
  new BadRequestException({ statusCode: 400, error, details });

/**
 * Throws a 400 naming every query parameter of `query` that is not one of `allowed` (a misspelt
 * name, or `dir[]=x`, which arrives as the key `dir[]`), so it is never silently ignored.
 */
export function refuseUnknownQuery(query: Readonly<Record<string, unknown>> | undefined, allowed: readonly string[]): void {
  const unknown = Object.keys(query ?? {}).filter((key) => !allowed.includes(key));
  if (unknown.length === 0) return;
  const takes = allowed.length > 0 ? `this route takes ${allowed.join(', ')}` : 'this route takes none';
  throw badRequest(
    `Unknown query parameter${unknown.length > 1 ? 's' : ''}: ${unknown.join(', ')}`,
    unknown.map((key) => ({ path: key, message: `unknown query parameter '${key}'; ${takes}` })),
  );
}

/** 400 for an invalid workflow, with each issue's path, line, column and message. */
export function invalidWorkflow(issues: readonly ValidationIssue[], prefix = 'The workflow is invalid'): BadRequestException {
  return badRequest(
    `${prefix} (${issues.length} ${issues.length === 1 ? 'error' : 'errors'})`,
    issues.map((issue) => ({
      path: issue.path,
      ...(issue.line !== undefined ? { line: issue.line } : {}),
      ...(issue.column !== undefined ? { column: issue.column } : {}),
      message: issue.message,
    })),
  );
}
