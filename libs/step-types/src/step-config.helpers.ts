import type { z } from '@weft/core';

/**
 * A `superRefine` check: exactly one of `fields` is set. The message names the fields, e.g.
 * "give exactly one of `script` or `code` (found both)".
 */
export function exactlyOneOf<T extends Record<string, unknown>>(...fields: (keyof T & string)[]) {
  return (value: T, ctx: z.RefinementCtx): void => {
    const present = fields.filter((field) => value[field] !== undefined);
    if (present.length === 1) return;
    const names = fields.map((field) => `\`${field}\``).join(' or ');
    ctx.addIssue({
      code: 'custom',
      message: `give exactly one of ${names} (found ${present.length === 0 ? 'neither' : present.map((f) => `\`${f}\``).join(' and ')})`,
      path: present.length === 0 ? [] : [present[present.length - 1]],
    });
  };
}

/**
 * Command-line arguments from resolved config `args`: strings as they are, numbers and booleans as
 * text, anything else (a reference that resolved to an object or array) as JSON.
 */
export function toArgv(args: readonly unknown[] | undefined): string[] {
  return (args ?? []).map((arg) =>
    typeof arg === 'string'
      ? arg
      : typeof arg === 'number' || typeof arg === 'boolean'
        ? String(arg)
        : (JSON.stringify(arg) ?? ''),
  );
}
