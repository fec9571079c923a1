import type { StepId } from '../spec/workflow.types';

/**
 * The longest probe of the table. At most half full, ids that hash apart come nowhere near it;
 * ids made to collide (a hostile workflow) hand the lookups over to a Map rather than each walking
 * all of them.
 */
const MAX_PROBE = 64;

/** Steps numbered at a time: enough for the CPU to overlap their cache misses, few enough to stay in cache. */
const BATCH = 256;

/**
 * Step id → number, for laying the edges out; a repeated id keeps its first number (validation
 * reports the repeat).
 *
 * An open-addressing hash table in one Int32Array, sized once, rather than a `Map`: a Map grows by
 * rehashing and lives on the heap, where the scavenger copies it. And the steps are numbered as the
 * layout reaches them, a batch at a time ({@link numberThrough}), not all up front: a step mostly
 * needs steps declared shortly before it, whose ids and slots were touched moments ago and are still
 * in the CPU's cache. So the cost per step stays flat as workflows grow (section 1 of
 * docs/benchmarks.md measures it).
 */
export class StepNumbers {
  readonly #ids: readonly StepId[];
  readonly #mask: number;
  /** Step number + 1 by slot; 0 is a free slot. */
  readonly #slots: Int32Array;
  /** The hashes of the batch being numbered. */
  readonly #hashes = new Int32Array(BATCH);
  /** Steps `0 … numbered - 1` are in the table. */
  #numbered = 0;
  /** Takes over when the table cannot hold an id (too long a probe, or not a string). */
  #map: Map<StepId, number> | undefined;

  constructor(ids: readonly StepId[]) {
    this.#ids = ids;
    let size = 16;
    while (size < ids.length * 2) size *= 2;
    this.#mask = size - 1;
    this.#slots = new Int32Array(size);
  }

  /** Numbers the steps declared up to `last` (included), and the rest of its batch. */
  numberThrough(last: number): void {
    const ids = this.#ids;
    while (this.#numbered <= last && this.#numbered < ids.length) {
      const start = this.#numbered;
      const end = Math.min(start + BATCH, ids.length);
      if (!this.#hashBatch(start, end)) return this.#giveWayToMap();
      // Hashing the whole batch first keeps each loop's cache misses independent of one another (an
      // id's slot is not known before its text is read), so the CPU overlaps them.
      for (let i = start; i < end; i++) {
        const slot = this.#slotAt(this.#hashes[i - start], ids[i]);
        if (slot === -1) return this.#giveWayToMap();
        if (this.#slots[slot] === 0) this.#slots[slot] = i + 1;
      }
      this.#numbered = end;
    }
  }

  /** The number of the step with this id, -1 if there is none. */
  numberOf(id: StepId): number {
    if (this.#map) return this.#map.get(id) ?? -1;
    // Every id in the table sits within MAX_PROBE of its hash: a longer probe means an unknown id.
    const slot = typeof id === 'string' ? this.#slotAt(hashOf(id), id) : -1;
    const number = slot === -1 ? -1 : this.#slots[slot] - 1;
    if (number !== -1 || this.#numbered === this.#ids.length) return number;
    // A step declared further down: number them all.
    this.numberThrough(this.#ids.length - 1);
    return this.numberOf(id);
  }

  /** Hashes the ids of steps `start … end - 1`; false if one is not a string. */
  #hashBatch(start: number, end: number): boolean {
    const ids = this.#ids;
    for (let i = start; i < end; i++) {
      const id = ids[i];
      if (typeof id !== 'string') return false;
      this.#hashes[i - start] = hashOf(id);
    }
    return true;
  }

  #giveWayToMap(): void {
    this.#map = stepIndex(this.#ids);
    this.#numbered = this.#ids.length;
  }

  /** The slot holding `id` (of hash `hash`), else the free slot where it goes; -1 when the probe runs too long. */
  #slotAt(hash: number, id: string): number {
    const ids = this.#ids;
    const slots = this.#slots;
    let slot = hash & this.#mask;
    for (let probe = 0; probe < MAX_PROBE; probe++) {
      const held = slots[slot];
      if (held === 0 || ids[held - 1] === id) return slot;
      slot = (slot + 1) & this.#mask;
    }
    return -1;
  }
}

/** Step id → number as a Map (a repeated id keeps its first number). */
export function stepIndex(ids: readonly StepId[]): Map<StepId, number> {
  const index = new Map<StepId, number>();
  for (let i = 0; i < ids.length; i++) if (!index.has(ids[i])) index.set(ids[i], i);
  return index;
}

/**
 * FNV-1a over the UTF-16 code units, the high bits folded onto the low ones that pick the slot.
 * (Exported for the tests that make ids collide.)
 */
export function hashOf(id: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < id.length; i++) hash = Math.imul(hash ^ id.charCodeAt(i), 0x01000193);
  return hash ^ (hash >>> 16);
}
