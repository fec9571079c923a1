import { resolveValue, type ReferenceScope } from '../spec/references';
import type { StepTypeHandler } from '../step-type/step-type';

/** Resolves the references in a step's type-specific fields, leaving its code fields as written. */
export function resolveConfig(
  config: Readonly<Record<string, unknown>>,
  handler: Pick<StepTypeHandler<unknown>, 'codeFields'>,
  scope: ReferenceScope,
): Record<string, unknown> {
  const code = new Set(handler.codeFields ?? []);
  const resolved: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(config)) resolved[key] = code.has(key) ? value : resolveValue(value, scope);
  return resolved;
}
