import type { AttemptStartedEvent } from '@weft/core';
import { HistoryStore } from './history-store';
import { RunNotOwnedError } from './run-writer';
import { RunOwnership, takeoverCandidates, type OwnedRun, type ServerIdentity } from './run-ownership';
import { TEST_DATABASE_KINDS, testDatabase, type TestDatabase } from './testing/test-databases';

const me: ServerIdentity = { id: 'host-a:100:aaaa', host: 'host-a', pid: 100 };

function owned(fields: Partial<OwnedRun>): OwnedRun {
  return { runId: 'r', owner: 'host-b:7:bbbb', leaseUntil: 10_000, ownerServer: { host: 'host-b', pid: 7 }, cancelRequested: false, ...fields };
}

describe('takeoverCandidates', () => {
  const alive = () => true;
  const dead = () => false;

  it('never takes a run whose owner holds a live lease, wherever the owner runs', () => {
    expect(takeoverCandidates([owned({})], me, 9_999, dead)).toEqual([]);
    expect(takeoverCandidates([owned({ ownerServer: { host: 'host-a', pid: 200 } })], me, 9_999, alive)).toEqual([]);
  });

  it('takes a run whose lease ran out, or that has no owner', () => {
    const expired = owned({ runId: 'x' });
    const orphan = owned({ runId: 'y', owner: null, leaseUntil: null, ownerServer: null });
    expect(takeoverCandidates([expired, orphan], me, 10_001, alive)).toEqual([
      { run: expired, reason: 'lease_expired' },
      { run: orphan, reason: 'lease_expired' },
    ]);
  });

  it('takes at once, lease or not, a run whose owner ran on this machine and whose process is gone', () => {
    const local = owned({ ownerServer: { host: 'host-a', pid: 200 } });
    const checked: number[] = [];
    const result = takeoverCandidates([local], me, 5_000, (pid) => (checked.push(pid), false));
    expect(result).toEqual([{ run: local, reason: 'owner_gone' }]);
    expect(checked).toEqual([200]);
  });

  it('leaves its own runs alone', () => {
    expect(takeoverCandidates([owned({ owner: me.id, leaseUntil: 0 })], me, 5_000, dead)).toEqual([]);
  });
});

