import { detectHeldBack, heldBackText } from './held-back';
import { computeParallelism } from './parallelism';
import { computeTimeline } from '../../timeline/compute/timeline-layout';
import { cappedRunFixture } from '../parallelism-indicator.stories';
import {
  failuresFinished,
  largeFinished,
  seedDemoFinished,
  seedDemoLive,
  wideFanOutFinished,
  wideFanOutOnWorkersFinished,
} from '../../fixtures';

describe('detectHeldBack', () => {
  it('finds a server cap: 8 slots handed out, 4 processes at most', () => {
    const { state, now } = cappedRunFixture();
    const h = detectHeldBack(state, now);
    expect(h).toMatchObject({ held: true, ranAtMost: 4, maxParallel: 8, onWorkers: false });
    expect(h.evidence).toEqual(['slots', 'ready_waited']);
    expect(h.waitingSteps).toEqual(['shard_5', 'shard_6', 'shard_7', 'shard_8']);
    expect(heldBackText(h)).toBe('the server ran at most 4 processes at once');
  });

  it('sees it while live too', () => {
    const { state, now } = cappedRunFixture(2500);
    expect(detectHeldBack(state, now).held).toBe(true);
  });

  it('stays quiet on runs that only maxParallel or their dependencies held back', () => {
    for (const f of [seedDemoFinished, seedDemoLive, failuresFinished, wideFanOutFinished, largeFinished, wideFanOutOnWorkersFinished])
      expect(detectHeldBack(f.state, f.now)).toMatchObject({ held: false, evidence: [] });
  });
});

describe('computeParallelism with a server cap', () => {
  it('says so: "peak 4 of 8 — the server ran at most 4 processes at once"', () => {
    const { state, now } = cappedRunFixture();
    const v = computeParallelism(state, { width: 600 }, now);
    expect(v.subline).toBe('peak 4 of 8 — the server ran at most 4 processes at once');
    expect(v.sublines).toEqual([v.subline]);
    expect(v.heldBackNote).toMatch(/WEFT_MAX_PROCESSES/);
  });

  it('breaks the note in two lines on a phone and moves the slots down', () => {
    const { state, now } = cappedRunFixture();
    const wide = computeParallelism(state, { width: 600 }, now);
    const v = computeParallelism(state, { width: 300 }, now);
    expect(v.sublines).toEqual(['peak 4 of 8 —', 'the server ran at most 4 processes at once']);
    expect(v.slotY).toBeGreaterThan(wide.slotY);
    expect(v.height).toBeGreaterThan(wide.height);
  });

  it('keeps the plain subline otherwise', () => {
    expect(computeParallelism(seedDemoFinished.state).subline).toBe('peak 3 of 4 slots');
  });
});

describe('computeTimeline with a server cap', () => {
  it('lays the bars out on as many lanes as ran at once, matching the indicator’s peak', () => {
    const { state, now } = cappedRunFixture();
    const t = computeTimeline(state, now, { width: 800 });
    expect(t.repacked).toBe(true);
    expect(new Set(t.bars.map((b) => b.lane)).size).toBe(4);
    expect(t.strip.peak).toBe(4);
    expect(t.lanes).toHaveLength(8);
    expect(t.strip.ariaLabel).toMatch(/peak 4 of 8 slots, lanes packed by time/);
  });

  it('keeps the engine’s slots when they match what ran', () => {
    expect(computeTimeline(seedDemoFinished.state, seedDemoFinished.now).repacked).toBe(false);
    expect(computeTimeline(wideFanOutFinished.state, wideFanOutFinished.now).repacked).toBe(false);
  });
});
