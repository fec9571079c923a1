import type { IndexedGraph } from '../graph/indexed-graph';
import type { StepId } from '../spec/workflow.types';
import type {
  AttemptFinishedEvent,
  AttemptStartedEvent,
  ExecutionLifeCycle,
  RunStartedEvent,
  StepFinishedEvent,
  StepStartedEvent,
} from '../run/execution-events';
import type { RunReport, RunStatus, StepReport } from './run-report.types';
import { computeSpeedup } from './speedup';

const PENDING: StepReport = {
  status: 'pending',
  startedAt: null,
  finishedAt: null,
  durationMs: null,
  exitCode: null,
  signal: null,
  attempts: 0,
  outputs: null,
  reason: null,
  message: null,
  lane: null,
  reused: false,
  worker: null,
};

/**
 * Builds the run report from the event stream alone, so that anything holding the events (the CLI,
 * the server, a test) builds the same report.
 */
export class ReportBuilder implements ExecutionLifeCycle {
  #started?: RunStartedEvent;
  readonly #steps: Record<StepId, StepReport> = Object.create(null);
  readonly #busyMs: Record<StepId, number> = Object.create(null);
  /** Busy time per `foreach` item (key `step#index`). */
  readonly #itemMs = new Map<string, number>();
  readonly #spanMs: Record<StepId, number> = Object.create(null);
  #peak = 0;

  constructor(
    readonly graph: IndexedGraph,
    readonly retryOf: string | null = null,
  ) {}

  runStarted(event: RunStartedEvent): void {
    this.#started = event;
    for (const id of this.graph.ids) this.#steps[id] = PENDING;
  }

  stepStarted(event: StepStartedEvent): void {
    this.#steps[event.stepId] = { ...this.#steps[event.stepId], status: 'running', startedAt: event.timestamp, lane: event.lane };
    this.#peak = Math.max(this.#peak, event.running);
  }

  attemptStarted(event: AttemptStartedEvent): void {
    this.#steps[event.stepId] = { ...this.#steps[event.stepId], worker: event.worker ?? null };
  }

  attemptFinished(event: AttemptFinishedEvent): void {
    this.#busyMs[event.stepId] = (this.#busyMs[event.stepId] ?? 0) + event.durationMs;
    const key = `${event.stepId}#${event.item ?? ''}`;
    const itemMs = (this.#itemMs.get(key) ?? 0) + event.durationMs;
    this.#itemMs.set(key, itemMs);
    this.#spanMs[event.stepId] = Math.max(this.#spanMs[event.stepId] ?? 0, itemMs);
  }

  stepFinished(event: StepFinishedEvent): void {
    this.#steps[event.stepId] = event.result;
  }

  /** Most processes running at once so far. */
  notePeak(running: number): void {
    this.#peak = Math.max(this.#peak, running);
  }

  /** The report as it stands; final once the run finished. */
  build(status: RunStatus, finishedAt: string | null): RunReport {
    const started = this.#started;
    if (!started) throw new Error('ReportBuilder.build() called before run.started');
    const startMs = Date.parse(started.timestamp);
    const makespanMs = finishedAt ? Math.max(0, Date.parse(finishedAt) - startMs) : Math.max(0, Date.now() - startMs);
    const figures = computeSpeedup(this.graph, this.#busyMs, makespanMs, this.#spanMs);
    return {
      runId: started.runId,
      workflow: started.workflow,
      status,
      maxParallel: started.maxParallel,
      startedAt: started.timestamp,
      finishedAt,
      makespanMs,
      sequentialMs: figures.sequentialMs,
      speedup: figures.speedup,
      idealSpeedup: figures.idealSpeedup,
      peakParallelism: this.#peak,
      criticalPath: figures.criticalPath,
      retryOf: this.retryOf,
      steps: { ...this.#steps },
    };
  }
}
