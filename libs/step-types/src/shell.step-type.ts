import { runStepProcess, z, type StepOutcome, type StepRunContext, type StepTypeHandler } from '@weft/core';
import { asShellOutcome, directCommand } from './simple-command';

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

  /**
   * With the default `sh` and no resource limits, a `run` that is one simple command of plain words
   * (`sleep 0.2`, `make -C build all`) is exec'd directly, as make does, saving a shell per step;
   * everything observable stays as `sh -c` gives it (program, arguments, `argv[0]`, `PWD`, exit
   * status). Anything else, and any doubt, goes through the shell.
   */
  async run(context: StepRunContext<ShellStepConfig>): Promise<StepOutcome> {
    const { run, shell = 'sh' } = context.config;
    const limited = Boolean(context.resourceLimits?.memoryMb || context.resourceLimits?.cpuSeconds);
    const direct = shell === 'sh' && !limited ? directCommand(run, context.workdir, context.env, process.env.PATH) : null;
    if (direct) return asShellOutcome(await runStepProcess(direct, context), context.log);
    return runStepProcess({ command: shell, args: ['-c', run, context.stepId] }, context);
  }
}
