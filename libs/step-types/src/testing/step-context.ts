import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_STEP_LIMITS, type StepRunContext } from '@weft/core';

/**
 * A fresh working folder per test (removed after it) and a factory for the context a step type's
 * `run()` gets: resolved config and inputs, a short kill grace period, nothing logged.
 */
export function stepContextFixture<TConfig>(stepId: string): {
  readonly workdir: () => string;
  readonly context: (config: unknown, inputs?: Record<string, unknown>) => StepRunContext<TConfig>;
} {
  let workdir = '';
  beforeEach(() => {
    workdir = mkdtempSync(join(tmpdir(), `weft-${stepId}-spec-`));
  });
  afterEach(() => rmSync(workdir, { recursive: true, force: true }));
  return {
    workdir: () => workdir,
    context: (config, inputs = {}) => ({
      runId: 'run-1',
      stepId,
      attempt: 1,
      config: config as TConfig,
      inputs,
      env: {},
      workdir,
      signal: new AbortController().signal,
      limits: { ...DEFAULT_STEP_LIMITS, killGraceMs: 200 },
      log: () => undefined,
    }),
  };
}
