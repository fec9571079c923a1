import type { AttemptJob } from '../coordinator/coordinator.effects';
import { folderOutside, resolvedPathProblem } from '../spec/validate-step';
import type { StepOutcome, StepRunContext, StepTypeRegistry } from '../step-type/step-type';
import type { AttemptIO, ProcessSlots, StepDispatcher } from './parallel-executor.types';
import { killOrphanedStepProcesses } from './process-orphans';
import { warmUpProcessStarter } from './process-starter';

/** What the local dispatcher runs attempts with. */
export interface LocalDispatcherOptions {
  /** Where each job's `type` is looked up. */
  readonly stepTypes: StepTypeRegistry;
  /** A slot pool shared with other runs (a server-wide cap): one slot per step process. */
  readonly processSlots?: ProcessSlots;
  /**
   * A folder each job's `workdir` must still lie in, links followed, when the attempt starts (a
   * server's workspace): a folder swapped for a link after the workflow was stored runs nothing.
   */
  readonly confineTo?: string;
}

/**
 * Runs each attempt right here: the step type spawns its child process from this process. What only
 * makes sense on this machine lives here: the process slots, the path checks against this file
 * system, and finding the step processes a dead server left behind.
 *
 * 1. Wait for a process slot (a cancel while waiting ends the attempt `cancelled`, never started).
 * 2. Tell the run it started, then check the paths it would use (`spawn_error` if one escapes).
 * 3. Run it through its step type; the slot is freed right after the attempt's end is taken.
 */
export class LocalDispatcher implements StepDispatcher {
  constructor(private readonly options: LocalDispatcherOptions) {
    // Step processes start from the process starter: have it ready before the first one.
    warmUpProcessStarter();
  }

  async dispatch(job: AttemptJob, io: AttemptIO): Promise<StepOutcome> {
    const { signal } = io;
    const handler = this.options.stepTypes.get(job.type);
    if (!handler) return { ok: false, reason: 'error', message: `step type '${job.type}' is not registered here` };
    let release: (() => void) | undefined;
    let started = false;
    try {
      if (this.options.processSlots) release = await this.options.processSlots.acquire(signal);
      if (signal.aborted) return { ok: false, reason: 'cancelled', message: 'cancelled before it started' };
      io.started();
      started = true;
      const context: StepRunContext<Record<string, unknown>> = {
        runId: job.runId,
        stepId: job.stepId,
        attempt: job.attempt,
        item: job.item === null ? undefined : { value: job.item.value, index: job.item.index },
        config: job.config,
        inputs: job.inputs,
        env: job.env,
        workdir: job.workdir,
        signal,
        limits: job.limits,
        ...(job.resourceLimits ? { resourceLimits: job.resourceLimits } : {}),
        log: io.log,
      };
      // A path given as a reference was only checked once resolved: it must still stay inside the folder.
      const pathProblem =
        (this.options.confineTo === undefined ? undefined : folderOutside(job.workdir, this.options.confineTo)) ??
        resolvedPathProblem(job.config, handler, job.workdir);
      if (pathProblem) return { ok: false, reason: 'spawn_error', message: `not started: ${pathProblem}` };
      if (signal.aborted) return { ok: false, reason: 'cancelled', message: 'cancelled before it started' };
      return await handler.run(context);
    } catch (error) {
      if (signal.aborted) {
        return { ok: false, reason: 'cancelled', message: started ? 'cancelled' : 'cancelled while waiting for a process slot' };
      }
      return { ok: false, reason: 'error', message: `step type '${job.type}' threw: ${(error as Error)?.message ?? String(error)}` };
    } finally {
      // The slot is freed once the run has taken the attempt's end (the caller's continuation runs
      // in this turn's microtasks): an attempt waiting for it starts after this one finished.
      if (release) setImmediate(release);
    }
  }

  /**
   * Kills (SIGKILL) the step processes of `runIds` that a dead process left running on this
   * machine, found by their `WEFT_RUN_ID`, before those runs are resumed or closed. Returns the pids.
   */
  static reclaim(runIds: Iterable<string>): number[] {
    return killOrphanedStepProcesses(runIds);
  }
}
