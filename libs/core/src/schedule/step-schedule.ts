import type { StepId } from '../spec/workflow.types';
import { PriorityQueue } from './priority-queue';

/** One unit of work that needs a process slot: a step attempt, or one `foreach` item's attempt. */
export interface WorkUnit {
  readonly stepId: StepId;
  /** `foreach` item index, or null. */
  readonly item: number | null;
  /** Attempt number, 1-based. */
  readonly attempt: number;
  /** Pool it also counts against. */
  readonly pool?: string;
  /** Higher runs first: the step's remaining critical path. */
  readonly priority: number;
  /** Declaration index of the step: breaks priority ties. */
  readonly order: number;
}

/** Limits of one run. */
export interface ScheduleLimits {
  /** Units running at once, from 1 to `MAX_PARALLEL_LIMIT`. */
  readonly maxParallel: number;
  /** Named sub-limits. */
  readonly pools?: Readonly<Record<string, number>>;
}

function byPriority(a: WorkUnit, b: WorkUnit): number {
  return b.priority - a.priority || a.order - b.order || (a.item ?? 0) - (b.item ?? 0);
}

/**
 * Decides what may start next: a ready queue ordered by remaining critical path (ties in declaration
 * order), under `maxParallel` and the pools. It knows nothing of processes; the executor asks it
 * for units and tells it when they end. Each running unit holds a lane (0..maxParallel-1).
 */
export class StepSchedule {
  readonly #ready = new PriorityQueue<WorkUnit>(byPriority);
  readonly #limits: ScheduleLimits;
  readonly #poolRunning = new Map<string, number>();
  readonly #freeLanes: number[];
  #running = 0;
  #peak = 0;

  constructor(limits: ScheduleLimits) {
    if (!Number.isInteger(limits.maxParallel) || limits.maxParallel < 1) {
      throw new TypeError(`Expected maxParallel to be an integer of at least 1, got ${String(limits.maxParallel)}`);
    }
    this.#limits = limits;
    this.#freeLanes = Array.from({ length: limits.maxParallel }, (_, lane) => limits.maxParallel - 1 - lane);
  }

  /** Units holding a slot now. */
  get running(): number {
    return this.#running;
  }

  /** Most units that held a slot at once. */
  get peak(): number {
    return this.#peak;
  }

  /** Units waiting for a slot. */
  get waiting(): number {
    return this.#ready.size;
  }

  /** Queues a unit whose dependencies are all done. */
  enqueue(unit: WorkUnit): void {
    this.#ready.push(unit);
  }

  /**
   * Takes the highest-priority ready unit that fits the limits and gives it a lane, or returns
   * undefined when none fits now. A unit whose pool is full does not block units behind it.
   */
  next(): { unit: WorkUnit; lane: number } | undefined {
    if (this.#running >= this.#limits.maxParallel) return undefined;
    const blocked: WorkUnit[] = [];
    let found: WorkUnit | undefined;
    while (this.#ready.size) {
      const unit = this.#ready.pop()!;
      if (unit.pool !== undefined && !this.#poolHasRoom(unit.pool)) {
        blocked.push(unit);
        continue;
      }
      found = unit;
      break;
    }
    for (const unit of blocked) this.#ready.push(unit);
    if (!found) return undefined;
    this.#running++;
    this.#peak = Math.max(this.#peak, this.#running);
    if (found.pool !== undefined) this.#poolRunning.set(found.pool, (this.#poolRunning.get(found.pool) ?? 0) + 1);
    return { unit: found, lane: this.#freeLanes.pop()! };
  }

  /**
   * Gives a unit that is already running (a resumed run re-attaching to it) its slot back: `lane`
   * when it is free, else the lowest free lane, which it returns. Limits are not checked: it runs.
   */
  hold(unit: WorkUnit, lane: number): number {
    this.#running++;
    this.#peak = Math.max(this.#peak, this.#running);
    if (unit.pool !== undefined) this.#poolRunning.set(unit.pool, (this.#poolRunning.get(unit.pool) ?? 0) + 1);
    const at = this.#freeLanes.indexOf(lane);
    if (at >= 0) return this.#freeLanes.splice(at, 1)[0];
    return this.#freeLanes.pop() ?? lane;
  }

  /** Frees the slot and lane of a unit that ended. */
  release(unit: WorkUnit, lane: number): void {
    this.#running--;
    if (unit.pool !== undefined) this.#poolRunning.set(unit.pool, this.#poolRunning.get(unit.pool)! - 1);
    this.#freeLanes.push(lane);
    this.#freeLanes.sort((a, b) => b - a);
  }

  /** Removes every waiting unit (on cancel) and returns them. */
  clear(): WorkUnit[] {
    return this.#ready.drain();
  }

  #poolHasRoom(pool: string): boolean {
    const limit = this.#limits.pools?.[pool];
    return limit === undefined || (this.#poolRunning.get(pool) ?? 0) < limit;
  }
}
