import { z } from 'zod';
import type { StepOutcome, StepRunContext, StepTypeHandler } from '../step-type/step-type';

/** Key of one unit of a step: `id` or `id[index]` for a foreach item. */
export function unitKey(stepId: string, item?: number | null): string {
  return item === null || item === undefined ? stepId : `${stepId}[${item}]`;
}

interface Pending {
  readonly context: StepRunContext<Record<string, unknown>>;
  readonly finish: (outcome: StepOutcome) => void;
}

/**
 * An in-memory step type whose attempts end only when the test says so: `finish('a')`. Records the
 * start order and the most attempts running at once, so tests can assert the limits without timing.
 */
export class ControlledStepType implements StepTypeHandler<Record<string, unknown>> {
  readonly name: string;
  readonly description = 'In-memory step type controlled by the test';
  readonly configSchema = z.record(z.string(), z.unknown());
  /** Unit keys in the order their attempts started. */
  readonly started: string[] = [];
  /** Contexts of every attempt, in start order. */
  readonly contexts: StepRunContext<Record<string, unknown>>[] = [];
  readonly #running = new Map<string, Pending>();
  #maxRunning = 0;
  #waiters: { count: number; resolve: () => void }[] = [];

  constructor(name = 'fake') {
    this.name = name;
  }

  /** Most attempts running at one instant, counted inside the step type. */
  get maxRunning(): number {
    return this.#maxRunning;
  }

  /** Unit keys running now. */
  get running(): string[] {
    return [...this.#running.keys()];
  }

  run(context: StepRunContext<Record<string, unknown>>): Promise<StepOutcome> {
    const key = unitKey(context.stepId, context.item?.index);
    this.started.push(key);
    this.contexts.push(context);
    return new Promise<StepOutcome>((resolve) => {
      const finish = (outcome: StepOutcome) => {
        this.#running.delete(key);
        resolve(outcome);
      };
      this.#running.set(key, { context, finish });
      this.#maxRunning = Math.max(this.#maxRunning, this.#running.size);
      context.signal.addEventListener('abort', () => finish({ ok: false, reason: 'cancelled', message: 'aborted' }), { once: true });
      this.#waiters = this.#waiters.filter((w) => (this.started.length >= w.count ? (w.resolve(), false) : true));
    });
  }

  /** Resolves once `count` attempts have started in all. */
  waitForStarts(count: number): Promise<void> {
    if (this.started.length >= count) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ count, resolve }));
  }

  /** Ends a running attempt. */
  finish(key: string, outcome: StepOutcome = { ok: true, outputs: {} }): void {
    const pending = this.#running.get(key);
    if (!pending) throw new Error(`${key} is not running; running: ${this.running.join(', ') || 'none'}`);
    pending.finish(outcome);
  }

  /** Ends a running attempt with a failure. */
  fail(key: string, exitCode = 1): void {
    this.finish(key, { ok: false, reason: 'exit_code', exitCode, message: `exited with code ${exitCode}` });
  }
}

/**
 * An in-memory step type that ends each attempt by itself after `config.ms` (0: next tick), with
 * `config.outputs`, failing when `config.fail` is true (or on the attempts listed in `config.failAttempts`).
 * Used by executor tests and the executor-overhead benchmark.
 */
export class ScriptedStepType implements StepTypeHandler<Record<string, unknown>> {
  readonly name: string;
  readonly description = 'In-memory step type that sleeps and returns scripted outputs';
  readonly configSchema = z
    .object({
      ms: z.number().int().min(0).optional(),
      outputs: z.record(z.string(), z.unknown()).optional(),
      fail: z.boolean().optional(),
      failAttempts: z.array(z.number().int()).optional(),
    })
    .strict();
  #running = 0;
  #maxRunning = 0;

  constructor(name = 'fake') {
    this.name = name;
  }

  get maxRunning(): number {
    return this.#maxRunning;
  }

  run(context: StepRunContext<Record<string, unknown>>): Promise<StepOutcome> {
    this.#running++;
    this.#maxRunning = Math.max(this.#maxRunning, this.#running);
    const config = context.config as { ms?: number; outputs?: Record<string, unknown>; fail?: boolean; failAttempts?: number[] };
    const fail = config.fail === true || (config.failAttempts ?? []).includes(context.attempt);
    return new Promise<StepOutcome>((resolve) => {
      const done = (outcome: StepOutcome) => {
        clearTimeout(timer);
        this.#running--;
        resolve(outcome);
      };
      const timer = setTimeout(
        () =>
          done(
            fail
              ? { ok: false, reason: 'exit_code', exitCode: 1, message: 'exited with code 1' }
              : { ok: true, outputs: { ...(config.outputs ?? {}), ...(context.item ? { item: context.item.value } : {}) } },
          ),
        config.ms ?? 0,
      );
      context.signal.addEventListener('abort', () => done({ ok: false, reason: 'cancelled' }), { once: true });
    });
  }
}
