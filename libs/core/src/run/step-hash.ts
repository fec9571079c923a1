import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveValue, type ReferenceScope } from '../spec/references';
import type { StepDefinition, Workflow } from '../spec/workflow.types';
import type { StepTypeHandler } from '../step-type/step-type';
import { resolveConfig } from './resolve-config';

export { resolveConfig };

/** JSON with object keys sorted, so equal values always give equal text. */
export function stableStringify(value: unknown): string {
  if (value === undefined) return 'null';
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(stableStringify).join(',')}]`;
  const entries = Object.keys(value as Record<string, unknown>)
    .sort()
    .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
    .map((key) => `${JSON.stringify(key)}:${stableStringify((value as Record<string, unknown>)[key])}`);
  return `{${entries.join(',')}}`;
}

/**
 * Content hash of what decides a step's outputs: its type, its resolved fields, inputs and env,
 * its `foreach` items, the workflow env and the content of every script it names. Retry from
 * failure reuses a step only when this is unchanged.
 */
export function stepHash(
  def: StepDefinition,
  handler: Pick<StepTypeHandler<unknown>, 'pathFields' | 'codeFields'>,
  workflow: Pick<Workflow, 'env' | 'rootDir'>,
  scope: ReferenceScope,
  items: readonly unknown[] | null,
  /** Script content hashes by absolute path, shared by the steps of one run (each file read once). */
  fileHashes: Map<string, string> = new Map(),
): string {
  const hash = createHash('sha256');
  const scripts: Record<string, string> = {};
  for (const field of handler.pathFields ?? []) {
    const path = def.config[field];
    if (typeof path !== 'string') continue;
    const file = resolve(workflow.rootDir, path);
    let digest = fileHashes.get(file);
    if (digest === undefined) {
      try {
        digest = createHash('sha256').update(readFileSync(file)).digest('hex');
      } catch {
        digest = 'unreadable';
      }
      fileHashes.set(file, digest);
    }
    scripts[field] = digest;
  }
  hash.update(
    stableStringify({
      type: def.type,
      config: resolveConfig(def.config, handler, scope),
      inputs: resolveValue(def.inputs, scope),
      env: resolveValue(def.env, scope),
      workflowEnv: workflow.env,
      items,
      scripts,
    }),
  );
  return hash.digest('hex');
}
