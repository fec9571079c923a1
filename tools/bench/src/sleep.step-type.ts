import { z, type StepOutcome, type StepRunContext, type StepTypeHandler } from '@weft/core';
import { realClock, type Clock } from './clock';

/** When one attempt of a step ran, as the step type saw it (clock milliseconds). */
export interface StepTiming {
  /** When `run()` was called: the executor started the step. */
  readonly startedAt: number;
  /** When the attempt resolved: from here on, the executor's overhead runs. */
  finishedAt: number | null;
}

/** Fields of `type: sleep`. */
export const sleepConfigSchema = z.strictObject({ ms: z.number().int().min(0).describe('How long the step takes, in ms.') });

/**
 * The bench's in-memory step type: no process, it sleeps `ms` on its clock and succeeds. It records
 * when each step started and ended, so executor overhead (dependency end → dependent start) is read
 * at the source with `performance.now()` precision, and counts steps running at once.
 */
export class SleepStepType implements StepTypeHandler<z.infer<typeof sleepConfigSchema>> {
  readonly name = 'sleep';
  readonly description = 'In-memory benchmark step: sleeps `ms` and succeeds';
  readonly configSchema = sleepConfigSchema;
  /** Step id → its last attempt's timing. */
  readonly timings = new Map<string, StepTiming>();
  #running = 0;
  #maxRunning = 0;

  constructor(readonly clock: Clock = realClock) {}

  /** Most steps running at one instant. */
  get maxRunning(): number {
    return this.#maxRunning;
  }

  /** Forgets timings and counts (between runs). */
  reset(): void {
    this.timings.clear();
    this.#running = 0;
    this.#maxRunning = 0;
  }

  async run(context: StepRunContext<z.infer<typeof sleepConfigSchema>>): Promise<StepOutcome> {
    const timing: StepTiming = { startedAt: this.clock.now(), finishedAt: null };
    this.timings.set(context.stepId, timing);
    this.#maxRunning = Math.max(this.#maxRunning, ++this.#running);
    try {
      await this.clock.sleep(context.config.ms);
    } finally {
      this.#running--;
      timing.finishedAt = this.clock.now();
    }
    return { ok: true, outputs: {} };
  }
}
