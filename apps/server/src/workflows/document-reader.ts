import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { Injectable, type OnModuleDestroy } from '@nestjs/common';
import { documentFromReading, type DocumentReading, type SourceDocument, type WorkflowFormat } from '@weft/core';

/** Options of a {@link DocumentReader}. */
export interface DocumentReaderOptions {
  /** Worker threads reading at once. @default 1 on 2 cores or fewer, else 2 */
  readonly workers?: number;
  /** Longest a document may take to read before its worker is stopped, in ms. @default 10000 */
  readonly timeoutMs?: number;
  /** Heap a worker may use, in MiB. @default 1024 */
  readonly maxMemoryMb?: number;
}

/** A document that took too long or too much memory to read. */
export class DocumentTooComplexError extends Error {
  override readonly name = 'DocumentTooComplexError';
}

interface Job {
  readonly text: string;
  readonly format: WorkflowFormat;
  resolve(reading: DocumentReading): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker | null;
  /** The worker has loaded the reader and waits for documents. */
  ready: boolean;
  job: Job | null;
  timer: NodeJS.Timeout | null;
}

/** @weft/core's compiled entry, found through its package.json (so an installed package works). */
function coreEntry(): string {
  const manifest = createRequire(import.meta.url).resolve('@weft/core/package.json');
  const { main } = JSON.parse(readFileSync(manifest, 'utf8')) as { main?: string };
  return join(dirname(manifest), main ?? 'index.js');
}
const CORE_ENTRY = coreEntry();
const WORKER_SOURCE = `
const { parentPort } = require('node:worker_threads');
const { readDocumentForTransfer } = require(${JSON.stringify(CORE_ENTRY)});
parentPort.on('message', ({ text, format }) => parentPort.postMessage({ reading: readDocumentForTransfer(text, format) }));
parentPort.postMessage({ ready: true });
`;

/**
 * Reads workflow documents (YAML or JSON text → value, syntax issues, positions) on worker threads,
 * so a large or hostile document never holds the server's event loop: the `yaml` parser needs
 * about a second per MiB of many small nodes. A read past `timeoutMs`, or one that runs its worker
 * out of memory, fails with {@link DocumentTooComplexError} and the worker is replaced.
 *
 * Jobs queue in arrival order; idle workers are kept (unref'd) for the next document.
 */
@Injectable()
export class DocumentReader implements OnModuleDestroy {
  readonly #slots: Slot[];
  readonly #queue: Job[] = [];
  readonly #timeoutMs: number;
  readonly #maxMemoryMb: number;
  #closed = false;

  constructor(options: DocumentReaderOptions = {}) {
    const workers = options.workers ?? (availableParallelism() <= 2 ? 1 : 2);
    if (!Number.isInteger(workers) || workers < 1) throw new TypeError(`Expected workers to be an integer of at least 1, got ${workers}`);
    this.#slots = Array.from({ length: workers }, () => ({ worker: null, ready: false, job: null, timer: null }));
    this.#timeoutMs = options.timeoutMs ?? 10_000;
    this.#maxMemoryMb = options.maxMemoryMb ?? 1024;
  }

  /** Reads `text` off the event loop; resolves with the document, its issues and its positions. */
  read(text: string, format: WorkflowFormat): Promise<SourceDocument> {
    if (this.#closed) return Promise.reject(new Error('the document reader is closed'));
    return new Promise<DocumentReading>((resolve, reject) => {
      this.#queue.push({ text, format, resolve, reject });
      this.#pump();
    }).then((reading) => documentFromReading(text, reading));
  }

  onModuleDestroy(): Promise<void> {
    return this.close();
  }

  /** Stops the workers; queued and running reads fail. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const job of this.#queue.splice(0)) job.reject(new Error('the document reader is closed'));
    await Promise.all(this.#slots.map((slot) => this.#stop(slot, new Error('the document reader is closed'))));
  }

  /** Gives queued documents to idle workers; a worker still starting gets one once it is ready. */
  #pump(): void {
    for (const slot of this.#slots) {
      if (slot.job || this.#queue.length === 0) continue;
      const worker = (slot.worker ??= this.#spawn(slot));
      worker.ref();
      if (!slot.ready) continue;
      const job = this.#queue.shift()!;
      slot.job = job;
      // The time limit counts the read alone, not the worker's start-up.
      slot.timer = setTimeout(() => {
        const limit = this.#timeoutMs < 1000 ? `${this.#timeoutMs} ms` : `${Math.round(this.#timeoutMs / 100) / 10} s`;
        void this.#stop(slot, new DocumentTooComplexError(`reading the document took longer than ${limit}: it is too large or too complex`));
      }, this.#timeoutMs);
      worker.postMessage({ text: job.text, format: job.format });
    }
  }

  #spawn(slot: Slot): Worker {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      resourceLimits: { maxOldGenerationSizeMb: this.#maxMemoryMb },
      stdout: false,
      stderr: false,
    });
    worker.on('message', (message: { ready: true } | { reading: DocumentReading }) => {
      if ('ready' in message) {
        slot.ready = true;
        if (this.#queue.length === 0) worker.unref();
        this.#pump();
        return;
      }
      const job = this.#finish(slot);
      worker.unref();
      job?.resolve(message.reading);
      this.#pump();
    });
    worker.on('error', (error: Error & { code?: string }) => {
      const tooBig = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      const reason = tooBig
        ? new DocumentTooComplexError(`reading the document needed more than ${this.#maxMemoryMb} MiB: it is too large or too complex`)
        : new Error(`the document reader failed: ${error.message}`);
      // A worker that cannot even start would be started again for ever: fail what waits instead.
      if (!slot.ready) for (const job of this.#queue.splice(0)) job.reject(reason);
      void this.#stop(slot, reason);
    });
    worker.on('exit', () => {
      if (slot.worker !== worker) return;
      const stopped = new Error('the document reader stopped unexpectedly');
      if (!slot.ready) for (const job of this.#queue.splice(0)) job.reject(stopped);
      slot.worker = null;
      slot.ready = false;
      this.#finish(slot)?.reject(stopped);
      this.#pump();
    });
    worker.unref();
    return worker;
  }

  /** Clears the slot's job and timer; returns the job. */
  #finish(slot: Slot): Job | null {
    const job = slot.job;
    slot.job = null;
    if (slot.timer) clearTimeout(slot.timer);
    slot.timer = null;
    return job;
  }

  /** Fails the slot's job with `reason`, stops its worker; the next job gets a new one. */
  async #stop(slot: Slot, reason: Error): Promise<void> {
    const job = this.#finish(slot);
    const worker = slot.worker;
    slot.worker = null;
    slot.ready = false;
    job?.reject(reason);
    if (worker) await worker.terminate();
    if (!this.#closed) this.#pump();
  }
}
