import { computeGraphLayout, layoutGraph } from './graph/compute/graph-layout';
import { computeTimeline } from './timeline/compute/timeline-layout';
import { computeParallelism } from './parallelism/compute/parallelism';
import { computeSpeedup, estimateWhatIf } from './speedup/compute/speedup';
import { nextSort, sortRuns } from './history/compute/sort-runs';
import { concurrencySteps, packLanes } from './shared/process-intervals';
import { formatDuration, runningText } from './shared/format';
import {
  failuresFinished,
  historyRuns,
  largeFinished,
  seedDemoFinished,
  seedDemoLive,
  seedDemoLiveLate,
  seedDemoPending,
  wideFanOutFinished,
} from './fixtures';

describe('layoutGraph', () => {
  it('lays a DAG out left to right: every edge goes rightwards', () => {
    const g = layoutGraph(['a', 'b', 'c', 'd'], [['a', 'b'], ['a', 'c'], ['b', 'd'], ['c', 'd']]);
    const x = Object.fromEntries(g.nodes.map((n) => [n.id, n.x]));
    expect(x.a!).toBeLessThan(x.b!);
    expect(x.b!).toBeLessThan(x.d!);
    expect(g.edges).toHaveLength(4);
    expect(g.edges[0]!.path).toMatch(/^M/);
    // Three ranks of nodes, the two default rank gaps (60) and the default margins (16).
    expect(g.width).toBe(3 * g.nodeWidth + 2 * 60 + 2 * 16);
  });

  it('draws each edge from the right side of its source into the left side of its target, fan-ins spread', () => {
    const g = layoutGraph(['a', 'b', 'c', 'd'], [['a', 'd'], ['b', 'd'], ['c', 'd']]);
    const d = g.nodes.find((n) => n.id === 'd')!;
    const ends = g.edges.map((e) => {
      const nums = e.path.match(/-?\d+(\.\d+)?/g)!.map(Number);
      const src = g.nodes.find((n) => n.id === e.from)!;
      expect(nums[0]).toBeCloseTo(src.x + g.nodeWidth, 5);
      expect(nums.at(-2)).toBeCloseTo(d.x, 5);
      return nums.at(-1)!;
    });
    expect(new Set(ends).size).toBe(3);
    for (const y of ends) expect(y).toBeGreaterThan(d.y);
    for (const y of ends) expect(y).toBeLessThan(d.y + g.nodeHeight);
  });

  it('handles an empty graph and ignores edges to unknown steps', () => {
    expect(layoutGraph([], []).nodes).toEqual([]);
    expect(layoutGraph(['a'], [['a', 'zz']]).edges).toEqual([]);
  });

  it('lays out 200 steps', () => {
    const g = computeGraphLayout(largeFinished.state, largeFinished.now);
    expect(g.nodes).toHaveLength(200);
    expect(new Set(g.nodes.map((n) => `${n.x},${n.y}`)).size).toBe(200);
  });
});

describe('computeGraphLayout', () => {
  it('colours nodes by status and marks the critical path', () => {
    const g = computeGraphLayout(seedDemoLive.state, seedDemoLive.now);
    expect(g.nodes.filter((n) => n.status === 'running')).toHaveLength(3);
    expect(g.nodes.find((n) => n.id === 'fetch_user_data')!.detail).toBe('running 1.2 s');
    const done = computeGraphLayout(seedDemoFinished.state, seedDemoFinished.now);
    expect(done.nodes.filter((n) => n.critical).map((n) => n.id)).toEqual(seedDemoFinished.state.criticalPath);
    expect(done.edges.filter((e) => e.critical)).toHaveLength(1);
  });

  it('explains skips and failures in a tooltip and the accessible label', () => {
    const g = computeGraphLayout(failuresFinished.state, failuresFinished.now);
    const train = g.nodes.find((n) => n.id === 'train_model')!;
    expect(train.tooltip).toContain('a step it needs failed');
    expect(train.ariaLabel).toContain('skipped');
    expect(g.nodes.find((n) => n.id === 'deploy_canary')!.tooltip).toContain('condition was false');
    expect(g.nodes.find((n) => n.id === 'upload_snapshot')!.detail).toContain('2 attempts');
    expect(g.nodes.find((n) => n.id === 'price_report')!.tooltip).toBeNull();
  });
});

describe('computeTimeline', () => {
  it('draws one lane per slot and one bar per process, inside the plot', () => {
    const t = computeTimeline(seedDemoFinished.state, seedDemoFinished.now, { width: 600 });
    expect(t.lanes).toHaveLength(4);
    expect(t.bars).toHaveLength(4);
    for (const b of t.bars) {
      expect(b.x).toBeGreaterThanOrEqual(t.plotX);
      expect(b.x + b.width).toBeLessThanOrEqual(t.plotX + t.plotWidth + 0.001);
    }
    expect(t.strip.peak).toBe(3);
    expect(t.nowX).toBeNull();
    expect(t.axis.ticks[0]!.label).toBe('0s');
  });

  it('shows a now line and open bars while live', () => {
    const t = computeTimeline(seedDemoLive.state, seedDemoLive.now, { width: 600 });
    expect(t.nowX).toBe(t.plotX + t.plotWidth);
    expect(t.bars.filter((b) => b.status === 'running')).toHaveLength(3);
    expect(t.bars.every((b) => Math.abs(b.x + b.width - t.nowX!) < 1)).toBe(true);
  });

  it('shows retried attempts and foreach items as their own bars', () => {
    const f = computeTimeline(failuresFinished.state, failuresFinished.now);
    expect(f.bars.filter((b) => b.stepId === 'upload_snapshot').map((b) => b.retried)).toEqual([true, false]);
    const w = computeTimeline(wideFanOutFinished.state, wideFanOutFinished.now);
    expect(w.bars.filter((b) => b.stepId === 'score_shards')).toHaveLength(6);
    expect(w.lanes).toHaveLength(8);
  });

  it('never puts two processes in one lane at the same time', () => {
    const t = computeTimeline(largeFinished.state, largeFinished.now, { width: 2000 });
    const byLane = new Map<number, { x: number; w: number }[]>();
    for (const b of t.bars) (byLane.get(b.lane) ?? byLane.set(b.lane, []).get(b.lane)!).push({ x: b.x, w: b.width });
    for (const bars of byLane.values()) {
      bars.sort((a, b) => a.x - b.x);
      for (let i = 1; i < bars.length; i++) expect(bars[i]!.x).toBeGreaterThanOrEqual(bars[i - 1]!.x + bars[i - 1]!.w - 2.01);
    }
  });
});

