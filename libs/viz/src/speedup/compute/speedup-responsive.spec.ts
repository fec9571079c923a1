import { computeSpeedup } from './speedup';
import { seedDemoFinished, seedDemoLive, seedDemoPending } from '../../fixtures';

describe('computeSpeedup: "so far" and widths', () => {
  it('marks a live figure provisional: "3.0x faster so far" + "(running)"', () => {
    const v = computeSpeedup(seedDemoLive.state, seedDemoLive.now);
    expect(v.headline).toBe('3.0x faster so far');
    expect(v.provisional).toBe(true);
    expect(v.provisionalTag).toBe('(running)');
    expect(v.whatIf).toEqual([]);
  });

  it('shows the final figure only once the run ended', () => {
    const v = computeSpeedup(seedDemoFinished.state, seedDemoFinished.now);
    expect(v).toMatchObject({ headline: '2.0x faster', provisional: false, provisionalTag: null });
    expect(computeSpeedup(seedDemoPending.state, seedDemoPending.now).provisional).toBe(false);
  });

  it('fits a phone: smaller headline, stats on two lines, what-if caption above a full-width chart', () => {
    const wide = computeSpeedup(seedDemoFinished.state, seedDemoFinished.now, { width: 480 });
    const v = computeSpeedup(seedDemoFinished.state, seedDemoFinished.now, { width: 300 });
    expect(wide.compact).toBe(false);
    expect(v.compact).toBe(true);
    expect(v.statsLines).toEqual(['ideal 2.0x · efficiency 50%', 'of maxParallel 4']);
    expect(v.whatIfCaption.map((c) => c.text)).toEqual(['What if maxParallel = N', '(replayed estimate)']);
    expect(v.whatIf[0]!.x).toBeLessThan(5);
    for (const w of v.whatIf) expect(w.x + w.width).toBeLessThanOrEqual(300);
    for (const b of v.bars) expect(v.barX + b.width + 6 + b.value.length * 6.6).toBeLessThanOrEqual(300 + 1);
    const live = computeSpeedup(seedDemoLive.state, seedDemoLive.now, { width: 300 });
    expect(live.headlineSize).toBeGreaterThanOrEqual(14);
    expect(live.headlineSize * 0.56 * '3.0x faster so far (running)'.length).toBeLessThanOrEqual(300);
    expect(wide.headlineSize).toBe(26);
  });
});
