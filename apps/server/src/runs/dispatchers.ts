import { Inject, Injectable, Logger } from '@nestjs/common';
import { LocalDispatcher, type ProcessSlots, type StepDispatcher } from '@weft/core';
import type { ServerIdentity } from '@weft/history';
import { QueueDispatcher } from '@weft/queue';
import { logRecord } from '../logging/log-record.js';
import { StepTypesLoader } from '../step-types/step-types.loader.js';
import { WEFT_OPTIONS, type ResolvedWeftOptions } from '../weft-options.js';
import { PROCESS_SLOTS } from './process-slots.provider.js';
import { SERVER_IDENTITY } from './server-identity.js';

/**
 * Where this server's runs send their attempts. With a queue (`queueUrl`), one {@link QueueDispatcher}
 * sends every attempt to `weft worker` processes through Redis (`maxProcesses` caps the attempts
 * running across the cluster). Without one, attempts run on this machine, sharing the server-wide
 * process slots: one dispatcher for workflows sent over the API (their folder must stay inside the
 * workspace, links followed, at every attempt) and one for workflows read from files the operator
 * put there.
 */
@Injectable()
export class Dispatchers {
  readonly #logger = new Logger('Dispatch');
  #confined?: LocalDispatcher;
  #open?: LocalDispatcher;
  readonly queue: QueueDispatcher | null;

  constructor(
    @Inject(WEFT_OPTIONS) private readonly options: ResolvedWeftOptions,
    @Inject(PROCESS_SLOTS) private readonly processSlots: ProcessSlots,
    @Inject(SERVER_IDENTITY) server: ServerIdentity,
    private readonly stepTypes: StepTypesLoader,
  ) {
    this.queue =
      options.queueUrl === null
        ? null
        : new QueueDispatcher({
            url: options.queueUrl,
            serverId: server.id,
            lostAfterMs: options.workerLostMs,
            bundleLimitBytes: options.bundleLimitBytes,
            maxInFlight: options.clusterMaxProcesses,
            log: (msg, fields) => this.#logger.warn(logRecord(msg, fields)),
          });
  }

  /** The dispatcher for a stored workflow: the queue, else local and confined to the workspace unless it came from a file. */
  for(stored: { readonly sourcePath: string | null }): StepDispatcher {
    if (this.queue) return this.queue;
    if (stored.sourcePath !== null) {
      return (this.#open ??= new LocalDispatcher({ stepTypes: this.stepTypes.registry, processSlots: this.processSlots }));
    }
    return (this.#confined ??= new LocalDispatcher({
      stepTypes: this.stepTypes.registry,
      processSlots: this.processSlots,
      confineTo: this.options.workspace,
    }));
  }

  /**
   * Kills the step processes of `runIds` that a dead server left on this machine. Returns the pids.
   * With a queue there are none: attempts run on workers (which may share this machine), and a run
   * taken over re-attaches to them.
   */
  reclaim(runIds: Iterable<string>): number[] {
    return this.queue ? [] : LocalDispatcher.reclaim(runIds);
  }

  /** Stops waiting on the queue (the attempts go on on their workers). */
  async close(): Promise<void> {
    await this.queue?.close();
  }
}
