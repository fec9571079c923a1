import { bandScale, linearScale, niceTicks } from './scale';

describe('linearScale', () => {
  it('maps the domain onto the range, either way round', () => {
    const x = linearScale([0, 200], [10, 110]);
    expect([x(0), x(100), x(200), x(300)]).toEqual([10, 60, 110, 160]);
    const y = linearScale([0, 4], [100, 20]);
    expect([y(0), y(1), y(4)]).toEqual([100, 80, 20]);
  });

  it('maps an empty domain to the middle of the range instead of NaN', () => {
    expect(linearScale([5, 5], [0, 10])(5)).toBe(5);
  });

  it('gives round ticks inside the domain', () => {
    expect(linearScale([0, 10_000], [0, 500]).ticks(5)).toEqual([0, 2000, 4000, 6000, 8000, 10_000]);
    expect(linearScale([0, 1000], [0, 500]).ticks(3)).toEqual([0, 500, 1000]);
  });
});

describe('niceTicks', () => {
  it('steps by 1, 2 or 5 times a power of ten, as d3 does', () => {
    expect(niceTicks(0, 1, 10)).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(niceTicks(0, 7300, 4)).toEqual([0, 2000, 4000, 6000]);
    expect(niceTicks(0, 95_000, 6)).toEqual([0, 20_000, 40_000, 60_000, 80_000]);
    expect(niceTicks(3, 17, 3)).toEqual([5, 10, 15]);
  });

  it('gives nothing for a count of 0 or a non-finite end, and one tick for a point', () => {
    expect(niceTicks(0, 10, 0)).toEqual([]);
    expect(niceTicks(0, Number.NaN, 5)).toEqual([]);
    expect(niceTicks(4, 4, 5)).toEqual([4]);
  });
});

describe('bandScale', () => {
  it('splits the range into equal bands with inner padding only', () => {
    const band = bandScale(4, [0, 370], 0.15);
    // step = 370 / (4 - 0.15) = 96.1, bandwidth = 0.85 of it
    expect(band(0)).toBe(0);
    expect(band(3) + band.bandwidth).toBeCloseTo(370);
    expect(band.bandwidth).toBeCloseTo((370 / 3.85) * 0.85);
    expect(band(1) - band(0) - band.bandwidth).toBeCloseTo((370 / 3.85) * 0.15);
  });

  it('centres a single band that cannot fill the range', () => {
    const band = bandScale(1, [0, 100], 0.25);
    expect(band.bandwidth).toBe(75);
    expect(band(0)).toBe(12.5);
  });
});
