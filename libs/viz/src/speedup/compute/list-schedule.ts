/** A step to replay: its dependencies and the durations of its processes. */
export interface ScheduleTask {
  readonly id: string;
  readonly needs: readonly string[];
  /**
   * One duration per process: one for a plain step, one per item for a `foreach` step, none for a
   * step that did not run (skipped, reused): it completes as soon as it is ready.
   */
  readonly durations: readonly number[];
}

export interface ScheduleResult {
  readonly makespanMs: number;
  /** Most processes running at once. */
  readonly peak: number;
  /** When each task's first process started and its last ended (ms from 0). */
  readonly startMs: Readonly<Record<string, number>>;
  readonly endMs: Readonly<Record<string, number>>;
}

/**
 * Longest remaining path from each task to a leaf (its own longest process plus the heaviest chain
 * of successors): the list schedule's priority.
 */
export function remainingPath(tasks: readonly ScheduleTask[]): Map<string, number> {
  const byId = new Map(tasks.map((t) => [t.id, t]));
  const succs = new Map<string, string[]>(tasks.map((t) => [t.id, []]));
  for (const t of tasks) for (const d of t.needs) succs.get(d)?.push(t.id);
  const memo = new Map<string, number>();
  const visiting = new Set<string>();
  const visit = (id: string): number => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0; // a cycle: never valid input, but do not recurse forever
    visiting.add(id);
    const own = Math.max(0, ...(byId.get(id)?.durations ?? []));
    const rest = Math.max(0, ...(succs.get(id) ?? []).map(visit));
    visiting.delete(id);
    memo.set(id, own + rest);
    return own + rest;
  };
  for (const t of tasks) visit(t.id);
  return memo;
}

/**
 * Replays a list schedule with `maxParallel` slots: whenever a slot is free, the ready process whose
 * task has the longest remaining path starts (ties keep declaration order, then item order) — the
 * executor's own rule (SPEC 3). A task is ready when all its dependencies completed. Pure and
 * deterministic; dependencies on unknown ids are ignored.
 */
export function simulateListSchedule(tasks: readonly ScheduleTask[], maxParallel: number): ScheduleResult {
  const slots = Math.max(1, Math.floor(maxParallel));
  const known = new Set(tasks.map((t) => t.id));
  const rank = new Map(tasks.map((t, i) => [t.id, i]));
  const priority = remainingPath(tasks);
  const waitingOn = new Map(tasks.map((t) => [t.id, new Set(t.needs.filter((d) => known.has(d) && d !== t.id))]));
  const succs = new Map<string, string[]>(tasks.map((t) => [t.id, []]));
  for (const t of tasks) for (const d of waitingOn.get(t.id)!) succs.get(d)!.push(t.id);
  const left = new Map(tasks.map((t) => [t.id, t.durations.length]));
  const startMs: Record<string, number> = {};
  const endMs: Record<string, number> = {};
  const ready: { id: string; item: number; duration: number }[] = [];
  const running: { id: string; end: number }[] = [];
  let now = 0;
  let peak = 0;
  let done = 0;

  const complete = (id: string) => {
    endMs[id] = now;
    startMs[id] ??= now;
    done++;
    for (const s of succs.get(id)!) {
      const w = waitingOn.get(s)!;
      w.delete(id);
      if (w.size === 0) release(s);
    }
  };
  const release = (id: string) => {
    const task = tasks[rank.get(id)!]!;
    if (task.durations.length === 0) return complete(id);
    task.durations.forEach((duration, item) => ready.push({ id, item, duration: Math.max(0, duration) }));
  };

  for (const t of tasks) if (waitingOn.get(t.id)!.size === 0) release(t.id);
  while (done < tasks.length) {
    ready.sort(
      (a, b) =>
        priority.get(b.id)! - priority.get(a.id)! || rank.get(a.id)! - rank.get(b.id)! || a.item - b.item,
    );
    while (running.length < slots && ready.length > 0) {
      const p = ready.shift()!;
      startMs[p.id] ??= now;
      running.push({ id: p.id, end: now + p.duration });
    }
    peak = Math.max(peak, running.length);
    if (running.length === 0) break; // only tasks on a cycle are left
    now = Math.min(...running.map((r) => r.end));
    for (let i = running.length - 1; i >= 0; i--) {
      const r = running[i]!;
      if (r.end > now) continue;
      running.splice(i, 1);
      const n = left.get(r.id)! - 1;
      left.set(r.id, n);
      if (n === 0) complete(r.id);
    }
  }
  return { makespanMs: now, peak, startMs, endMs };
}
