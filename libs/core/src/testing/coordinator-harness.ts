import type { AttemptJob, CoordinatorEffect } from '../coordinator/coordinator.effects';
import type { AttemptOutcome, CoordinatorMessage, TimerMessage } from '../coordinator/coordinator.messages';
import { RunCoordinator } from '../coordinator/run-coordinator';
import type { RunCoordinatorOptions } from '../coordinator/run-coordinator.types';
import { DependencyGraphAnalyzer } from '../graph/dependency-graph-analyzer';
import type { RunReport } from '../report/run-report.types';
import type { ExecutionEvent } from '../run/execution-events';
import type { StepId } from '../spec/workflow.types';
import { makeWorkflow } from './make-workflow';

/** A message without its time: the harness adds its clock's. */
export type UntimedMessage<M = CoordinatorMessage> = M extends unknown ? Omit<M, 'at'> : never;

/** The harness clock starts here. */
export const T0 = Date.parse('2026-12-02T09:00:00.000Z');

/** Everything a harness is built from: the literal graph, step overrides, workflow fields, options. */
export interface HarnessSetup {
  readonly overrides?: Parameters<typeof makeWorkflow>[1];
  readonly fields?: Parameters<typeof makeWorkflow>[2];
  readonly options?: Partial<Omit<RunCoordinatorOptions, 'workflow' | 'analysis'>>;
  readonly estimates?: Readonly<Record<StepId, number>>;
  /** Send `attempt.started` as soon as an attempt is dispatched, as a driver with free slots does. @default true */
  readonly autoStart?: boolean;
  /** The worker id `autoStart` says each attempt started on. @default null (this process) */
  readonly worker?: string | null;
}

/**
 * A driver made of data: it sends messages to a real {@link RunCoordinator} at a clock the test
 * moves, keeps every effect in order, and fires timers when the clock passes them.
 */
export class CoordinatorHarness {
  readonly coordinator: RunCoordinator;
  /** Every effect so far, in the order a driver performs them. */
  readonly effects: CoordinatorEffect[] = [];
  readonly #autoStart: boolean;
  readonly #worker: string | null;
  readonly #timers = new Map<string, { due: number; message: TimerMessage }>();
  readonly #messagesSent: CoordinatorMessage[] = [];
  #at = T0;

  constructor(adjacency: Record<StepId, readonly StepId[]>, setup: HarnessSetup = {}) {
    const workflow = makeWorkflow(adjacency, setup.overrides, setup.fields);
    const analysis = new DependencyGraphAnalyzer().analyze(workflow, setup.estimates);
    this.coordinator = new RunCoordinator({ runId: 'run-1', workflow, analysis, ...setup.options });
    this.#autoStart = setup.autoStart ?? true;
    this.#worker = setup.worker ?? null;
  }

  /** Sends one message at the current time; returns the effects it caused (nested ones included). */
  send(message: UntimedMessage): CoordinatorEffect[] {
    const from = this.effects.length;
    this.#send({ ...message, at: this.#at } as CoordinatorMessage);
    return this.effects.slice(from);
  }

  start(cancelled = false): CoordinatorEffect[] {
    return this.send({ type: 'start', cancelled });
  }

  /** Resumes the run from the logged events of another coordinator's run. */
  resume(events: readonly ExecutionEvent[], cancelled = false, reattach = false): CoordinatorEffect[] {
    return this.send({ type: 'resume', events, cancelled, reattach });
  }

  /** The attempt got its process slot (on `worker`, when given). */
  started(attempt: string, worker?: string | null): CoordinatorEffect[] {
    return this.send({ type: 'attempt.started', attempt, worker });
  }

  /** Ends an attempt; the default outcome is a success with no outputs. */
  finish(attempt: string, outcome: AttemptOutcome = { ok: true, outputs: {} }): CoordinatorEffect[] {
    return this.send({ type: 'attempt.finished', attempt, outcome });
  }

  /** Ends an attempt with exit code 1. */
  fail(attempt: string): CoordinatorEffect[] {
    return this.finish(attempt, { ok: false, reason: 'exit_code', exitCode: 1, message: 'exited with code 1' });
  }

  cancel(): CoordinatorEffect[] {
    return this.send({ type: 'cancel' });
  }

  /** Moves the clock on by `ms`, firing every timer that comes due, in order. */
  advance(ms: number): CoordinatorEffect[] {
    const from = this.effects.length;
    const until = this.#at + ms;
    for (let next = this.#nextTimer(until); next; next = this.#nextTimer(until)) {
      this.#timers.delete(next[0]);
      this.#at = next[1].due;
      this.#send({ ...next[1].message, at: this.#at });
    }
    this.#at = until;
    return this.effects.slice(from);
  }

  /** Pending timers: name → ms until due. */
  get timers(): Record<string, number> {
    return Object.fromEntries([...this.#timers].map(([name, timer]) => [name, timer.due - this.#at]));
  }

  /** Events emitted so far. */
  get events(): ExecutionEvent[] {
    return this.effects.flatMap((e) => (e.type === 'emit' ? [e.event] : []));
  }

  /** Jobs dispatched so far. */
  get jobs(): AttemptJob[] {
    return this.effects.flatMap((e) => (e.type === 'dispatch' ? [e.job] : []));
  }

  /** Ids of the attempts dispatched and not finished. */
  get inFlight(): string[] {
    const finished = new Set(this.#messagesSent.filter((m) => m.type === 'attempt.finished').map((m) => m.attempt));
    return this.jobs.map((job) => job.id).filter((id) => !finished.has(id));
  }

  /** The report, once the run finished. */
  get report(): RunReport | undefined {
    const finish = this.effects.find((e) => e.type === 'finish');
    return finish?.type === 'finish' ? finish.report : undefined;
  }

  #send(message: CoordinatorMessage): void {
    this.#messagesSent.push(message);
    for (const effect of this.coordinator.handle(message)) {
      this.effects.push(effect);
      if (effect.type === 'timer.start') this.#timers.set(effect.timer, { due: this.#at + effect.delayMs, message: effect.message });
      else if (effect.type === 'timer.cancel') this.#timers.delete(effect.timer);
      else if (effect.type === 'dispatch' && this.#autoStart && !effect.reattach) {
        this.#send({ type: 'attempt.started', attempt: effect.job.id, at: this.#at, worker: this.#worker });
      }
    }
  }

  #nextTimer(until: number): [string, { due: number; message: TimerMessage }] | undefined {
    let next: [string, { due: number; message: TimerMessage }] | undefined;
    for (const entry of this.#timers) if (entry[1].due <= until && (!next || entry[1].due < next[1].due)) next = entry;
    return next;
  }
}

/** Event types with their step (and item/attempt), compactly: `attempt.started b#1`. */
export function eventLine(event: ExecutionEvent): string {
  switch (event.type) {
    case 'step.started':
    case 'step.finished':
      return `${event.type} ${event.stepId}`;
    case 'attempt.started':
    case 'attempt.finished':
      return `${event.type} ${event.stepId}${event.item === null ? '' : `[${event.item}]`}#${event.attempt}`;
    default:
      return event.type;
  }
}
