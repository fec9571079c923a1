import { In, type DataSource } from 'typeorm';
import { RunEntity } from './entities/run.entity';
import { ServerEntity } from './entities/server.entity';

/** How long an owner holds a run without renewing, unless configured otherwise, in ms. */
export const DEFAULT_LEASE_MS = 30_000;

/** How the `weft` command line's ids begin: its runs have no server to resume them. */
export const CLI_OWNER_PREFIX = 'cli:';

/** A process sharing the database that runs runs: a server, or `weft run --db`. */
export interface ServerIdentity {
  /** `<host>:<pid>:<random>` (`cli:<host>:<pid>:<random>` for the command line), unique for each start. */
  readonly id: string;
  readonly host: string;
  readonly pid: number;
}

/** A running run owned by another server (or by none), as a takeover decision reads it. */
export interface OwnedRun {
  readonly runId: string;
  readonly owner: string | null;
  readonly leaseUntil: number | null;
  /** Its owner's row in `weft_servers`, or null when the owner is unknown or stopped. */
  readonly ownerServer: { readonly host: string; readonly pid: number } | null;
  readonly cancelRequested: boolean;
}

/** Why a server may take a run over. */
export type TakeoverReason = 'lease_expired' | 'owner_gone';

/**
 * Which runs `me` may take over at `now`: those whose lease expired (or that have no owner), and,
 * without waiting for the lease, those whose owner ran on this machine and whose process is gone.
 * A run whose owner's lease is alive is never taken from a live owner.
 */
export function takeoverCandidates(
  runs: readonly OwnedRun[],
  me: ServerIdentity,
  now: number,
  processAlive: (pid: number) => boolean,
): { run: OwnedRun; reason: TakeoverReason }[] {
  const out: { run: OwnedRun; reason: TakeoverReason }[] = [];
  for (const run of runs) {
    if (run.owner === me.id) continue;
    if (run.owner === null || run.leaseUntil === null || run.leaseUntil < now) {
      out.push({ run, reason: 'lease_expired' });
    } else if (run.ownerServer?.host === me.host && run.ownerServer.pid !== me.pid && !processAlive(run.ownerServer.pid)) {
      out.push({ run, reason: 'owner_gone' });
    }
  }
  return out;
}

/**
 * Who runs what, kept in the database so that servers sharing it agree: the live servers and their
 * heartbeats, each run's owner and lease, and cancel requests for runs another server owns. Times
 * are the database's clock (PostgreSQL's, or this machine's for SQLite), so servers on machines
 * whose clocks differ still agree on when a lease ran out.
 */
export class RunOwnership {
  readonly #postgres: boolean;

  /** `write` serializes writes where the database needs it (SQLite's one writer). */
  constructor(
    private readonly dataSource: DataSource,
    private readonly write: <T>(work: () => Promise<T>) => Promise<T> = (work) => work(),
  ) {
    this.#postgres = dataSource.options.type === 'postgres';
  }

