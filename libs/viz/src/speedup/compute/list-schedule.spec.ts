import { remainingPath, simulateListSchedule, type ScheduleTask } from './list-schedule';

const task = (id: string, ms: number | number[], needs: string[] = []): ScheduleTask => ({
  id,
  needs,
  durations: Array.isArray(ms) ? ms : [ms],
});
const seed = [task('u', 2000), task('p', 2000), task('i', 2000), task('r', 2000, ['u', 'p', 'i'])];

describe('simulateListSchedule', () => {
  it('replays the seed demo: 8 s one at a time, 6 s with 2 slots, 4 s with 3 or more', () => {
    expect(simulateListSchedule(seed, 1).makespanMs).toBe(8000);
    expect(simulateListSchedule(seed, 2).makespanMs).toBe(6000);
    expect(simulateListSchedule(seed, 3).makespanMs).toBe(4000);
    expect(simulateListSchedule(seed, 8)).toMatchObject({ makespanMs: 4000, peak: 3 });
  });

  it('does not start a step until all its dependencies finished', () => {
    const r = simulateListSchedule(seed, 8);
    expect(r.startMs.r).toBeGreaterThanOrEqual(Math.max(r.endMs.u!, r.endMs.p!, r.endMs.i!));
  });

  it('never runs more processes than slots', () => {
    const many = Array.from({ length: 20 }, (_, i) => task(`t${i}`, 100 + i * 10));
    for (const n of [1, 3, 8]) expect(simulateListSchedule(many, n).peak).toBeLessThanOrEqual(n);
  });

  it('starts the longest remaining path first', () => {
    // With one slot free, `long` (head of a 3 s chain) goes before `short` although declared later.
    const tasks = [task('short', 1000), task('long', 1000), task('tail', 2000, ['long'])];
    const r = simulateListSchedule(tasks, 1);
    expect(r.startMs.long).toBe(0);
    expect(remainingPath(tasks).get('long')).toBe(3000);
  });

  it('runs foreach items as separate processes and treats steps that did not run as instant', () => {
    const tasks = [task('fan', [1000, 1000, 1000, 1000]), task('skipped', [], ['fan']), task('after', 500, ['skipped'])];
    expect(simulateListSchedule(tasks, 2).makespanMs).toBe(2500);
    expect(simulateListSchedule(tasks, 4).makespanMs).toBe(1500);
  });

  it('terminates on a cycle instead of looping', () => {
    const r = simulateListSchedule([task('a', 10, ['b']), task('b', 10, ['a']), task('c', 10)], 2);
    expect(r.makespanMs).toBe(10);
  });
});
