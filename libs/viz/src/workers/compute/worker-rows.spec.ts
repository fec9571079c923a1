import { workerRows, type WorkerInfo } from './worker-rows';
import { formatAgo } from '../../shared/format';

const now = Date.parse('2026-11-26T10:05:00.000Z');
const worker = (id: string, lastSeenMsAgo: number, extra: Partial<WorkerInfo> = {}): WorkerInfo => ({
  id,
  labels: [],
  concurrency: 4,
  running: 0,
  startedAt: '2026-11-26T09:00:00.000Z',
  lastSeenAt: new Date(now - lastSeenMsAgo).toISOString(),
  ...extra,
});

describe('workerRows', () => {
  it('shows the load and the age of the last heartbeat', () => {
    const [w] = workerRows([worker('build-1:4242', 3200, { running: 2, labels: ['gpu'] })], now);
    expect(w).toMatchObject({ load: '2/4', loadText: '2 of 4 slots busy', busy: 0.5, lastSeen: '3 s ago', stale: false, labels: ['gpu'] });
  });

  it('marks a worker stale once its last heartbeat is more than 10 s old', () => {
    const rows = workerRows([worker('a', 10_000), worker('b', 10_001)], now);
    expect(rows.map((r) => [r.id, r.stale])).toEqual([
      ['a', false],
      ['b', true],
    ]);
    expect(rows[1]!.staleText).toBe('no heartbeat for 10.0 s: the worker may have stopped');
  });

  it('takes another stale limit, and treats an unreadable heartbeat as stale', () => {
    expect(workerRows([worker('a', 4000)], now, { staleAfterMs: 3000 })[0]!.stale).toBe(true);
    expect(workerRows([worker('a', 0, { lastSeenAt: 'yesterday' })], now)[0]).toMatchObject({ stale: true, lastSeen: '–' });
  });

  it('shows a heartbeat ahead of the local clock as just now', () => {
    expect(workerRows([worker('a', -2000)], now)[0]).toMatchObject({ lastSeenAgoMs: 0, lastSeen: 'just now', stale: false });
  });

  it('sorts by id, numbers in ids as numbers', () => {
    expect(workerRows([worker('host-10:1', 0), worker('host-9:1', 0), worker('gpu:1', 0)], now).map((r) => r.id)).toEqual([
      'gpu:1',
      'host-9:1',
      'host-10:1',
    ]);
  });
});

describe('formatAgo', () => {
  it('reads like a heartbeat age', () => {
    expect([400, 4_900, 125_000, 3 * 3_600_000, 49 * 3_600_000].map(formatAgo)).toEqual([
      'just now',
      '4 s ago',
      '2 min ago',
      '3 h ago',
      '2 d ago',
    ]);
  });
});
