import type { Provider } from '@nestjs/common';
import { Semaphore, type ProcessSlots } from '@weft/core';
import { WEFT_OPTIONS, type ResolvedWeftOptions } from '../weft-options.js';

/** Injection token of the server-wide pool of step-process slots. */
export const PROCESS_SLOTS = Symbol('PROCESS_SLOTS');

/** One semaphore shared by every run: at most `maxProcesses` step processes at once, server-wide. */
export const processSlotsProvider: Provider<ProcessSlots> = {
  provide: PROCESS_SLOTS,
  useFactory: (options: ResolvedWeftOptions) => new Semaphore(options.maxProcesses),
  inject: [WEFT_OPTIONS],
};
