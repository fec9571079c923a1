import type { StepDefinition, Workflow } from '@weft/core';

/** Options of {@link shellWorkflow}. */
export interface ShellWorkflowOptions {
  readonly name: string;
  /** The command every step runs (`type: shell`, `run:`). */
  readonly run: string;
  /** Independent chains of steps, each step needing the one before it. */
  readonly chains: number;
  /** Steps per chain (1: independent steps). */
  readonly length: number;
  /** 1..8. */
  readonly maxParallel: number;
  /**
   * The workflow's folder. A queue ships it to the workers (packed, once per run), so give it a
   * small folder of its own, never the temporary folder itself.
   */
  readonly rootDir: string;
}

/** A validated workflow of `shell` steps in chains (`c<chain>_<i>`), without going through the parser. */
export function shellWorkflow(options: ShellWorkflowOptions): Workflow {
  const steps: StepDefinition[] = [];
  for (let c = 0; c < options.chains; c++) {
    for (let i = 0; i < options.length; i++) {
      steps.push({
        id: `c${c}_${i}`,
        type: 'shell',
        index: steps.length,
        needs: i > 0 ? [`c${c}_${i - 1}`] : [],
        inputs: {},
        retries: 0,
        retryDelayMs: 0,
        continueOnError: false,
        env: {},
        config: { run: options.run, shell: 'sh' },
      });
    }
  }
  return {
    name: options.name,
    maxParallel: options.maxParallel,
    pools: {},
    env: {},
    failFast: false,
    rootDir: options.rootDir,
    steps,
  };
}
