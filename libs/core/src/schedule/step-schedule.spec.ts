import { PriorityQueue } from './priority-queue';
import { Semaphore } from './semaphore';
import { StepSchedule, type WorkUnit } from './step-schedule';

const unit = (stepId: string, priority = 1, order = 0, fields: Partial<WorkUnit> = {}): WorkUnit => ({
  stepId,
  item: null,
  attempt: 1,
  priority,
  order,
  ...fields,
});

describe('StepSchedule', () => {
  it('hands out the highest priority first, ties in declaration order, then item order', () => {
    const schedule = new StepSchedule({ maxParallel: 8 });
    schedule.enqueue(unit('late', 1, 5));
    schedule.enqueue(unit('early', 1, 2));
    schedule.enqueue(unit('urgent', 9, 7));
    schedule.enqueue(unit('each', 1, 2, { item: 1 }));
    const order = [];
    for (let next = schedule.next(); next; next = schedule.next()) order.push(`${next.unit.stepId}${next.unit.item ?? ''}`);
    expect(order).toEqual(['urgent', 'early', 'each1', 'late']);
  });

  it('stops at maxParallel and gives each running unit its own lane', () => {
    const schedule = new StepSchedule({ maxParallel: 2 });
    ['a', 'b', 'c'].forEach((id) => schedule.enqueue(unit(id)));
    const first = schedule.next()!;
    const second = schedule.next()!;
    expect(schedule.next()).toBeUndefined();
    expect([first.lane, second.lane]).toEqual([0, 1]);
    schedule.release(first.unit, first.lane);
    expect(schedule.next()).toMatchObject({ lane: 0 });
    expect(schedule.peak).toBe(2);
    expect(schedule.waiting).toBe(0);
  });

  it('does not let a full pool block units outside it', () => {
    const schedule = new StepSchedule({ maxParallel: 4, pools: { gpu: 1 } });
    schedule.enqueue(unit('g1', 5, 0, { pool: 'gpu' }));
    schedule.enqueue(unit('g2', 5, 1, { pool: 'gpu' }));
    schedule.enqueue(unit('cpu', 1, 2));
    expect(schedule.next()!.unit.stepId).toBe('g1');
    expect(schedule.next()!.unit.stepId).toBe('cpu');
    expect(schedule.next()).toBeUndefined();
    expect(schedule.waiting).toBe(1);
    expect(schedule.clear().map((u) => u.stepId)).toEqual(['g2']);
  });

  it('rejects a bad limit with the value it got', () => {
    expect(() => new StepSchedule({ maxParallel: 0 })).toThrow('got 0');
  });
});

describe('PriorityQueue', () => {
  it('pops in comparator order', () => {
    const queue = new PriorityQueue<number>((a, b) => a - b);
    [5, 3, 9, 1, 7, 2].forEach((n) => queue.push(n));
    expect(queue.peek()).toBe(1);
    const out = [];
    while (queue.size) out.push(queue.pop());
    expect(out).toEqual([1, 2, 3, 5, 7, 9]);
    expect(queue.pop()).toBeUndefined();
  });
});

describe('Semaphore', () => {
  it('lets waiters in first come first served as slots free up', async () => {
    const semaphore = new Semaphore(1);
    const order: string[] = [];
    const release = await semaphore.acquire();
    const b = semaphore.acquire().then((r) => (order.push('b'), r));
    const c = semaphore.acquire().then((r) => (order.push('c'), r));
    expect(semaphore.waiting).toBe(2);
    release();
    release(); // releasing twice frees one slot only
    (await b)();
    (await c)();
    expect(order).toEqual(['b', 'c']);
    expect(semaphore.inUse).toBe(0);
  });

  it('drops a waiter whose signal aborts', async () => {
    const semaphore = new Semaphore(1);
    await semaphore.acquire();
    const controller = new AbortController();
    const waiting = semaphore.acquire(controller.signal);
    controller.abort(new Error('gone'));
    await expect(waiting).rejects.toThrow('gone');
    expect(semaphore.waiting).toBe(0);
    await expect(semaphore.acquire(AbortSignal.abort(new Error('early')))).rejects.toThrow('early');
    expect(() => new Semaphore(0)).toThrow('got 0');
  });
});