  /** The database's clock, in epoch ms. */
  async now(): Promise<number> {
    if (!this.#postgres) return Date.now();
    const [row] = (await this.dataSource.query('SELECT (EXTRACT(EPOCH FROM clock_timestamp()) * 1000)::bigint AS now')) as { now: string }[];
    return Number(row.now);
  }

  /** Adds this server to the live ones, and forgets servers silent for a day. */
  async register(server: ServerIdentity): Promise<void> {
    const now = await this.now();
    await this.write(async () => {
      const servers = this.dataSource.getRepository(ServerEntity);
      await servers.createQueryBuilder().delete().where('heartbeat_at < :before', { before: now - 86_400_000 }).execute();
      await servers.insert({ ...server, startedAt: new Date(now).toISOString(), heartbeatAt: now });
    });
  }

  /** Removes this server from the live ones (its runs must have been ended or released first). */
  async unregister(serverId: string): Promise<void> {
    await this.write(() => this.dataSource.getRepository(ServerEntity).delete({ id: serverId }));
  }

  /**
   * Beats for the server and renews the lease of every run it owns to `now + leaseMs`. Returns the
   * ids of the running runs it still owns: one it runs and that is not among them was taken over.
   */
  async heartbeat(serverId: string, leaseMs: number): Promise<string[]> {
    const now = await this.now();
    return this.write(() =>
      this.dataSource.transaction(async (manager) => {
        await manager.getRepository(ServerEntity).update({ id: serverId }, { heartbeatAt: now });
        await manager
          .createQueryBuilder()
          .update(RunEntity)
          .set({ leaseUntil: now + leaseMs })
          .where('owner = :owner AND status = :status', { owner: serverId, status: 'running' })
          .execute();
        const rows = await manager.getRepository(RunEntity).find({ where: { owner: serverId, status: 'running' }, select: { id: true } });
        return rows.map((row) => row.id);
      }),
    );
  }

  /** The owner of each of `runIds` that exists (null: none, such as a run handed over). */
  async owners(runIds: readonly string[]): Promise<Map<string, string | null>> {
    if (runIds.length === 0) return new Map();
    const rows = await this.dataSource.getRepository(RunEntity).find({ where: { id: In([...runIds]) }, select: { id: true, owner: true } });
    return new Map(rows.map((row) => [row.id, row.owner]));
  }

  /** The servers (other than `exceptId`) whose last heartbeat is less than `leaseMs` old. */
  async liveServers(leaseMs: number, exceptId?: string): Promise<ServerIdentity[]> {
    const now = await this.now();
    const rows = await this.dataSource
      .getRepository(ServerEntity)
      .createQueryBuilder('s')
      .where('s.heartbeatAt >= :since', { since: now - leaseMs })
      .getMany();
    return rows.filter((row) => row.id !== exceptId).map(({ id, host, pid }) => ({ id, host, pid }));
  }

  /** Running runs not owned by `serverId`, with their owners, and the database time they were read at. */
  async othersRuns(serverId: string): Promise<{ now: number; runs: OwnedRun[] }> {
    const now = await this.now();
    const rows = await this.dataSource
      .getRepository(RunEntity)
      .createQueryBuilder('r')
      .leftJoin(ServerEntity, 's', 's.id = r.owner')
      .select(['r.id AS id', 'r.owner AS owner', 'r.lease_until AS lease', 'r.cancel_requested AS cancel', 's.host AS host', 's.pid AS pid'])
      .where('r.status = :status', { status: 'running' })
      .andWhere('(r.owner IS NULL OR r.owner <> :me)', { me: serverId })
      .getRawMany<{ id: string; owner: string | null; lease: string | number | null; cancel: boolean | number; host: string | null; pid: number | null }>();
    const runs = rows.map((row) => ({
      runId: row.id,
      owner: row.owner,
      leaseUntil: row.lease === null ? null : Number(row.lease),
      ownerServer: row.host === null || row.pid === null ? null : { host: row.host, pid: Number(row.pid) },
      cancelRequested: Boolean(row.cancel),
    }));
    return { now, runs };
  }

  /**
   * Makes `serverId` the owner of a run it found as `seen`, if nobody changed its owner or lease
   * meanwhile (so of several servers that try at once, exactly one wins). True when it won.
   */
  async takeOver(seen: OwnedRun, serverId: string, leaseMs: number): Promise<boolean> {
    const now = await this.now();
    return this.write(async () => {
      const query = this.dataSource
        .createQueryBuilder()
        .update(RunEntity)
        .set({ owner: serverId, leaseUntil: now + leaseMs })
        .where('id = :id AND status = :status', { id: seen.runId, status: 'running' });
      if (seen.owner === null) query.andWhere('owner IS NULL');
      else query.andWhere('owner = :owner', { owner: seen.owner });
      if (seen.leaseUntil === null) query.andWhere('lease_until IS NULL');
      else query.andWhere('lease_until = :lease', { lease: seen.leaseUntil });
      const result = await query.execute();
      return result.affected === 1;
    });
  }

  /** Gives up a run it owns, for another server to take over at once (a graceful hand-over). */
  async release(runId: string, serverId: string): Promise<void> {
    await this.write(() =>
      this.dataSource
        .createQueryBuilder()
        .update(RunEntity)
        .set({ owner: null, leaseUntil: 0 })
        .where('id = :id AND owner = :owner', { id: runId, owner: serverId })
        .execute(),
    );
  }

  /** Asks the owner of a running run to cancel it. False when the run is not running. */
  async requestCancel(runId: string): Promise<boolean> {
    const result = await this.write(() =>
      this.dataSource
        .createQueryBuilder()
        .update(RunEntity)
        .set({ cancelRequested: true })
        .where('id = :id AND status = :status', { id: runId, status: 'running' })
        .execute(),
    );
    return result.affected === 1;
  }

  /** The running runs `serverId` owns that someone asked to cancel. */
  async cancelRequests(serverId: string): Promise<string[]> {
    const rows = await this.dataSource
      .getRepository(RunEntity)
      .find({ where: { owner: serverId, status: 'running', cancelRequested: true }, select: { id: true } });
    return rows.map((row) => row.id);
  }
}
