import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { CLI_OWNER_PREFIX, HistoryStore, takeoverCandidates, type ServerIdentity } from '@weft/history';
import { stopProcessStarter } from '@weft/core';
import { logRecord } from '../logging/log-record.js';
import { WEFT_OPTIONS, type ResolvedWeftOptions } from '../weft-options.js';
import { Dispatchers } from './dispatchers.js';
import { RunsService } from './runs.service.js';
import { SERVER_IDENTITY } from './server-identity.js';

/** True while a process with this pid exists on this machine (one we may not signal counts too). */
function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * One owner per run, kept in the database every server shares.
 *
 * 1. At start this server registers, then takes over the runs whose owner is gone.
 * 2. Every third of the lease it beats: its runs' leases are renewed, and a run it runs but no
 *    longer owns (another server took it over after this one could not renew in time) is released
 *    here. If it cannot renew for a whole lease, it releases every run itself: another server may
 *    have taken them over. Those still its own at its next renewal it takes back (it never takes
 *    over its own runs, so nobody else would go on with them).
 * 3. Each beat, and at start, it looks for runs to take over: a lease that ran out (or no owner),
 *    or an owner that ran on this machine and whose process is gone. Of several servers that try
 *    at once exactly one wins (a compare-and-set on owner and lease). The winner kills the step
 *    processes the dead owner left on this machine, then resumes the run from its log, or with
 *    `resume: false` (or for a run of the command line, `weft run --db`) closes it `interrupted`.
 * 4. Every second (or each beat, if sooner) it looks for cancel requests sent to other servers for
 *    its runs.
 * 5. At shutdown its runs are handed over (or cancelled), then it unregisters.
 */
@Injectable()
export class RunOwnersService implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly #logger = new Logger('Ownership');
  #beat?: NodeJS.Timeout;
  #poll?: NodeJS.Timeout;
  #lastRenewal = Date.now();
  #stopping = false;
  /** The beat in progress, so that two never overlap and shutdown waits for it. */
  #busy: Promise<void> = Promise.resolve();
  /** Runs let go of because their leases could not be renewed: taken back here if still this server's. */
  readonly #letGo = new Set<string>();

  constructor(
    @Inject(WEFT_OPTIONS) private readonly options: ResolvedWeftOptions,
    @Inject(SERVER_IDENTITY) private readonly server: ServerIdentity,
    private readonly history: HistoryStore,
    private readonly runs: RunsService,
    private readonly dispatchers: Dispatchers,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.history.ownership.register(this.server);
    this.#lastRenewal = Date.now();
    this.#logger.log(logRecord('server registered', { server: this.server.id, leaseMs: this.options.leaseMs, resume: this.options.resume }));
    await this.#takeOver();
    const beatMs = Math.max(1, Math.floor(this.options.leaseMs / 3));
    this.#beat = setInterval(() => this.#serially(() => this.#heartbeat()), beatMs);
    this.#poll = setInterval(() => this.#serially(() => this.#cancelRequests()), Math.min(1000, beatMs));
    this.#beat.unref();
    this.#poll.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.#stopping = true;
    clearInterval(this.#beat);
    clearInterval(this.#poll);
    await this.#busy;
    await this.runs.shutdown();
    await this.dispatchers.close();
    // No step runs here any more: the process starter goes with the server.
    await stopProcessStarter();
    await this.history.ownership.unregister(this.server.id).catch(() => undefined);
  }

  #serially(work: () => Promise<void>): void {
    this.#busy = this.#busy.then(async () => {
      if (this.#stopping) return;
      try {
        await work();
      } catch (error) {
        this.#logger.error(logRecord('ownership check failed', { error: String(error) }));
      }
    });
  }

  async #heartbeat(): Promise<void> {
    // Only runs already running here when the beat starts can have been taken over: a run started
    // while the beat is in flight is recorded as this server's but may be missing from its answer.
    const before = this.runs.activeRunIds();
    let owned: string[];
    try {
      owned = await this.history.ownership.heartbeat(this.server.id, this.options.leaseMs);
      this.#lastRenewal = Date.now();
    } catch (error) {
      if (Date.now() - this.#lastRenewal < this.options.leaseMs) throw error;
      // No renewal for a whole lease: another server may be running these runs now.
      this.#logger.error(logRecord('could not renew the leases for a whole lease; letting go of every run', { error: String(error) }));
      const active = this.runs.activeRunIds();
      for (const runId of active) this.#letGo.add(runId);
      await Promise.all(active.map((runId) => this.runs.release(runId, 'its lease could not be renewed')));
      return;
    }
    const mine = new Set(owned);
    // Not among this server's running runs: taken over, or it has just finished here. Ask which.
    const missing = before.filter((runId) => !mine.has(runId));
    const owners = await this.history.ownership.owners(missing);
    for (const runId of missing) {
      if (owners.get(runId) !== this.server.id) await this.runs.release(runId, 'another server took it over');
    }
    await this.#takeBack(mine);
    await this.#takeOver();
  }

  /**
   * Goes on with the runs it let go of for lack of renewal that are still its own, running, and now
   * under the lease this beat renewed (no other server took them meanwhile): nobody else would, as a
   * server never takes over its own runs. They resume from their logs as after a takeover (or, with
   * `resume: false`, are closed `interrupted`).
   */
  async #takeBack(mine: ReadonlySet<string>): Promise<void> {
    const runIds = [...this.#letGo];
    this.#letGo.clear();
    for (const runId of runIds) {
      if (this.#stopping || !mine.has(runId)) continue;
      this.#logger.warn(logRecord('run taken back: its lease is renewed again', { runId }));
      if (this.options.resume) await this.runs.resume(runId);
      else await this.runs.interrupt(runId);
    }
  }

  async #takeOver(): Promise<void> {
    const { now, runs } = await this.history.ownership.othersRuns(this.server.id);
    for (const { run, reason } of takeoverCandidates(runs, this.server, now, processAlive)) {
      if (this.#stopping) return;
      if (!(await this.history.ownership.takeOver(run, this.server.id, this.options.leaseMs))) continue;
      this.#logger.warn(logRecord('run taken over', { runId: run.runId, from: run.owner, reason }));
      if (run.ownerServer === null || run.ownerServer.host === this.server.host) {
        const killed = this.dispatchers.reclaim([run.runId]);
        if (killed.length) this.#logger.warn(logRecord('killed step processes the lost server left running', { runId: run.runId, pids: killed }));
      }
      // A run of `weft run --db` has nobody watching it here: it is closed, never resumed.
      const resumable = this.options.resume && !run.owner?.startsWith(CLI_OWNER_PREFIX);
      if (resumable) await this.runs.resume(run.runId, { cancelled: run.cancelRequested });
      else await this.runs.interrupt(run.runId);
    }
  }

  async #cancelRequests(): Promise<void> {
    for (const runId of await this.history.ownership.cancelRequests(this.server.id)) this.runs.cancelHere(runId);
  }
}
