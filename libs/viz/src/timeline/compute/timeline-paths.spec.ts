import { stepAfterArea, stepAfterLine } from './timeline-layout';

describe('concurrency strip paths', () => {
  const points: [number, number][] = [
    [10, 100],
    [20, 80],
    [35.256, 60],
    [50, 100],
  ];

  it('holds each value until the next point (a step after)', () => {
    expect(stepAfterLine(points)).toBe('M10,100H20V80H35.26V60H50V100');
  });

  it('closes the area along the baseline', () => {
    expect(stepAfterArea(points, 100)).toBe('M10,100V100H20V80H35.26V60H50V100V100Z');
  });

  it('draws nothing for no points', () => {
    expect(stepAfterLine([])).toBe('');
    expect(stepAfterArea([], 5)).toBe('');
  });
});
