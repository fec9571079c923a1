import type { z } from '@weft/core';
import { badRequest } from './errors.js';

/** Parses `value` with `schema`, or throws a 400 listing each bad field. */
export function parseOr400<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw badRequest(
    `Invalid ${what}`,
    result.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
  );
}