describe('process intervals', () => {
  it('packs intervals without a lane into the lowest free lane', () => {
    const packed = packLanes([
      { lane: 0, start: 0, end: 10 },
      { lane: null, start: 0, end: 5 },
      { lane: null, start: 6, end: 9 },
      { lane: null, start: 2, end: 4 },
    ]);
    expect(packed.map((p) => [p.start, p.lane])).toEqual([[0, 0], [0, 1], [2, 2], [6, 1]]);
  });

  it('counts processes over time as a step function', () => {
    expect(concurrencySteps([{ start: 0, end: 10 }, { start: 5, end: 10 }], 12)).toEqual([
      { t: 0, running: 1 },
      { t: 5, running: 2 },
      { t: 10, running: 0 },
      { t: 12, running: 0 },
    ]);
  });
});

describe('computeParallelism', () => {
  it('says how many steps run in parallel, with the peak', () => {
    expect(computeParallelism(seedDemoLive.state).headline).toBe('3 steps running in parallel');
    const one = computeParallelism(seedDemoLiveLate.state);
    expect(one.headline).toBe('1 step running');
    expect(one.subline).toBe('peak 3 of 4 slots');
    expect(one.slots.filter((s) => s.busy)).toHaveLength(1);
    expect(computeParallelism(seedDemoPending.state).headline).toBe('No steps running');
    expect(computeParallelism(seedDemoFinished.state).headline).toBe('Ran up to 3 steps in parallel');
  });

  it('words the count', () => {
    expect([0, 1, 2].map(runningText)).toEqual(['No steps running', '1 step running', '2 steps running in parallel']);
  });
});

describe('computeSpeedup', () => {
  it('reports the seed demo as 2.0x faster, 4.0 s vs 8.0 s, efficiency 50% at maxParallel 4', () => {
    const v = computeSpeedup(seedDemoFinished.state, seedDemoFinished.now);
    expect(v.headline).toBe('2.0x faster');
    expect(formatDuration(v.makespanMs)).toBe('4.0 s');
    expect(formatDuration(v.sequentialMs)).toBe('8.0 s');
    expect(v.idealSpeedup).toBe(2);
    expect(v.efficiency).toBe(0.5);
  });

  it('estimates maxParallel 1..8 by replaying the run’s own durations', () => {
    const w = estimateWhatIf(seedDemoFinished.state);
    expect(w.map((e) => e.maxParallel)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(w[0]!.speedup).toBe(1);
    expect(w[1]).toMatchObject({ makespanMs: 5992, speedup: 8003 / 5992 });
    expect(w[3]).toMatchObject({ current: true, makespanMs: 4001, speedup: 8003 / 4001 });
    expect(w.every((e, i) => i === 0 || e.makespanMs <= w[i - 1]!.makespanMs)).toBe(true);
  });

  it('gives a running estimate while live and leaves the what-if for the end', () => {
    const v = computeSpeedup(seedDemoLive.state, seedDemoLive.now);
    expect(v.live).toBe(true);
    expect(v.makespanMs).toBe(1200);
    expect(v.sequentialMs).toBe(3600);
    expect(v.whatIf).toEqual([]);
    expect(v.headline).toBe('3.0x faster so far');
    expect(computeSpeedup(seedDemoPending.state, seedDemoPending.now).headline).toBe('No speedup yet');
  });
});

describe('sortRuns', () => {
  it('sorts by any column, missing values last, ties stable', () => {
    const bySpeed = sortRuns(historyRuns, { key: 'speedup', direction: 'descending' });
    const speeds = bySpeed.map((r) => r.speedup!);
    expect(speeds).toEqual([...speeds].sort((a, b) => b - a));
    const withNull = sortRuns([{ ...historyRuns[0]!, runId: 'n', makespanMs: null }, ...historyRuns], { key: 'makespanMs', direction: 'ascending' });
    expect(withNull[withNull.length - 1]!.runId).toBe('n');
    const newest = sortRuns(historyRuns, { key: 'startedAt', direction: 'descending' });
    expect(Date.parse(newest[0]!.startedAt)).toBeGreaterThanOrEqual(Date.parse(newest[1]!.startedAt));
  });

  it('flips the direction on the same column', () => {
    expect(nextSort({ key: 'speedup', direction: 'descending' }, 'speedup').direction).toBe('ascending');
    expect(nextSort({ key: 'speedup', direction: 'descending' }, 'workflow')).toEqual({ key: 'workflow', direction: 'ascending' });
  });
});
