import 'reflect-metadata';
import { waitFor } from '../../../../libs/core/src/testing/wait-for.js';
import { HistoryStore, type ServerIdentity } from '@weft/history';
import { sqliteTestDatabase, type TestDatabase } from '@weft/history/testing';
import type { ResolvedWeftOptions } from '../weft-options.js';
import type { Dispatchers } from './dispatchers.js';
import { RunOwnersService } from './run-owners.service.js';
import type { RunsService } from './runs.service.js';

const me: ServerIdentity = { id: 'h:1:me', host: 'h', pid: 1 };
const other: ServerIdentity = { id: 'h:2:other', host: 'h', pid: 2 };
const LEASE_MS = 600; // a beat every 200 ms

/** The runs this server executes, as the owner service sees them. */
class FakeRuns {
  readonly active = new Set<string>();
  readonly released: string[] = [];
  readonly resumed: string[] = [];
  activeRunIds(): string[] {
    return [...this.active];
  }
  async release(runId: string): Promise<void> {
    this.released.push(runId);
    this.active.delete(runId);
  }
  async resume(runId: string): Promise<void> {
    this.resumed.push(runId);
    this.active.add(runId);
  }
  async interrupt(): Promise<void> {}
  async shutdown(): Promise<void> {}
  cancelHere(): void {}
}

describe('RunOwnersService: what a heartbeat lets go of (real history on SQLite)', () => {
  let db: TestDatabase;
  let store: HistoryStore;
  let service: RunOwnersService | undefined;

  beforeEach(async () => {
    db = sqliteTestDatabase();
    store = await HistoryStore.open(db.options);
    await store.ownership.register(other);
  });
  afterEach(async () => {
    await service?.onApplicationShutdown();
    await store.close();
    db.dispose();
  });

  /** The real service, beating every 200 ms for `runs`. */
  const startService = async (runs: FakeRuns): Promise<void> => {
    const options = { leaseMs: LEASE_MS, resume: true } as ResolvedWeftOptions;
    const dispatchers = { reclaim: () => [], close: async () => undefined } as unknown as Dispatchers;
    service = new RunOwnersService(options, me, store, runs as unknown as RunsService, dispatchers);
    await service.onApplicationBootstrap();
  };

  const startRun = async (runId: string, owner: ServerIdentity) =>
    store.startRun({ runId, workflow: 'w', maxParallel: 1, steps: [{ id: 's', type: 'shell' }], owner: owner.id, leaseUntil: Date.now() + 60_000 });

  it('releases a run another server took over, and neither one that finished here nor one that started during the beat', async () => {
    const runs = new FakeRuns();
    for (const runId of ['taken', 'finished']) {
      await startRun(runId, me);
      runs.active.add(runId);
    }
    // `other` takes `taken` over, as it would once this server's lease ran out.
    const seen = (await store.ownership.othersRuns(other.id)).runs.find((run) => run.runId === 'taken')!;
    expect(await store.ownership.takeOver(seen, other.id, 60_000)).toBe(true);
    // `finished` ended here: no longer running, still this server's.
    await store.dataSource.query(`UPDATE weft_runs SET status = 'succeeded' WHERE id = ?`, ['finished']);

    // A run starts here while a beat is in flight: recorded after the beat read this server's runs,
    // active before the beat's answer is looked at.
    const beat = store.ownership.heartbeat.bind(store.ownership);
    let beats = 0;
    store.ownership.heartbeat = async (serverId, leaseMs) => {
      const owned = await beat(serverId, leaseMs);
      if (++beats === 1) {
        await startRun('new', me);
        runs.active.add('new');
      }
      return owned;
    };

    await startService(runs);
    await waitFor('three beats', () => beats >= 3, { timeoutMs: 10_000, intervalMs: 20 });

    expect(runs.released).toEqual(['taken']);
    expect(runs.activeRunIds().sort()).toEqual(['finished', 'new']);
    expect(await store.ownership.owners(['new', 'taken'])).toEqual(new Map([['new', me.id], ['taken', other.id]]));
    expect(runs.resumed).toEqual([]);
  });

  it('lets go of every run when it cannot renew for a whole lease, and takes back those nobody took meanwhile', async () => {
    const runs = new FakeRuns();
    for (const runId of ['kept', 'lost']) {
      await startRun(runId, me);
      runs.active.add(runId);
    }
    // The database does not answer the beats for a while.
    const beat = store.ownership.heartbeat.bind(store.ownership);
    let failing = true;
    let beats = 0;
    store.ownership.heartbeat = async (serverId, leaseMs) => {
      beats++;
      if (failing) throw new Error('connection refused');
      return beat(serverId, leaseMs);
    };
    await startService(runs);
    await waitFor('every run to be let go of', () => runs.released.length === 2, { timeoutMs: 10_000, intervalMs: 20 });
    expect(runs.released.sort()).toEqual(['kept', 'lost']);
    expect(runs.active.size).toBe(0);

    // Meanwhile `other` took `lost` over; then the beats get through again.
    const seen = (await store.ownership.othersRuns(other.id)).runs.find((run) => run.runId === 'lost')!;
    expect(await store.ownership.takeOver(seen, other.id, 60_000)).toBe(true);
    failing = false;
    const after = beats;
    await waitFor('three beats that get through', () => beats >= after + 3, { timeoutMs: 10_000, intervalMs: 20 });

    expect(runs.resumed).toEqual(['kept']);
    expect(runs.activeRunIds()).toEqual(['kept']);
  });
});
