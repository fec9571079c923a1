import { randomDag } from './random-dag';

describe('randomDag', () => {
  it('gives the same DAG for the same seed and another one for another seed', () => {
    const a = randomDag({ steps: 500, seed: 1 });
    expect(randomDag({ steps: 500, seed: 1 })).toEqual(a);
    expect(randomDag({ steps: 500, seed: 2 }).steps).not.toEqual(a.steps);
  });

  it('only depends on earlier steps inside the window, so it never has a cycle', () => {
    const { steps } = randomDag({ steps: 2000, seed: 3, maxNeeds: 4, window: 10 });
    const position = new Map(steps.map((s, i) => [s.id, i]));
    steps.forEach((step, i) => {
      expect(step.needs.length).toBeLessThanOrEqual(4);
      expect(new Set(step.needs).size).toBe(step.needs.length);
      for (const need of step.needs) {
        expect(position.get(need)).toBeLessThan(i);
        expect(position.get(need)).toBeGreaterThanOrEqual(i - 10);
      }
    });
  });

  it('gives unique ids that are valid step ids and make targets', () => {
    const { steps } = randomDag({ steps: 1000 });
    expect(new Set(steps.map((s) => s.id)).size).toBe(1000);
    for (const step of steps) expect(step.id).toMatch(/^s\d{3}$/);
  });

  it('keeps durations inside the range', () => {
    const units = randomDag({ steps: 300, units: [1, 3] }).steps.map((s) => s.units);
    expect(Math.min(...units)).toBe(1);
    expect(Math.max(...units)).toBe(3);
  });

  it('rejects a negative step count, echoing it', () => {
    expect(() => randomDag({ steps: -1 })).toThrow('Expected a step count of at least 0, got -1');
  });
});
