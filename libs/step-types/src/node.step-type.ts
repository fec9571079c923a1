import { resolve } from 'node:path';
import { runStepProcess, z, type StepOutcome, type StepRunContext, type StepTypeHandler } from '@weft/core';
import { exactlyOneOf, toArgv } from './step-config.helpers';

export const nodeConfigSchema = z
  .strictObject({
    script: z
      .string()
      .min(1)
      .optional()
      .describe(
        'JavaScript file to run, relative to the workflow folder (e.g. `./build.js`). Give this or `code`.',
      ),
    code: z
      .string()
      .min(1)
      .optional()
      .describe(
        'Inline JavaScript, run with `node -e`. Give this or `script`. Pass values through `inputs`, not `${…}`.',
      ),
    args: z
      .array(z.union([z.string(), z.number()]))
      .optional()
      .describe(
        'Command-line arguments (`process.argv.slice(2)` for a script, `slice(1)` for code); may hold `${…}` references.',
      ),
  })
  .superRefine(exactlyOneOf('script', 'code'));

/** The `node` step's own fields, after parsing. */
export type NodeStepConfig = z.infer<typeof nodeConfigSchema>;

/**
 * `type: node`: runs `node <script> [args]` or `node -e <code> -- [args]` with the Node.js binary
 * Weft itself runs on (`process.execPath`), with an argument vector (no shell).
 */
export class NodeStepType implements StepTypeHandler<NodeStepConfig> {
  readonly name = 'node';
  readonly description =
    'Runs a JavaScript file or inline code with Node.js; inputs in WEFT_INPUTS, outputs to WEFT_OUTPUTS.';
  readonly configSchema: z.ZodType<NodeStepConfig> = nodeConfigSchema;
  readonly codeFields = ['code'] as const;
  readonly pathFields = ['script'] as const;

  run(context: StepRunContext<NodeStepConfig>): Promise<StepOutcome> {
    const { script, code, args } = context.config;
    // `--` keeps arguments such as `--flag` away from Node's own option parsing.
    const program = script !== undefined ? [resolve(context.workdir, script)] : ['-e', code ?? '', '--'];
    return runStepProcess({ command: process.execPath, args: [...program, ...toArgv(args)] }, context);
  }
}
