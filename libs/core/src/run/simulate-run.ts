import type { AttemptJob, CoordinatorEffect } from '../coordinator/coordinator.effects';
import type { AttemptOutcome, CoordinatorMessage } from '../coordinator/coordinator.messages';
import { RunCoordinator } from '../coordinator/run-coordinator';
import type { RunCoordinatorOptions } from '../coordinator/run-coordinator.types';
import { iso } from '../coordinator/step-state';
import { DependencyGraphAnalyzer, type WorkflowAnalysis } from '../graph/dependency-graph-analyzer';
import type { RunReport } from '../report/run-report.types';
import type { StepId } from '../spec/workflow.types';
import type { ExecutionEvent } from './execution-events';

/** A chunk of log an attempt writes, `afterMs` after it started. */
export interface SimulatedLogChunk {
  readonly afterMs: number;
  readonly chunk: string;
}

/** How one attempt goes in a simulated run. */
export interface SimulatedAttempt {
  /** How long its process runs, in ms (its step's timeout may end it sooner). */
  readonly durationMs: number;
  /** What it comes to. @default a success with no outputs */
  readonly outcome?: AttemptOutcome;
  /** What it writes to its log while it runs, each chunk a `step.log` event. @default nothing */
  readonly log?: readonly SimulatedLogChunk[];
}

/** Says how each dispatched attempt goes. */
export type AttemptScript = (job: AttemptJob) => SimulatedAttempt;

/** A run to simulate: the coordinator's options, a script for the attempts, and a start time. */
export interface SimulateRunOptions extends Omit<RunCoordinatorOptions, 'analysis'> {
  readonly script: AttemptScript;
  /** The workflow's analysis. @default `new DependencyGraphAnalyzer().analyze(workflow, estimates)` */
  readonly analysis?: WorkflowAnalysis;
  /** Duration estimates by step, in ms, for the default analysis (the ready queue's priorities). @default equal weights */
  readonly estimates?: Readonly<Record<StepId, number>>;
  /** When the run starts, in epoch ms. @default 0 */
  readonly startMs?: number;
  /** Cancel the run this many ms after its start. @default never */
  readonly cancelAfterMs?: number;
}

/** What a simulated run emitted, and its report. */
export interface SimulatedRun {
  /** Every event, in order, as the run's observers get them (`step.finished` with its log). */
  readonly events: ExecutionEvent[];
  readonly report: RunReport;
}

/** A message without its time: the driver adds its clock's. */
type Untimed<M = CoordinatorMessage> = M extends unknown ? Omit<M, 'at'> : never;

/** Something due at a time: a message for the coordinator, or a chunk of an attempt's log. */
type Due = { readonly message: Untimed } | { readonly job: AttemptJob; readonly chunk: string };

/**
 * Runs a workflow on the real {@link RunCoordinator} with a virtual clock: no process, no timer, no
 * wait. What the coordinator decides (order, priorities, lanes, retries, skips, the report) is what
 * a real run decides; only the attempts are scripted. Pure and deterministic.
 *
 * 1. Send `start` at `startMs` (and queue `cancel` when `cancelAfterMs` is given).
 * 2. Perform the effects in order: a dispatched attempt starts at once (the coordinator keeps to
 *    `maxParallel`, so a slot is free) and its log chunks and end are queued; a timer queues its
 *    message; an abort drops the attempt's queued chunks and ends it now, as a failure; events are
 *    kept, each `step.finished` with its step's log, as the executor writes it.
 * 3. Move the clock to the earliest queued item (ties in the order they were queued), emit or send
 *    it, and go on from 2 until the `finish` effect hands over the report.
 */
