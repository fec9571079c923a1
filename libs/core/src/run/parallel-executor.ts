import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DependencyGraphAnalyzer, type WorkflowAnalysis } from '../graph/dependency-graph-analyzer';
import { ReportBuilder } from '../report/report-builder.life-cycle';
import type { ItemReport, RunReport, RunStatus, StepReason, StepReport, StepStatus } from '../report/run-report.types';
import { StepSchedule, type WorkUnit } from '../schedule/step-schedule';
import { evaluateCondition } from '../spec/expression/evaluate-condition';
import { resolveValue, type ReferenceScope } from '../spec/references';
import { folderOutside, resolvedPathProblem } from '../spec/validate-step';
import type { StepDefinition, StepId, Workflow } from '../spec/workflow.types';
import { StepTypeNotFoundError } from '../errors/step-type-not-found.error';
import {
  DEFAULT_STEP_LIMITS,
  type FailureReason,
  type StepLimits,
  type StepOutcome,
  type StepRunContext,
  type StepTypeHandler,
} from '../step-type/step-type';
import { CompositeLifeCycle } from './composite.life-cycle';
import type { ExecutionEvent, ExecutionLifeCycle } from './execution-events';
import { localDispatcher } from './local.dispatcher';
import type { ExecuteOptions } from './parallel-executor.types';
import { ProcessLogBuffer } from './process-log-buffer';
import { resolveConfig, stepHash } from './step-hash';

/** Wall-clock milliseconds from a monotonic source, so durations never go negative. */
const now = (): number => performance.timeOrigin + performance.now();
const iso = (ms: number): string => new Date(ms).toISOString();

/** Why an attempt's signal was aborted. */
type AbortCause = 'timeout' | 'cancelled';

interface UnitState {
  readonly index: number | null;
  readonly value: unknown;
  status: StepStatus;
  attempts: number;
  startedAt: number | null;
  finishedAt: number | null;
  exitCode: number | null;
  signal: string | null;
  outputs: Record<string, unknown> | null;
  reason: FailureReason | null;
  message: string | null;
}

interface StepState {
  readonly def: StepDefinition;
  /** Its number in the indexed graph. */
  readonly num: number;
  readonly handler: StepTypeHandler<any>;
  status: StepStatus;
  /** Set once its dependencies were all terminal and it was decided on: a step is examined once. */
  examined: boolean;
  remainingDeps: number;
  units: UnitState[];
  /** Units not yet final. */
  open: number;
  hash: string | null;
  startedAt: number | null;
  lane: number | null;
  readonly log: ProcessLogBuffer;
}

/**
 * Runs a workflow: every step whose dependencies are done starts at once, up to `maxParallel`,
 * highest remaining critical path first.
 *
 * 1. Analyse the graph (cycles are rejected) and queue the roots.
 * 2. When a step's dependencies are all terminal, decide: skip (condition false, upstream failed or
 *    skipped), reuse (retry from failure), or queue its work units (one per `foreach` item).
 * 3. Pump: while the schedule yields a unit that fits the limits, start it without waiting.
 * 4. When a unit ends, free its slot (in `finally`), retry it after a backoff or settle it; when a
 *    step's last unit settles, the step finishes and its dependents are examined (step 2), then pump.
 * 5. Cancellation (the `signal`, or `failFast`) aborts running attempts, drops queued units and ends
 *    every unfinished step `cancelled`. The run resolves when every step is terminal.
 */
export class ParallelExecutor {
  readonly #options: ExecuteOptions;
  readonly #workflow: Workflow;
  readonly #runId: string;
  readonly #maxParallel: number;
  readonly #limits: StepLimits;
  readonly #analysis: WorkflowAnalysis;
  readonly #states = new Map<StepId, StepState>();
  readonly #schedule: StepSchedule;
  readonly #events: CompositeLifeCycle;
  readonly #report: ReportBuilder;
  readonly #attempts = new Set<AbortController>();
  readonly #retryTimers = new Set<{ timer: NodeJS.Timeout; unit: WorkUnit }>();
  #runStatus: RunStatus = 'running';
  #cancelledBy: 'user' | 'failFast' | null = null;
  #processes = 0;
  #finishedSteps = 0;
  #done!: () => void;

