import { resolve } from 'node:path';
import { runStepProcess, z, type StepOutcome, type StepRunContext, type StepTypeHandler } from '@weft/core';
import { exactlyOneOf, toArgv } from './step-config.helpers';

export const pythonConfigSchema = z
  .strictObject({
    script: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Python file to run, relative to the workflow folder (e.g. `./fetch_user.py`). Give this or `code`.',
      ),
    code: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Inline Python source, run with `python3 -c`. Give this or `script`. Pass values through `inputs`, not `${…}`.',
      ),
    args: z
      .array(z.union([z.string(), z.number()]))
      .optional()
      .describe(
        'Command-line arguments (`sys.argv[1:]`); may hold `${…}` references. Passed as an argument vector, never through a shell.',
      ),
    python: z
      .string()
      .min(1)
      .default('python3')
      .describe('Python interpreter to run, looked up on PATH or given as a path.'),
  })
  .superRefine(exactlyOneOf('script', 'code'));

/** The `python` step's own fields, after parsing. */
export type PythonStepConfig = z.infer<typeof pythonConfigSchema>;

/**
 * `type: python`: runs `python3 -u <script> [args]` or `python3 -u -c <code> [args]` with an argument
 * vector (no shell). `-u` keeps stdout unbuffered so the log streams live and in order.
 */
export class PythonStepType implements StepTypeHandler<PythonStepConfig> {
  readonly name = 'python';
  readonly description =
    'Runs a Python script or inline code with python3; inputs in WEFT_INPUTS, outputs to WEFT_OUTPUTS.';
  readonly configSchema: z.ZodType<PythonStepConfig> = pythonConfigSchema;
  readonly codeFields = ['code'] as const;
  readonly pathFields = ['script'] as const;

  run(context: StepRunContext<PythonStepConfig>): Promise<StepOutcome> {
    const { script, code, args, python = 'python3' } = context.config;
    const program = script !== undefined ? [resolve(context.workdir, script)] : ['-c', code ?? ''];
    return runStepProcess({ command: python, args: ['-u', ...program, ...toArgv(args)] }, context);
  }
}