export function simulateRun(options: SimulateRunOptions): SimulatedRun {
  const { script, analysis: given, estimates, startMs = 0, cancelAfterMs, ...coordinatorOptions } = options;
  const analysis = given ?? new DependencyGraphAnalyzer().analyze(options.workflow, estimates);
  const coordinator = new RunCoordinator({ ...coordinatorOptions, analysis });
  const events: ExecutionEvent[] = [];
  const queue = new DueQueue();
  /** The attempts running, each with its log so far. */
  const running = new Map<string, { readonly job: AttemptJob; log: string }>();
  /** The log of each step that started and did not finish. */
  const stepLogs = new Map<StepId, string>();
  const writeStepLog = (stepId: StepId, text: string): void =>
    void stepLogs.set(stepId, (stepLogs.get(stepId) ?? '') + text);
  let report: RunReport | undefined;
  let now = startMs;

  const send = (message: Untimed): void => {
    for (const effect of coordinator.handle({ ...message, at: now } as CoordinatorMessage)) perform(effect);
  };
  const end = (job: AttemptJob, outcome: AttemptOutcome): Due => ({
    message: { type: 'attempt.finished', attempt: job.id, outcome },
  });
  const perform = (effect: CoordinatorEffect): void => {
    switch (effect.type) {
      case 'emit': {
        const event = effect.event;
        if (event.type !== 'step.finished') return void events.push(event);
        events.push({ ...event, log: stepLogs.get(event.stepId) ?? '' });
        return void stepLogs.delete(event.stepId);
      }
      case 'dispatch': {
        const { job } = effect;
        const attempt = script(job);
        running.set(job.id, { job, log: '' });
        send({ type: 'attempt.started', attempt: job.id });
        if (job.logHeader) writeStepLog(job.stepId, job.logHeader);
        const durationMs = Math.max(0, attempt.durationMs);
        for (const { afterMs, chunk } of attempt.log ?? [])
          queue.add(now + Math.min(Math.max(0, afterMs), durationMs), { job, chunk }, job.id);
        return queue.add(now + durationMs, end(job, attempt.outcome ?? { ok: true, outputs: {} }), job.id);
      }
      case 'abort': {
        const attempt = running.get(effect.attempt);
        if (!attempt) return;
        queue.forget(effect.attempt);
        const reason = effect.reason === 'timeout' ? 'timeout' : 'cancelled';
        return queue.add(
          now,
          end(attempt.job, { ok: false, reason, message: `aborted: ${effect.reason}` }),
          effect.attempt,
        );
      }
      case 'timer.start':
        queue.cancelTimer(effect.timer);
        return queue.add(now + effect.delayMs, { message: effect.message }, null, effect.timer);
      case 'timer.cancel':
        return queue.cancelTimer(effect.timer);
      case 'finish':
        report = effect.report;
        return;
    }
  };

  send({ type: 'start' });
  if (cancelAfterMs !== undefined) queue.add(startMs + cancelAfterMs, { message: { type: 'cancel' } }, null);
  while (report === undefined) {
    const next = queue.shift();
    if (!next)
      throw new Error(
        `the simulated run ${options.runId} stalled: nothing is queued and it has not finished`,
      );
    now = next.at;
    const due = next.due;
    if ('chunk' in due) {
      running.get(due.job.id)!.log += due.chunk;
      const item = due.job.item === null ? null : due.job.item.index;
      events.push({
        type: 'step.log',
        runId: due.job.runId,
        timestamp: iso(now),
        running: coordinator.running,
        stepId: due.job.stepId,
        item,
        chunk: due.chunk,
      });
      continue;
    }
    if (due.message.type === 'attempt.finished') {
      // The executor writes an attempt's log to its step's as the attempt ends.
      const attempt = running.get(due.message.attempt)!;
      running.delete(due.message.attempt);
      writeStepLog(attempt.job.stepId, attempt.log);
    }
    send(due.message);
  }
  return { events, report };
}

interface Entry {
  readonly at: number;
  /** Breaks ties in time: the earlier queued goes first. */
  readonly seq: number;
  readonly due: Due;
  /** The attempt it belongs to, or null. */
  readonly attempt: string | null;
  /** The timer it is, or null. */
  readonly timer: string | null;
}

/** What is due when, earliest first; the entries of an attempt can be dropped together. */
class DueQueue {
  #entries: Entry[] = [];
  #seq = 0;

  add(at: number, due: Due, attempt: string | null, timer: string | null = null): void {
    this.#entries.push({ at, seq: this.#seq++, due, attempt, timer });
  }

  cancelTimer(timer: string): void {
    this.#entries = this.#entries.filter((e) => e.timer !== timer);
  }

  /** Drops what is queued for an attempt: its log chunks and its end. */
  forget(attempt: string): void {
    this.#entries = this.#entries.filter((e) => e.attempt !== attempt);
  }

  /** Removes and returns the earliest entry. */
  shift(): Entry | undefined {
    let best: Entry | undefined;
    for (const e of this.#entries)
      if (!best || e.at < best.at || (e.at === best.at && e.seq < best.seq)) best = e;
    if (best) this.#entries.splice(this.#entries.indexOf(best), 1);
    return best;
  }
}
