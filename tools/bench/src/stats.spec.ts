import { median, quantile, round, spread, spreadText } from './stats';

describe('stats', () => {
  it('takes the median of odd and even samples without reordering the input', () => {
    const values = [5, 1, 3];
    expect(median(values)).toBe(3);
    expect(values).toEqual([5, 1, 3]);
    expect(median([4, 1, 2, 3])).toBe(2.5);
  });

  it('interpolates quantiles', () => {
    const values = Array.from({ length: 101 }, (_, i) => i);
    expect(quantile(values, 0.99)).toBe(99);
    expect(quantile([0, 10], 0.25)).toBe(2.5);
  });

  it('rejects an empty sample and a bad quantile', () => {
    expect(() => median([])).toThrow('Expected at least one value');
    expect(() => quantile([1], 2)).toThrow('Expected a quantile from 0 to 1, got 2');
  });

  it('rounds for display', () => {
    expect(round(0.012345)).toBe(0.0123);
    expect(round(12.345)).toBe(12.3);
    expect(round(1234.5)).toBe(1235);
  });

  it('summarizes a sample as its median and extremes, and writes it for a table', () => {
    expect(spread([30, 10, 20, 40])).toEqual({ median: 25, min: 10, max: 40 });
    expect(spreadText(spread([1234.4, 1100, 1300.2]))).toBe('1,234 (1,100–1,300)');
    expect(spreadText(spread([2.345]))).toBe('2.35');
    expect(() => spread([])).toThrow('Expected at least one value');
  });
});
