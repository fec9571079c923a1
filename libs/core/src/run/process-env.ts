import type { StepRunContext } from '../step-type/step-type';

/** Variables taken from the parent's environment; nothing else of it reaches a step. */
export const INHERITED_ENV_VARS: readonly string[] = ['PATH', 'HOME', 'LANG'];

/** Files of one attempt that the step finds through `WEFT_INPUTS` and `WEFT_OUTPUTS`. */
export interface ProcessFiles {
  /** Holds the resolved inputs as one JSON object. */
  readonly inputsPath: string;
  /** Empty at start; the step may write one JSON object to it. */
  readonly outputsPath: string;
}

/**
 * Largest scalar input passed as an `INPUT_<NAME>` variable, in bytes. Longer values are left out
 * (they would make the process unstartable: Linux caps one variable at 128 KiB); the step reads
 * them from `WEFT_INPUTS`.
 */
export const MAX_INPUT_ENV_BYTES = 32 * 1024;

/** `INPUT_<NAME>` for an input name: upper-cased, every character outside `[A-Z0-9]` becomes `_`. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/**
 * The environment of a step process, in order of precedence (later wins):
 * 1. `PATH`, `HOME`, `LANG` from `parentEnv`, when set;
 * 2. the workflow's and the step's `env` (`context.env`);
 * 3. `INPUT_<NAME>` for each scalar input (string, number, boolean) up to {@link MAX_INPUT_ENV_BYTES};
 * 4. `WEFT_INPUTS`, `WEFT_OUTPUTS`, `WEFT_RUN_ID`, `WEFT_STEP_ID`, and `WEFT_ITEM`/`WEFT_INDEX` in a `foreach`.
 */
export function buildProcessEnv(
  context: Pick<StepRunContext<unknown>, 'env' | 'inputs' | 'runId' | 'stepId' | 'item'>,
  files: ProcessFiles,
  parentEnv: NodeJS.ProcessEnv = process.env,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED_ENV_VARS) {
    const value = parentEnv[name];
    if (value !== undefined) env[name] = value;
  }
  for (const [name, value] of Object.entries(context.env)) env[name] = String(value);
  for (const [name, value] of Object.entries(context.inputs)) {
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
    const text = String(value);
    if (Buffer.byteLength(text) <= MAX_INPUT_ENV_BYTES) env[inputEnvName(name)] = text;
  }
  env.WEFT_INPUTS = files.inputsPath;
  env.WEFT_OUTPUTS = files.outputsPath;
  env.WEFT_RUN_ID = context.runId;
  env.WEFT_STEP_ID = context.stepId;
  if (context.item) {
    env.WEFT_ITEM = JSON.stringify(context.item.value) ?? 'null';
    env.WEFT_INDEX = String(context.item.index);
  }
  return env;
}
