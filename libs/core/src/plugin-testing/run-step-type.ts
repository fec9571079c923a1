import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { WorkflowValidationError } from '../errors/workflow-validation.error';
import { stepTypeHandlerProblem } from '../plugin/load-plugin';
import type { RunReport, StepReport, StepStatus } from '../report/run-report.types';
import { parseWorkflow } from '../spec/parse-workflow';
import { DEFAULT_STEP_LIMITS, StepTypeRegistry, type StepLimits, type StepTypeHandler } from '../step-type/step-type';
import { executeWorkflow } from '../run/parallel-executor';

/**
 * The step to run, as it would be written in a workflow: the common fields (`id`, `inputs`, `env`,
 * `timeout`, `retries`, `retryDelay`, `continueOnError`, `if`, `foreach`, `limits`…) and the step
 * type's own fields (`url`, `query`…). `type` defaults to the handler's name, `id` to `step`.
 */
export type RunStepTypeStep = Readonly<Record<string, unknown>> & {
  readonly id?: string;
  readonly type?: string;
  readonly inputs?: Readonly<Record<string, unknown>>;
  readonly env?: Readonly<Record<string, string | number | boolean>>;
  readonly timeout?: string | number;
  readonly retries?: number;
  readonly retryDelay?: string | number;
};

/** Options of {@link runStepType}. */
export interface RunStepTypeOptions {
  /**
   * The workflow's folder: the attempt's `workdir`, where path fields must exist and stay inside.
   * @default a new empty temporary folder, removed afterwards
   */
  readonly workdir?: string;
  /** Runs the step as the one item of a `foreach` (`${item}` is this, `${index}` 0); `outputs` is the item's. */
  readonly foreachItem?: unknown;
  /**
   * Outputs of steps the step refers to: `{ user: { name: 'Ada' } }` lets its fields and inputs use
   * `${steps.user.outputs.name}`. Each becomes a step of the workflow that just gives these outputs.
   */
  readonly upstream?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** The workflow's top-level `env`. */
  readonly env?: Readonly<Record<string, string | number | boolean>>;
  /** Other step types to register next to the handler, e.g. `builtinStepTypes()` of `@weft/step-types`. */
  readonly stepTypes?: readonly StepTypeHandler<any>[];
  /** Caps and grace periods (outputs size, log size, kill grace). */
  readonly limits?: Partial<StepLimits>;
  /** Aborting it cancels the run, as Ctrl-C does. */
  readonly signal?: AbortSignal;
  /** The run's id. @default a random UUID */
  readonly runId?: string;
}

/** What {@link runStepType} came to. */
export interface RunStepTypeResult {
  /** True when the step succeeded. */
  readonly ok: boolean;
  readonly status: StepStatus;
  /** The step's outputs (with `foreachItem`, the item's; with a `foreach` of your own, the items' array). */
  readonly outputs: unknown;
  /** The step's captured log: what `run()` returned as `log`, or streamed with `context.log()`. */
  readonly log: string;
  /** The step's entry of the run report: status, reason, message, attempts, exitCode… */
  readonly report: StepReport;
  /** The whole run report. */
  readonly run: RunReport;
}

/** The step type the `upstream` steps use: it gives the outputs the test named, nothing else. */
const UPSTREAM_TYPE = 'weft-testing-upstream';

/**
 * Runs one step of your step type the way `weft run` and the server do, for a plugin's tests.
 *
 * 1. Registers `handler` (next to `options.stepTypes`, if any) in a fresh registry.
 * 2. Builds a one-step workflow from `step` and validates it as a JSON document: the common fields,
 *    your `configSchema`, `codeFields`, `pathFields` and `codeReferenceHint` are checked exactly as
 *    in production; any problem rejects with the same {@link WorkflowValidationError} (every issue,
 *    with its path, e.g. `steps[0].method`).
 * 3. Runs it with the real executor (references resolved, `timeout`, `retries`, the outputs cap…)
 *    and resolves with its outcome; a failed step resolves too, with `ok: false`.
 *
 * @example
 * const result = await runStepType(new HttpStepHandler(), { url: `${base}/user` });
 * expect(result.outputs).toMatchObject({ status: 200 });
 */
export async function runStepType(
  handler: StepTypeHandler<any>,
  step: RunStepTypeStep = {},
  options: RunStepTypeOptions = {},
): Promise<RunStepTypeResult> {
  const problem = stepTypeHandlerProblem(handler);
  if (problem) throw new TypeError(`runStepType: the handler is not a step-type handler: ${problem}`);
  if (options.foreachItem !== undefined && 'foreach' in step) {
    throw new TypeError('runStepType: give the step a foreach or options.foreachItem, not both');
  }
  const id = step.id ?? 'step';
  const upstream = Object.entries(options.upstream ?? {});
  const registry = new StepTypeRegistry([handler, ...(options.stepTypes ?? [])]);
  if (upstream.length) registry.register(upstreamStepType(new Map(upstream)));

  const document = {
    name: `runStepType ${handler.name}`,
    ...(options.env ? { env: options.env } : {}),
    steps: [
      { ...step, id, type: step.type ?? handler.name, ...(options.foreachItem !== undefined ? { foreach: [options.foreachItem] } : {}) },
      ...upstream.map(([upstreamId]) => ({ id: upstreamId, type: UPSTREAM_TYPE })),
    ],
  };
  const workdir = options.workdir === undefined ? await mkdtemp(join(tmpdir(), 'weft-run-step-type-')) : resolve(options.workdir);
  try {
    const parsed = parseWorkflow(JSON.stringify(document, null, 2), { rootDir: workdir, stepTypes: registry, format: 'json' });
    // Line and column point into the generated document: only the paths mean something here.
    if (!parsed.ok) throw new WorkflowValidationError(parsed.issues.map(({ path, message }) => ({ path, message })));

    let log = '';
    const run = await executeWorkflow({
      workflow: parsed.workflow,
      stepTypes: registry,
      runId: options.runId,
      signal: options.signal,
      limits: { ...DEFAULT_STEP_LIMITS, ...options.limits },
      lifecycle: {
        stepFinished(event) {
          if (event.stepId === id) log = event.log;
        },
      },
    });
    const report = run.steps[id];
    const outputs = options.foreachItem !== undefined && Array.isArray(report.outputs) ? report.outputs[0] : report.outputs;
    return { ok: report.status === 'succeeded', status: report.status, outputs, log, report, run };
  } finally {
    if (options.workdir === undefined) await rm(workdir, { recursive: true, force: true });
  }
}

function upstreamStepType(outputs: ReadonlyMap<string, Readonly<Record<string, unknown>>>): StepTypeHandler {
  return {
    name: UPSTREAM_TYPE,
    description: 'gives the outputs runStepType was given for this step',
    configSchema: z.strictObject({}),
    run: async (context) => ({ ok: true, outputs: { ...outputs.get(context.stepId) } }),
  };
}
