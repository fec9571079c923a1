import { runStepProcess, z, type StepOutcome, type StepRunContext, type StepTypeHandler } from '@weft/core';

export const shellConfigSchema = z.strictObject({
  run: z
    .string()
    .min(1)
    .describe(
      'Shell commands, run with `sh -c`. Static text: read values from `$INPUT_<NAME>` or the JSON file `$WEFT_INPUTS`, never `${…}` references.',
    ),
  shell: z
    .string()
    .min(1)
    .default('sh')
    .describe('Shell that runs `run` with `-c`, looked up on PATH (e.g. `bash`).'),
});

/** The `shell` step's own fields, after parsing. */
export type ShellStepConfig = z.infer<typeof shellConfigSchema>;

/**
 * `type: shell`: runs `sh -c <run> <stepId>` (the step id becomes `$0`, so shell errors name the
 * step). Values reach the commands only through the environment and `WEFT_INPUTS`.
 */
export class ShellStepType implements StepTypeHandler<ShellStepConfig> {
  readonly name = 'shell';
  readonly description =
    'Runs static shell commands with sh -c; values come from INPUT_<NAME> variables or WEFT_INPUTS.';
  readonly configSchema: z.ZodType<ShellStepConfig> = shellConfigSchema;
  readonly codeFields = ['run'] as const;

  run(context: StepRunContext<ShellStepConfig>): Promise<StepOutcome> {
    const { run, shell = 'sh' } = context.config;
    return runStepProcess({ command: shell, args: ['-c', run, context.stepId] }, context);
  }
}
