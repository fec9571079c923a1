import { COMPACT_WIDTH, computeTimeline } from './timeline-layout';
import { seedDemoFinished, wideFanOutOnWorkersFinished } from '../../fixtures';

describe('computeTimeline at any width', () => {
  it('labels the maxParallel limit line', () => {
    const t = computeTimeline(seedDemoFinished.state, seedDemoFinished.now, { width: 800 });
    expect(t.strip.limitLabel).toBe('limit 4');
    expect(t.strip.sideLabels).toEqual(['running', 'peak 3']);
    expect(t.strip.caption).toBeNull();
    expect(t.compact).toBe(false);
  });

  it('goes compact on a phone: slot numbers, the strip caption underneath, fewer ticks, all inside the width', () => {
    const wide = computeTimeline(seedDemoFinished.state, seedDemoFinished.now, { width: 1400 });
    const t = computeTimeline(seedDemoFinished.state, seedDemoFinished.now, { width: 320 });
    expect(t.compact).toBe(true);
    expect(t.width).toBe(320);
    expect(t.lanes.map((l) => l.label)).toEqual(['1', '2', '3', '4']);
    expect(t.plotX).toBeLessThan(30);
    expect(t.strip.sideLabels).toEqual([]);
    expect(t.strip.caption).toBe('running at once · peak 3 of 4');
    expect(t.axis.ticks.length).toBeLessThan(wide.axis.ticks.length);
    expect(t.axis.ticks.length).toBeGreaterThanOrEqual(2);
    for (const b of t.bars) expect(b.x + b.width).toBeLessThanOrEqual(t.width);
    // Tick labels ~ 6.6 px a character: neighbours do not collide.
    for (let i = 1; i < t.axis.ticks.length; i++) expect(t.axis.ticks[i]!.x - t.axis.ticks[i - 1]!.x).toBeGreaterThan(40);
    expect(t.height).toBeGreaterThan(t.strip.y + t.strip.height + 16);
  });

  it('shortens worker names to a fifth of a narrow width', () => {
    const t = computeTimeline(wideFanOutOnWorkersFinished.state, wideFanOutOnWorkersFinished.now, { width: 320, groupBy: 'worker' });
    expect(t.plotX).toBe(64);
    expect(t.groups.every((g) => g.label.length * 6.2 <= t.plotX)).toBe(true);
  });

  it('is compact below COMPACT_WIDTH only', () => {
    expect(computeTimeline(seedDemoFinished.state, seedDemoFinished.now, { width: COMPACT_WIDTH }).compact).toBe(false);
    expect(computeTimeline(seedDemoFinished.state, seedDemoFinished.now, { width: COMPACT_WIDTH - 1 }).compact).toBe(true);
  });
});
