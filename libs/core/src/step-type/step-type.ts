import type { z } from 'zod';
import type { ResourceLimits, StepId } from '../spec/workflow.types';

/** Why a step attempt failed. */
export type FailureReason =
  | 'exit_code' // the process exited non-zero
  | 'signal' // the process was killed by a signal it did not get from Weft
  | 'timeout' // the attempt ran past `timeout`
  | 'cancelled' // the run was cancelled (or failFast) while it ran
  | 'invalid_outputs' // WEFT_OUTPUTS held something other than one JSON object
  | 'outputs_too_large' // WEFT_OUTPUTS was over the outputs cap
  | 'spawn_error' // the program could not be started
  | 'invalid_foreach' // `foreach` did not resolve to an array
  | 'condition_error' // `if` could not be evaluated
  | 'server_lost' // the server running the attempt was lost; a new attempt runs in its place
  | 'worker_lost' // the worker running the attempt was lost; a new attempt runs in its place (3 times at most)
  | 'error'; // the step type threw

/** Caps and grace periods a step attempt runs under. */
export interface StepLimits {
  /** Largest outputs file accepted, in bytes. @default 1048576 */
  readonly maxOutputBytes: number;
  /** Log kept per step attempt: the last this many bytes. @default 1048576 */
  readonly maxLogBytes: number;
  /** Time between SIGTERM and SIGKILL on timeout or cancel, in ms. @default 5000 */
  readonly killGraceMs: number;
}

export const DEFAULT_STEP_LIMITS: StepLimits = {
  maxOutputBytes: 1024 * 1024,
  maxLogBytes: 1024 * 1024,
  killGraceMs: 5000,
};

/** Everything a step type needs to run one attempt of one step (or one `foreach` item). */
export interface StepRunContext<TConfig = Record<string, unknown>> {
  readonly runId: string;
  readonly stepId: StepId;
  /** 1 for the first attempt. */
  readonly attempt: number;
  /** The `foreach` item this attempt runs, if any. */
  readonly item?: { readonly value: unknown; readonly index: number };
  /** The type-specific fields with their references resolved. */
  readonly config: TConfig;
  /** The step's resolved inputs. */
  readonly inputs: Readonly<Record<string, unknown>>;
  /** The workflow's and the step's env, resolved to strings (no other variables). */
  readonly env: Readonly<Record<string, string>>;
  /** Absolute working directory: the workflow's folder. */
  readonly workdir: string;
  /** Aborted on timeout, cancel or failFast: stop the work and resolve promptly. */
  readonly signal: AbortSignal;
  readonly limits: StepLimits;
  /** The step's OS limits (`limits:`), applied by the process runner. */
  readonly resourceLimits?: ResourceLimits;
  /** Streams a chunk of log text as it is produced (optional for the step type to call). */
  log(chunk: string): void;
}

/** What one attempt came to. */
export interface StepOutcome {
  /** True when the attempt succeeded. */
  readonly ok: boolean;
  /** The outputs object (`{}` when none). */
  readonly outputs?: Record<string, unknown>;
  readonly exitCode?: number | null;
  readonly signal?: string | null;
  /** Why it failed; null on success. */
  readonly reason?: FailureReason | null;
  /** A one-line explanation for a failure. */
  readonly message?: string;
  /** The attempt's captured log (stdout and stderr), capped. */
  readonly log?: string;
}

/**
 * A step type: the plugin contract. Weft validates the common step fields itself; the step type
 * declares the schema of its own fields and runs one attempt at a time.
 */
export interface StepTypeHandler<TConfig = Record<string, unknown>> {
  /** The `type:` value that selects it, e.g. `python`. */
  readonly name: string;
  /** One line for `GET /api/step-types` and `weft` help. */
  readonly description: string;
  /** Schema of the type-specific fields; a strict object so unknown fields are errors. */
  readonly configSchema: z.ZodType<TConfig>;
  /** Fields run as code (`run`, `code`): a `${…}` reference there is a validation error. */
  readonly codeFields?: readonly string[];
  /** Fields holding a path that must resolve inside the workflow's folder. */
  readonly pathFields?: readonly string[];
  /**
   * The how-to-fix part of the validation error for a `${…}` reference written inside one of its
   * {@link codeFields}: the error reads `'<field>' is code, so references are not allowed there
   * (<reference>): <hint>`. A step type that does not run a process says how its code reads a value.
   * @default {@link defaultCodeReferenceHint}: pass it through `inputs`, read WEFT_INPUTS or INPUT_<NAME>
   */
  codeReferenceHint?(input: CodeReferenceHintInput): string;
  /** Runs one attempt. Must honour `context.signal`; should not throw (a throw fails the attempt). */
  run(context: StepRunContext<TConfig>): Promise<StepOutcome>;
}

/** What {@link StepTypeHandler.codeReferenceHint} is asked about. */
export interface CodeReferenceHintInput {
  /** The code field holding the reference, e.g. `run`. */
  readonly field: string;
  /** The reference as written, e.g. `${steps.fetch.outputs.url}`. */
  readonly reference: string;
  /** A name for an input to pass it through, made from the reference (`url`). */
  readonly inputName: string;
}

/**
 * The hint of the built-in step types (they run a process): pass the value through `inputs` and
 * read it from `WEFT_INPUTS` or `INPUT_<NAME>`.
 */
export function defaultCodeReferenceHint({ reference, inputName }: CodeReferenceHintInput): string {
  return (
    `pass the value through inputs (inputs: { ${inputName}: ${reference} }) and read it from WEFT_INPUTS ` +
    `or INPUT_${inputName.toUpperCase()}`
  );
}

/** Looks step types up by name. */
export class StepTypeRegistry {
  readonly #types = new Map<string, StepTypeHandler<any>>();

  constructor(types: Iterable<StepTypeHandler<any>> = []) {
    for (const type of types) this.register(type);
  }

  /** Adds a step type; a second type with the same name is an error. */
  register(type: StepTypeHandler<any>): this {
    if (!type || typeof type.name !== 'string' || typeof type.run !== 'function') {
      throw new TypeError(`Expected a step type with a name and a run() method, got ${String(type)}`);
    }
    if (this.#types.has(type.name)) {
      throw new TypeError(`Step type '${type.name}' is registered twice`);
    }
    this.#types.set(type.name, type);
    return this;
  }

  get(name: string): StepTypeHandler<any> | undefined {
    return this.#types.get(name);
  }

  has(name: string): boolean {
    return this.#types.has(name);
  }

  /** Registered names, sorted. */
  names(): string[] {
    return [...this.#types.keys()].sort();
  }

  all(): StepTypeHandler<any>[] {
    return [...this.#types.values()];
  }
}