describe.each(TEST_DATABASE_KINDS)('RunOwnership on %s', (kind) => {
  let db: TestDatabase;
  let store: HistoryStore;
  let ownership: RunOwnership;
  const a: ServerIdentity = { id: 'h:1:a', host: 'h', pid: 1 };
  const b: ServerIdentity = { id: 'h:2:b', host: 'h', pid: 2 };
  const c: ServerIdentity = { id: 'h:3:c', host: 'h', pid: 3 };

  beforeEach(async () => {
    db = await testDatabase(kind);
    store = await HistoryStore.open(db.options);
    ownership = new RunOwnership(store.dataSource);
    for (const server of [a, b, c]) await ownership.register(server);
  });
  afterEach(async () => {
    await store?.close();
    await db?.dispose();
  });

  const start = (runId: string) => store.startRun({ runId, workflow: 'w', maxParallel: 1, steps: [{ id: 's', type: 'shell' }] });

  it("reads the database's clock", async () => {
    const before = Date.now();
    const now = await ownership.now();
    expect(now).toBeGreaterThanOrEqual(before - 2_000);
    expect(now).toBeLessThanOrEqual(Date.now() + 2_000);
  });

  it('lets exactly one of several servers that race for a run take it over', async () => {
    await start('r1');
    const [seen] = (await ownership.othersRuns(a.id)).runs;
    expect(seen).toMatchObject({ runId: 'r1', owner: null, leaseUntil: null, ownerServer: null, cancelRequested: false });
    const wins = await Promise.all([a, b, c].map((server) => ownership.takeOver(seen, server.id, 30_000)));
    expect(wins.filter(Boolean)).toHaveLength(1);
    const winner = [a, b, c][wins.indexOf(true)];
    const { runs } = await ownership.othersRuns(winner === a ? b.id : a.id);
    expect(runs[0]).toMatchObject({ runId: 'r1', owner: winner.id, ownerServer: { host: 'h', pid: winner.pid } });
  });

  it('renews the leases of the runs a server owns, and tells it which ones it lost', async () => {
    await start('r1');
    await start('r2');
    for (const seen of (await ownership.othersRuns(a.id)).runs) expect(await ownership.takeOver(seen, a.id, 1_000)).toBe(true);
    const lease1 = (await ownership.othersRuns(b.id)).runs.find((run) => run.runId === 'r1')!.leaseUntil!;
    expect((await ownership.heartbeat(a.id, 60_000)).sort()).toEqual(['r1', 'r2']);
    const renewed = (await ownership.othersRuns(b.id)).runs.find((run) => run.runId === 'r1')!;
    expect(renewed.leaseUntil! - lease1).toBeGreaterThanOrEqual(59_000 - 5_000);

    // b takes r2 over as seen (a stale view of the lease loses; the current one wins).
    const r2 = (await ownership.othersRuns(b.id)).runs.find((run) => run.runId === 'r2')!;
    expect(await ownership.takeOver({ ...r2, leaseUntil: r2.leaseUntil! - 1 }, b.id, 1_000)).toBe(false);
    expect(await ownership.takeOver(r2, b.id, 1_000)).toBe(true);
    expect(await ownership.heartbeat(a.id, 60_000)).toEqual(['r1']);
    expect(await ownership.owners(['r1', 'r2', 'no-such-run'])).toEqual(new Map([['r1', a.id], ['r2', b.id]]));
    expect(await ownership.owners([])).toEqual(new Map());
  });

  it('hands a run over: released, any server takes it at once', async () => {
    await start('r1');
    const [seen] = (await ownership.othersRuns(a.id)).runs;
    await ownership.takeOver(seen, a.id, 60_000);
    await ownership.release('r1', b.id); // not b's: nothing happens
    expect((await ownership.othersRuns(b.id)).runs[0].owner).toBe(a.id);
    await ownership.release('r1', a.id);
    const { now, runs } = await ownership.othersRuns(b.id);
    expect(runs[0]).toMatchObject({ owner: null, leaseUntil: 0 });
    expect(takeoverCandidates(runs, b, now, () => true)).toEqual([{ run: runs[0], reason: 'lease_expired' }]);
  });

  it("passes a cancel request to the run's owner, for running runs only", async () => {
    await start('r1');
    const [seen] = (await ownership.othersRuns(a.id)).runs;
    await ownership.takeOver(seen, a.id, 60_000);
    expect(await ownership.cancelRequests(a.id)).toEqual([]);
    expect(await ownership.requestCancel('r1')).toBe(true);
    expect(await ownership.cancelRequests(a.id)).toEqual(['r1']);
    expect(await ownership.cancelRequests(b.id)).toEqual([]);
    expect(await ownership.requestCancel('nope')).toBe(false);
  });

  it('lists the servers whose heartbeat is fresh', async () => {
    expect((await ownership.liveServers(60_000, a.id)).map((s) => s.id).sort()).toEqual([b.id, c.id]);
    await ownership.unregister(c.id);
    expect((await ownership.liveServers(60_000)).map((s) => s.id).sort()).toEqual([a.id, b.id]);
  });

  it("logs a run's events only while the writer's server owns it (a takeover fences the old owner out)", async () => {
    await start('r1');
    const [seen] = (await ownership.othersRuns(a.id)).runs;
    await ownership.takeOver(seen, a.id, 1);
    const event = (attempt: number): AttemptStartedEvent => ({
      type: 'attempt.started',
      runId: 'r1',
      stepId: 's',
      attempt,
      item: null,
      lane: 0,
      worker: null,
      timestamp: '2026-12-02T10:00:00.000Z',
      running: 1,
    });
    const fromA = store.writer.forOwner(a.id);
    expect(await fromA.recordAttempt(event(1))).toBe(1);
    await new Promise((resolve) => setTimeout(resolve, 5)); // the 1 ms lease runs out
    const [expired] = (await ownership.othersRuns(b.id)).runs;
    expect(await ownership.takeOver(expired, b.id, 60_000)).toBe(true);
    await expect(fromA.recordAttempt(event(2))).rejects.toBeInstanceOf(RunNotOwnedError);
    expect(await store.writer.forOwner(b.id).recordAttempt(event(2))).toBe(2);
    expect((await store.runEvents('r1')).map((record) => [record.seq, (record.event as AttemptStartedEvent).attempt])).toEqual([
      [1, 1],
      [2, 2],
    ]);
  });

  it('closes one running run as interrupted, and leaves a finished one alone', async () => {
    await start('r1');
    await store.recordAttempt({ type: 'attempt.started', runId: 'r1', stepId: 's', attempt: 1, item: null, lane: 0, worker: null, timestamp: '2026-12-02T10:00:00.000Z', running: 1 });
    const closed = await store.interruptRun('r1');
    // The step that was running ends in the log (cancelled) before the run does.
    expect(closed).toMatchObject({ seq: 3, event: { type: 'run.finished', status: 'interrupted' } });
    expect((await store.getRun('r1'))!.status).toBe('interrupted');
    expect(await store.interruptRun('r1')).toBeNull();
    expect((await store.runEvents('r1')).map((record) => record.event.type)).toEqual(['attempt.started', 'step.finished', 'run.finished']);
  });
});