  constructor(options: ExecuteOptions) {
    this.#options = options;
    this.#workflow = options.workflow;
    this.#runId = options.runId ?? randomUUID();
    const maxParallel = options.maxParallel ?? options.workflow.maxParallel;
    if (!Number.isInteger(maxParallel) || maxParallel < 1 || maxParallel > 8) {
      throw new RangeError(`maxParallel must be an integer from 1 to 8, got ${String(maxParallel)}`);
    }
    this.#maxParallel = maxParallel;
    this.#limits = { ...DEFAULT_STEP_LIMITS, ...options.limits };
    this.#analysis = new DependencyGraphAnalyzer().analyze(options.workflow, options.estimates);
    const pools: Record<string, number> = {};
    for (const [name, limit] of Object.entries(options.workflow.pools)) pools[name] = Math.min(limit, maxParallel);
    this.#schedule = new StepSchedule({ maxParallel, pools });
    const { depStart } = this.#analysis.indexed;
    options.workflow.steps.forEach((def, num) => {
      const handler = options.stepTypes.get(def.type);
      if (!handler) throw new StepTypeNotFoundError(def.type, options.stepTypes.names());
      this.#states.set(def.id, {
        def,
        num,
        handler,
        status: 'pending',
        examined: false,
        remainingDeps: depStart[num + 1] - depStart[num],
        units: [],
        open: 0,
        hash: null,
        startedAt: null,
        lane: null,
        log: new ProcessLogBuffer(this.#limits.maxLogBytes),
      });
    });
    this.#report = new ReportBuilder(this.#analysis.indexed, options.retryOf ?? null);
    const observers = options.lifecycle ? ([] as ExecutionLifeCycle[]).concat(options.lifecycle) : [];
    this.#events = new CompositeLifeCycle([this.#report, ...observers]);
  }

  /** The run's id. */
  get runId(): string {
    return this.#runId;
  }

  /** Runs the workflow to the end and returns its report. Never rejects for a step's failure. */
  async execute(): Promise<RunReport> {
    const finished = new Promise<void>((resolve) => (this.#done = resolve));
    const onAbort = () => this.#cancelAll('user');
    this.#options.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      this.#emit({
        type: 'run.started',
        runId: this.#runId,
        timestamp: iso(now()),
        running: 0,
        workflow: this.#workflow.name,
        maxParallel: this.#maxParallel,
        plan: this.#analysis.plan,
        steps: this.#workflow.steps.map((s, num) => ({ id: s.id, type: s.type, needs: this.#dependencies(num) })),
      });
      if (this.#options.signal?.aborted) this.#cancelAll('user');
      for (const state of [...this.#states.values()]) if (state.remainingDeps === 0) this.#examine(state.def.id);
      this.#pump();
      if (this.#finishedSteps === this.#states.size) this.#done();
      await finished;
    } finally {
      this.#options.signal?.removeEventListener('abort', onAbort);
    }
    const status: RunStatus =
      this.#cancelledBy === 'user' ? 'cancelled' : this.#anyFailure() ? 'failed' : 'succeeded';
    this.#runStatus = status;
    const report = this.#report.build(status, iso(now()));
    this.#emit({ type: 'run.finished', runId: this.#runId, timestamp: report.finishedAt!, running: 0, status, report });
    return report;
  }

  // Phase 2: a step whose dependencies are all terminal.
  #examine(id: StepId): void {
    const state = this.#states.get(id)!;
    if (state.status !== 'pending' || state.examined) return;
    state.examined = true;
    if (this.#cancelledBy) return this.#finishUnstarted(state, 'cancelled', 'cancelled', 'the run was cancelled');
    const def = state.def;
    const deps = this.#dependencies(state.num);
    const scope = this.#scope();
    if (def.if) {
      let pass: boolean;
      try {
        pass = evaluateCondition(def.if, scope);
      } catch (error) {
        return this.#finishUnstarted(state, 'failed', 'condition_error', `if: ${(error as Error).message}`);
      }
      if (!pass) return this.#finishUnstarted(state, 'skipped', 'condition_false', `condition is false: ${def.if.source}`);
    } else {
      const blocked = deps.map((d) => this.#states.get(d)!).filter((d) => !this.#satisfies(d));
      if (blocked.length) {
        const failed = blocked.find((d) => d.status === 'failed' || d.status === 'cancelled');
        return failed
          ? this.#finishUnstarted(state, 'skipped', 'upstream_failed', `'${failed.def.id}' ${failed.status}`)
          : this.#finishUnstarted(state, 'skipped', 'upstream_skipped', `'${blocked[0].def.id}' was skipped`);
      }
    }
    let items: unknown[] | null = null;
    if (def.foreach !== undefined) {
      const value = resolveValue(def.foreach, scope);
      if (!Array.isArray(value)) {
        const got = value === null ? 'null' : Array.isArray(value) ? 'array' : typeof value;
        return this.#finishUnstarted(state, 'failed', 'invalid_foreach', `foreach must resolve to an array, got ${got}`);
      }
      items = value;
    }
    state.hash = stepHash(def, state.handler, this.#workflow, scope, items, this.#fileHashes);
    const previous = this.#options.reuse?.[id];
    if (previous && previous.hash === state.hash) {
      state.status = 'succeeded';
      return this.#finishStep(state, previous.outputs, true);
    }
    const priority = this.#analysis.priority[state.num];
    const make = (index: number | null, value: unknown): UnitState => ({
      index,
      value,
      status: 'pending',
      attempts: 0,
      startedAt: null,
      finishedAt: null,
      exitCode: null,
      signal: null,
      outputs: null,
      reason: null,
      message: null,
    });
    state.units = items ? items.map((value, index) => make(index, value)) : [make(null, undefined)];
    state.open = state.units.length;
    if (state.open === 0) {
      state.status = 'succeeded';
      return this.#finishStep(state, [], false);
    }
    for (const unit of state.units) {
      this.#schedule.enqueue({ stepId: id, item: unit.index, attempt: 1, pool: def.pool, priority, order: def.index });
    }
  }

  /** A dependency lets its dependents run when it succeeded, or failed under `continueOnError`. */
  #satisfies(dep: StepState): boolean {
    return dep.status === 'succeeded' || (dep.status === 'failed' && dep.def.continueOnError);
  }

  // Phase 3: start every unit the limits allow.
  #pump(): void {
    if (this.#cancelledBy) return;
    for (let next = this.#schedule.next(); next; next = this.#schedule.next()) {
      void this.#runUnit(next.unit, next.lane);
    }
  }

  // Phase 4: one attempt of one unit.
  async #runUnit(unit: WorkUnit, lane: number): Promise<void> {
    const state = this.#states.get(unit.stepId)!;
    const item = state.units[unit.item ?? 0];
    const controller = new AbortController();
    let cause: AbortCause | null = null;
    const abort = (why: AbortCause) => {
      if (!controller.signal.aborted) {
        cause = why;
        controller.abort(why);
      }
    };
    this.#attempts.add(controller);
    let release: (() => void) | undefined;
    let timer: NodeJS.Timeout | undefined;
    let outcome: StepOutcome;
    let startedAt = now();
    let started = false;
    try {
      if (this.#options.processSlots) release = await this.#options.processSlots.acquire(controller.signal);
      if (this.#cancelledBy) abort('cancelled');
      startedAt = now();
      started = true;
      this.#processes++;
      this.#report.notePeak(this.#processes);
      item.status = 'running';
      item.attempts = unit.attempt;
      item.startedAt ??= startedAt;
      if (state.startedAt === null) {
        state.startedAt = startedAt;
        state.lane = lane;
        state.status = 'running';
        this.#emit({ type: 'step.started', runId: this.#runId, timestamp: iso(startedAt), running: this.#processes, stepId: unit.stepId, lane });
      }
      this.#emit({
        type: 'attempt.started',
        runId: this.#runId,
        timestamp: iso(startedAt),
        running: this.#processes,
        stepId: unit.stepId,
        attempt: unit.attempt,
        item: unit.item,
        lane,
      });
      if (state.def.timeoutMs !== undefined) timer = setTimeout(() => abort('timeout'), state.def.timeoutMs);
      outcome = controller.signal.aborted
        ? { ok: false, reason: 'cancelled', message: 'cancelled before it started' }
        : await this.#dispatch(state, item, unit, controller.signal);
    } catch (error) {
      outcome = controller.signal.aborted
        ? { ok: false, reason: 'cancelled', message: 'cancelled while waiting for a process slot' }
        : { ok: false, reason: 'error', message: `step type '${state.def.type}' threw: ${(error as Error)?.message ?? String(error)}` };
    } finally {
      clearTimeout(timer);
      this.#attempts.delete(controller);
      release?.();
      if (started) this.#processes--;
      this.#schedule.release(unit, lane);
    }
    if (cause === 'timeout' && !outcome.ok) {
      outcome = { ...outcome, reason: 'timeout', message: `timed out after ${state.def.timeoutMs} ms` };
    } else if (cause === 'cancelled' && !outcome.ok) {
      outcome = { ...outcome, reason: 'cancelled', message: outcome.message ?? 'cancelled' };
    }
    this.#settleAttempt(state, item, unit, lane, started ? startedAt : null, outcome);
    this.#pump();
  }

  async #dispatch(state: StepState, item: UnitState, unit: WorkUnit, signal: AbortSignal): Promise<StepOutcome> {
    const def = state.def;
    const scope = this.#scope(item.index === null ? undefined : { item: item.value, index: item.index });
    const env: Record<string, string> = { ...this.#workflow.env };
    for (const [key, value] of Object.entries(resolveValue(def.env, scope) as Record<string, unknown>)) {
      env[key] = typeof value === 'string' ? value : value === null || value === undefined ? '' : JSON.stringify(value);
    }
    const header = state.units.length > 1 || unit.attempt > 1 ? this.#logHeader(unit) : '';
    if (header) state.log.write(header);
    const context: StepRunContext<Record<string, unknown>> = {
      runId: this.#runId,
      stepId: def.id,
      attempt: unit.attempt,
      item: item.index === null ? undefined : { value: item.value, index: item.index },
      config: resolveConfig(def.config, state.handler, scope),
      inputs: resolveValue(def.inputs, scope) as Record<string, unknown>,
      env,
      workdir: this.#workflow.rootDir,
      signal,
      limits: this.#limits,
      ...(def.resourceLimits ? { resourceLimits: def.resourceLimits } : {}),
      log: (chunk: string) => {
        streamed.write(chunk);
        this.#emit({ type: 'step.log', runId: this.#runId, timestamp: iso(now()), running: this.#processes, stepId: def.id, item: item.index, chunk });
      },
    };
    // What a step type streams is its log unless it returns one (the process runner returns both).
    const streamed = new ProcessLogBuffer(this.#limits.maxLogBytes);
    // A path given as a reference was only checked once resolved: it must still stay inside the folder.
    const pathProblem =
      (this.#options.confineTo === undefined ? undefined : folderOutside(this.#workflow.rootDir, this.#options.confineTo)) ??
      resolvedPathProblem(context.config, state.handler, this.#workflow.rootDir);
    if (pathProblem) return { ok: false, reason: 'spawn_error', message: `not started: ${pathProblem}` };
    const outcome = await (this.#options.dispatcher ?? localDispatcher).dispatch(state.handler, context);
    state.log.write(outcome.log ?? streamed.toString());
    return outcome;
  }

  #logHeader(unit: WorkUnit): string {
    const parts = [unit.item !== null ? `item ${unit.item}` : '', `attempt ${unit.attempt}`].filter(Boolean);
    return `--- weft: ${parts.join(', ')} ---\n`;
  }

  #settleAttempt(
    state: StepState,
    item: UnitState,
    unit: WorkUnit,
    lane: number,
    startedAt: number | null,
    outcome: StepOutcome,
  ): void {
    const finishedAt = now();
    const retryable = !outcome.ok && outcome.reason !== 'cancelled' && !this.#cancelledBy && unit.attempt <= state.def.retries;
    const retryInMs = retryable ? state.def.retryDelayMs * 2 ** (unit.attempt - 1) : null;
    // An attempt that never got a process (cancelled while waiting for a slot) has no attempt events.
    if (startedAt !== null) this.#emit({
      type: 'attempt.finished',
      runId: this.#runId,
      timestamp: iso(finishedAt),
      running: this.#processes,
      stepId: unit.stepId,
      attempt: unit.attempt,
      item: unit.item,
      lane,
      startedAt: iso(startedAt),
      durationMs: Math.round(finishedAt - startedAt),
      ok: outcome.ok,
      exitCode: outcome.exitCode ?? null,
      signal: outcome.signal ?? null,
      reason: outcome.ok ? null : (outcome.reason ?? 'error'),
      message: outcome.ok ? null : (outcome.message ?? null),
      willRetry: retryable,
      retryInMs,
    });
    item.exitCode = outcome.exitCode ?? null;
    item.signal = outcome.signal ?? null;
    if (retryable) {
      item.status = 'pending';
      const next: WorkUnit = { ...unit, attempt: unit.attempt + 1 };
      const entry = {
        unit: next,
        timer: setTimeout(() => {
          this.#retryTimers.delete(entry);
          this.#schedule.enqueue(next);
          this.#pump();
        }, retryInMs!),
      };
      this.#retryTimers.add(entry);
      return;
    }
    item.finishedAt = finishedAt;
    if (outcome.ok) {
      item.status = 'succeeded';
      item.outputs = outcome.outputs ?? {};
    } else {
      item.status = outcome.reason === 'cancelled' ? 'cancelled' : 'failed';
      item.reason = outcome.reason ?? 'error';
      item.message = outcome.message ?? null;
    }
    this.#settleUnit(state);
  }

  #settleUnit(state: StepState): void {
    if (--state.open > 0) return;
    const units = state.units;
    const failed = units.find((u) => u.status === 'failed');
    const cancelled = units.find((u) => u.status === 'cancelled');
    state.status = failed ? 'failed' : cancelled ? 'cancelled' : 'succeeded';
    const outputs = state.def.foreach !== undefined ? units.map((u) => u.outputs) : (units[0].outputs ?? {});
    this.#finishStep(state, outputs, false);
  }

  /** Ends a step that never got a process. */
  #finishUnstarted(state: StepState, status: StepStatus, reason: StepReason, message: string): void {
    state.status = status;
    this.#finishStep(state, status === 'failed' ? {} : null, false, reason, message);
  }

  #finishStep(state: StepState, outputs: unknown, reused: boolean, reason?: StepReason, message?: string): void {
    const finishedAt = now();
    const units = state.units;
    const decisive =
      units.find((u) => u.status === 'failed') ?? units.find((u) => u.status === 'cancelled') ?? units[units.length - 1];
    const attempts = units.reduce((most, u) => Math.max(most, u.attempts), 0);
    const started = state.startedAt;
    const result: StepReport = {
      status: state.status,
      startedAt: started === null ? null : iso(started),
      finishedAt: iso(finishedAt),
      durationMs: started === null ? null : Math.round(finishedAt - started),
      exitCode: decisive?.exitCode ?? null,
      signal: decisive?.signal ?? null,
      attempts,
      outputs,
      reason: reason ?? decisive?.reason ?? null,
      message: message ?? decisive?.message ?? null,
      lane: state.lane,
      reused,
      ...(state.def.foreach !== undefined ? { items: units.map(itemReport) } : {}),
    };
    this.#stepOutputs.set(state.def.id, outputs);
    this.#finishedSteps++;
    this.#emit({
      type: 'step.finished',
      runId: this.#runId,
      timestamp: iso(finishedAt),
      running: this.#processes,
      stepId: state.def.id,
      result,
      log: state.log.toString(),
      hash: state.hash,
    });
    if (state.status === 'failed' && !state.def.continueOnError && this.#workflow.failFast) this.#cancelAll('failFast');
    const { outStart, outs, ids } = this.#analysis.indexed;
    for (let k = outStart[state.num]; k < outStart[state.num + 1]; k++) {
      const next = this.#states.get(ids[outs[k]])!;
      if (--next.remainingDeps === 0) this.#examine(next.def.id);
    }
    if (this.#finishedSteps === this.#states.size) this.#done();
  }

  readonly #stepOutputs = new Map<StepId, unknown>();
  readonly #fileHashes = new Map<string, string>();

  /** Ids of step `num`'s dependencies. */
  #dependencies(num: number): StepId[] {
    const { depStart, deps, ids } = this.#analysis.indexed;
    const list: StepId[] = [];
    for (let k = depStart[num]; k < depStart[num + 1]; k++) list.push(ids[deps[k]]);
    return list;
  }

  #scope(item?: { item: unknown; index: number }): ReferenceScope {
    return {
      step: (id: StepId) => {
        const state = this.#states.get(id);
        if (!state) return undefined;
        return { status: state.status, outputs: this.#stepOutputs.get(id) ?? {} };
      },
      ...(item ?? {}),
    };
  }

  // Phase 5: cancel (user) or failFast.
  #cancelAll(by: 'user' | 'failFast'): void {
    if (this.#cancelledBy || this.#runStatus !== 'running') return;
    this.#cancelledBy = by;
    for (const controller of this.#attempts) controller.abort('cancelled');
    const dropped = this.#schedule.clear();
    for (const entry of this.#retryTimers) {
      clearTimeout(entry.timer);
      dropped.push(entry.unit);
    }
    this.#retryTimers.clear();
    for (const unit of dropped) {
      const state = this.#states.get(unit.stepId)!;
      const item = state.units[unit.item ?? 0];
      item.status = 'cancelled';
      item.reason = 'cancelled';
      item.message = by === 'failFast' ? 'cancelled by failFast' : 'the run was cancelled';
      item.finishedAt = now();
      this.#settleUnit(state);
    }
    // Steps still waiting for dependencies end now; running ones end when their process does.
    for (const state of this.#states.values()) {
      if (state.status === 'pending' && state.units.length === 0) {
        this.#finishUnstarted(
          state,
          'cancelled',
          'cancelled',
          by === 'failFast' ? 'cancelled by failFast' : 'the run was cancelled',
        );
      }
    }
  }

  #anyFailure(): boolean {
    for (const state of this.#states.values()) {
      if (state.status === 'failed' && !state.def.continueOnError) return true;
      if (state.status === 'cancelled' && this.#cancelledBy === 'failFast') return true;
    }
    return false;
  }

  #emit(event: ExecutionEvent): void {
    this.#events.emit(event);
  }
}

function itemReport(unit: UnitState): ItemReport {
  return {
    index: unit.index ?? 0,
    status: unit.status,
    startedAt: unit.startedAt === null ? null : iso(unit.startedAt),
    finishedAt: unit.finishedAt === null ? null : iso(unit.finishedAt),
    durationMs: unit.startedAt === null || unit.finishedAt === null ? null : Math.round(unit.finishedAt - unit.startedAt),
    exitCode: unit.exitCode,
    signal: unit.signal,
    attempts: unit.attempts,
    outputs: unit.outputs,
    reason: unit.reason,
  };
}

/** Runs a workflow and resolves with its report (see {@link ParallelExecutor}). */
export function executeWorkflow(options: ExecuteOptions): Promise<RunReport> {
  return new ParallelExecutor(options).execute();
}
