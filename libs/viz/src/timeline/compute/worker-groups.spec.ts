import { groupByWorker } from './worker-groups';
import { computeTimeline } from './timeline-layout';
import { reduceAll } from '../../state/reduce-run-events';
import { seedDemoFinished, seedDemoOnWorkersFinished, wideFanOutOnWorkersFinished, wideFanOutOnWorkersRun } from '../../fixtures';

/** A process of step `key` on `worker` from `start` to `end` ms. */
const proc = (key: string, worker: string | null, start: number, end: number) => ({ key, worker, start, end });

const rows = (groups: ReturnType<typeof groupByWorker<ReturnType<typeof proc>>>) =>
  Object.fromEntries(groups.map((g) => [g.label, Object.fromEntries(g.items.map((p) => [p.key, p.row]))]));

describe('groupByWorker', () => {
  it('puts each worker’s processes in its own group', () => {
    const groups = groupByWorker([proc('a', 'w1', 0, 100), proc('b', 'w2', 10, 50), proc('c', 'w1', 100, 200)]);
    expect(groups.map((g) => [g.label, g.items.map((p) => p.key)])).toEqual([
      ['w1', ['a', 'c']],
      ['w2', ['b']],
    ]);
  });

  it('stacks the overlapping processes of one worker in two sub-lanes, and reuses a sub-lane once it is free', () => {
    const [w1] = groupByWorker([proc('a', 'w1', 0, 100), proc('b', 'w1', 50, 150), proc('c', 'w1', 100, 120)]);
    expect(w1!.laneCount).toBe(2);
    expect(rows([w1!])).toEqual({ w1: { a: 0, b: 1, c: 0 } });
  });

  it('names the processes the server ran itself `server`', () => {
    const groups = groupByWorker([proc('a', null, 0, 10), proc('b', 'w1', 5, 10)]);
    expect(groups.map((g) => [g.worker, g.label])).toEqual([
      [null, 'server'],
      ['w1', 'w1'],
    ]);
  });

  it('orders groups by their first start, then by name, whatever order the processes come in', () => {
    const procs = [proc('late', 'a-worker', 300, 400), proc('first', 'z-worker', 0, 100), proc('tie', 'm-worker', 300, 310)];
    expect(groupByWorker(procs).map((g) => g.label)).toEqual(['z-worker', 'a-worker', 'm-worker']);
    expect(groupByWorker([...procs].reverse()).map((g) => g.label)).toEqual(['z-worker', 'a-worker', 'm-worker']);
  });

  it('keeps the groups drawn so far in place as a live run adds processes', () => {
    const early = groupByWorker([proc('a', 'w2', 0, 100), proc('b', 'w1', 20, 100)]);
    const later = groupByWorker([proc('a', 'w2', 0, 100), proc('b', 'w1', 20, 100), proc('c', 'w0', 150, 200)]);
    expect(later.map((g) => g.label).slice(0, early.length)).toEqual(early.map((g) => g.label));
  });

  it('returns no group for no process', () => {
    expect(groupByWorker([])).toEqual([]);
  });
});

describe('computeTimeline grouped by worker', () => {
  const t = computeTimeline(wideFanOutOnWorkersFinished.state, wideFanOutOnWorkersFinished.now, { width: 1200, groupBy: 'worker' });

  it('draws one band per worker, labelled with its id, in order of first start', () => {
    expect(t.groupBy).toBe('worker');
    expect(t.groups.map((g) => g.title)).toEqual(['build-1:4242', 'build-2:5117', 'gpu-a:913']);
    expect(t.groups.reduce((n, g) => n + g.processCount, 0)).toBe(t.bars.length);
    expect(t.lanes).toHaveLength(t.groups.reduce((n, g) => n + g.laneCount, 0));
    expect(t.lanes.every((l) => l.label === '')).toBe(true);
  });

  it('keeps every bar inside its worker’s band and never overlaps two bars in one sub-lane', () => {
    const byRow = new Map<number, { x: number; w: number }[]>();
    for (const b of t.bars) {
      const g = t.groups[b.group!]!;
      expect(b.worker).toBe(g.worker);
      expect(b.y).toBeGreaterThanOrEqual(g.y);
      expect(b.y + b.height).toBeLessThanOrEqual(g.y + g.height);
      (byRow.get(b.y) ?? byRow.set(b.y, []).get(b.y)!).push({ x: b.x, w: b.width });
    }
    for (const bars of byRow.values()) {
      bars.sort((a, b) => a.x - b.x);
      for (let i = 1; i < bars.length; i++) expect(bars[i]!.x).toBeGreaterThanOrEqual(bars[i - 1]!.x + bars[i - 1]!.w - 2.01);
    }
    // Round-robin over 3 workers with 8 slots: some worker runs several attempts at once.
    expect(Math.max(...t.groups.map((g) => g.laneCount))).toBeGreaterThan(1);
  });

  it('separates the bands and puts the axis under the last one', () => {
    for (let i = 1; i < t.groups.length; i++)
      expect(t.groups[i]!.y).toBeGreaterThan(t.groups[i - 1]!.y + t.groups[i - 1]!.height);
    const last = t.groups[t.groups.length - 1]!;
    expect(t.axis.y).toBeGreaterThan(last.y + last.height);
  });

  it('names the worker in each bar’s label, and the server band for local processes', () => {
    expect(t.bars.every((b) => b.ariaLabel.includes(`on worker ${b.worker}`))).toBe(true);
    const mixed = computeTimeline(seedDemoOnWorkersFinished.state, seedDemoOnWorkersFinished.now, { groupBy: 'worker' });
    // The three fetches start together: a tie on first start, broken by name.
    expect(mixed.groups.map((g) => g.title)).toEqual(['build-1:4242', 'gpu-a:913', 'server']);
    expect(mixed.bars.find((b) => b.worker === null)!.ariaLabel).toContain('on the server');
  });

  it('shortens a long worker id to the label column and keeps the full one as its title', () => {
    const g = computeTimeline(wideFanOutOnWorkersFinished.state, wideFanOutOnWorkersFinished.now, { groupBy: 'worker', labelWidth: 60 });
    expect(g.groups[0]!.label).toMatch(/…$/);
    expect(g.groups[0]!.label.length).toBeLessThan('build-1:4242'.length);
    expect(g.groups[0]!.title).toBe('build-1:4242');
  });

  it('keeps one empty lane before anything ran', () => {
    const pending = computeTimeline(reduceAll(wideFanOutOnWorkersRun.events.slice(0, 1)), wideFanOutOnWorkersRun.startMs, {
      groupBy: 'worker',
    });
    expect(pending.groups).toEqual([]);
    expect(pending.axis.y).toBeGreaterThan(20);
  });
});

describe('computeTimeline by slot on workers', () => {
  it('names the worker in a bar’s label only when it ran on one', () => {
    const onWorkers = computeTimeline(wideFanOutOnWorkersFinished.state, wideFanOutOnWorkersFinished.now);
    expect(onWorkers.groups).toEqual([]);
    expect(onWorkers.bars[0]!.ariaLabel).toMatch(/on slot \d, on worker build-1:4242/);
    const local = computeTimeline(seedDemoFinished.state, seedDemoFinished.now);
    expect(local.bars.some((b) => b.ariaLabel.includes('worker') || b.ariaLabel.includes('server'))).toBe(false);
  });
});
