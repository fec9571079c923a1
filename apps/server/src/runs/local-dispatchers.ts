import { Inject, Injectable } from '@nestjs/common';
import { LocalDispatcher, type ProcessSlots } from '@weft/core';
import { StepTypesLoader } from '../step-types/step-types.loader.js';
import { WEFT_OPTIONS, type ResolvedWeftOptions } from '../weft-options.js';
import { PROCESS_SLOTS } from './process-slots.provider.js';

/**
 * The dispatchers that run attempts on this machine, sharing the server-wide process slots: one for
 * workflows sent over the API (their folder must stay inside the workspace, links followed, at every
 * attempt) and one for workflows read from files the operator put there.
 */
@Injectable()
export class LocalDispatchers {
  #confined?: LocalDispatcher;
  #open?: LocalDispatcher;

  constructor(
    @Inject(WEFT_OPTIONS) private readonly options: ResolvedWeftOptions,
    @Inject(PROCESS_SLOTS) private readonly processSlots: ProcessSlots,
    private readonly stepTypes: StepTypesLoader,
  ) {}

  /** The dispatcher for a stored workflow: confined to the workspace unless it came from a file. */
  for(stored: { readonly sourcePath: string | null }): LocalDispatcher {
    if (stored.sourcePath !== null) {
      return (this.#open ??= new LocalDispatcher({ stepTypes: this.stepTypes.registry, processSlots: this.processSlots }));
    }
    return (this.#confined ??= new LocalDispatcher({
      stepTypes: this.stepTypes.registry,
      processSlots: this.processSlots,
      confineTo: this.options.workspace,
    }));
  }

  /** Kills the step processes of `runIds` that a dead server left on this machine. Returns the pids. */
  reclaim(runIds: Iterable<string>): number[] {
    return LocalDispatcher.reclaim(runIds);
  }
}
