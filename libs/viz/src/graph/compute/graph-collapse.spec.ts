import { aggregateStatus, collapseGraph, findChains, foreachGrid, foreachItemStatuses, progressOf } from './graph-collapse';
import { pipeline200Workflow, scientificPipeline } from '../../fixtures/big-workflows';
import { wideFanOutFinished, wideFanOutLive } from '../../fixtures';

const E = (s: string) => s.split(' ').map((p) => p.split('>') as [string, string]);

describe('findChains', () => {
  it('finds maximal runs of single-in single-out links', () => {
    // a → b → c → d → e, e fans out to f and g; f → h
    const order = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'];
    expect(findChains(order, E('a>b b>c c>d d>e e>f e>g f>h'))).toEqual([
      ['a', 'b', 'c', 'd', 'e'],
      ['f', 'h'],
    ]);
  });

  it('stops at a fan-in and a fan-out, and never takes a kept step', () => {
    const order = ['x', 'y', 'a', 'b', 'c', 'd'];
    // a has two dependencies (x, y), so the chain starts at a; c is kept (a foreach)
    expect(findChains(order, E('x>a y>a a>b b>c c>d'))).toEqual([['a', 'b', 'c', 'd']]);
    expect(findChains(order, E('x>a y>a a>b b>c c>d'), (id) => id === 'c')).toEqual([['a', 'b']]);
  });

  it('ignores self loops, unknown steps and duplicate edges', () => {
    expect(findChains(['a', 'b'], E('a>b a>b a>a b>zz'))).toEqual([['a', 'b']]);
  });
});

describe('collapseGraph', () => {
  const order = ['s', 'a', 'b', 'c', 'd', 't'];
  const edges = E('s>a a>b b>c c>d d>t s>t');

  it('folds a chain of at least minChain steps into one node that keeps its ends', () => {
    const g = collapseGraph(order, edges, { minChain: 4 });
    expect(g.order).toEqual(['s', 'chain:a', 't']);
    expect(g.chains.get('chain:a')).toEqual(['a', 'b', 'c', 'd']);
    expect(g.owner.get('c')).toBe('chain:a');
    expect(g.owner.get('s')).toBe('s');
    expect(g.edges).toEqual([
      ['s', 'chain:a'],
      ['chain:a', 't'],
      ['s', 't'],
    ]);
  });

  it('leaves shorter chains, expanded chains and minChain 0 alone', () => {
    expect(collapseGraph(order, edges, { minChain: 5 }).order).toEqual(order);
    expect(collapseGraph(order, edges, { minChain: 4, expanded: new Set(['chain:a']) }).order).toEqual(order);
    expect(collapseGraph(order, edges, { minChain: 0 }).chains.size).toBe(0);
  });

  it('folds the 200-step pipeline to far fewer nodes without losing a step', () => {
    const wf = pipeline200Workflow();
    const ids = wf.steps.map((s) => s.id);
    const deps = wf.steps.flatMap((s) => (s.needs ?? []).map((d) => [d, s.id] as [string, string]));
    const foreach = new Set(wf.steps.filter((s) => s.items).map((s) => s.id));
    const g = collapseGraph(ids, deps, { minChain: 4, keep: (id) => foreach.has(id) });
    expect(ids).toHaveLength(200);
    expect(g.order.length).toBeLessThan(150);
    expect(new Set(g.owner.keys())).toEqual(new Set(ids));
    for (const id of foreach) expect(g.owner.get(id)).toBe(id);
    expect(g.chains.get('chain:s001_align')).toEqual(['s001_align', 's001_sort_bam', 's001_mark_duplicates', 's001_base_recalibration', 's001_call_variants', 's001_filter_variants']);
  });
});

describe('scientificPipeline', () => {
  it('has exactly the asked number of steps, is deterministic, and rejects too few', () => {
    const a = scientificPipeline({ steps: 120, samples: 10, cohortSize: 5, seed: 7 });
    expect(a.steps).toHaveLength(120);
    expect(scientificPipeline({ steps: 120, samples: 10, cohortSize: 5, seed: 7 })).toEqual(a);
    expect(() => scientificPipeline({ steps: 50, samples: 10, cohortSize: 5, seed: 7 })).toThrow(RangeError);
  });
});

describe('status and progress of groups', () => {
  it('aggregates: running wins, then failed; all done is succeeded', () => {
    expect(aggregateStatus(['succeeded', 'running', 'failed'])).toBe('running');
    expect(aggregateStatus(['succeeded', 'failed', 'pending'])).toBe('failed');
    expect(aggregateStatus(['succeeded', 'skipped'])).toBe('succeeded');
    expect(aggregateStatus(['skipped', 'skipped'])).toBe('skipped');
    expect(aggregateStatus(['succeeded', 'pending'])).toBe('pending');
    expect(aggregateStatus([])).toBe('pending');
    expect(progressOf(['succeeded', 'running', 'failed', 'cancelled', 'skipped', 'pending'])).toEqual({
      total: 6,
      succeeded: 1,
      failed: 2,
      running: 1,
      skipped: 1,
    });
  });

  it('reads each foreach item from its attempts', () => {
    const done = foreachItemStatuses(wideFanOutFinished.state, 'score_shards');
    expect(done).toEqual(Array(6).fill('succeeded'));
    const live = foreachItemStatuses(wideFanOutLive.state, 'score_shards');
    expect(live.length).toBeLessThanOrEqual(6);
    expect(live.every((s) => ['succeeded', 'running', 'pending'].includes(s))).toBe(true);
    expect(foreachItemStatuses(wideFanOutFinished.state, 'list_regions')).toEqual([]);
  });

  it('sizes the item grid of an expanded foreach node', () => {
    const g = foreachGrid(24, 180, 50);
    expect(g.cols * g.rows).toBeGreaterThanOrEqual(24);
    expect(g.width).toBeGreaterThanOrEqual(180);
    expect(g.height).toBe(50 + g.rows * g.cell + 6);
    const big = foreachGrid(1000, 180, 50);
    expect(big.cols * big.rows).toBeGreaterThanOrEqual(1000);
    expect(big.width / big.height).toBeGreaterThan(1);
  });
});
