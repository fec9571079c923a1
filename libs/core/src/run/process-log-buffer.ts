/**
 * Keeps the last `maxBytes` bytes of a stream of chunks, whatever the stream's total size.
 *
 * Memory stays under about twice `maxBytes`: whole chunks are dropped from the front as new ones
 * arrive, and the exact byte cut is made once, in {@link ProcessLogBuffer.toString}.
 */
export class ProcessLogBuffer {
  readonly #maxBytes: number;
  /** Kept chunks, oldest first, starting at `#head`. */
  #chunks: Buffer[] = [];
  #head = 0;
  /** Bytes held in `#chunks[#head..]`. */
  #heldBytes = 0;
  /** Bytes ever written. */
  #totalBytes = 0;

  /** @param maxBytes bytes of log kept: the last this many. */
  constructor(maxBytes: number) {
    if (!Number.isFinite(maxBytes) || maxBytes < 0) {
      throw new TypeError(`Expected maxBytes to be a number >= 0, got ${String(maxBytes)}`);
    }
    this.#maxBytes = Math.floor(maxBytes);
  }

  /** Bytes written so far, kept or not. */
  get totalBytes(): number {
    return this.#totalBytes;
  }

  /** Bytes that no longer fit and were dropped from the front. */
  get droppedBytes(): number {
    return Math.max(0, this.#totalBytes - this.#maxBytes);
  }

  write(chunk: Buffer | string): void {
    let data = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
    if (data.length === 0) return;
    this.#totalBytes += data.length;
    if (this.#maxBytes === 0) return;
    if (data.length >= this.#maxBytes) {
      // Copy the tail so the (possibly huge) source buffer can be freed.
      data = Buffer.from(data.subarray(data.length - this.#maxBytes));
      this.#chunks = [];
      this.#head = 0;
      this.#heldBytes = 0;
    }
    this.#chunks.push(data);
    this.#heldBytes += data.length;
    // Drop whole chunks while the rest still covers maxBytes.
    while (this.#heldBytes - this.#chunks[this.#head].length >= this.#maxBytes) {
      this.#heldBytes -= this.#chunks[this.#head].length;
      this.#head++;
    }
    if (this.#head > 64 && this.#head * 2 > this.#chunks.length) {
      this.#chunks = this.#chunks.slice(this.#head);
      this.#head = 0;
    }
  }

  /** The kept log as text, after a `[weft: N earlier bytes dropped]` line when anything was dropped. */
  toString(): string {
    const held = Buffer.concat(this.#chunks.slice(this.#head), this.#heldBytes);
    let start = Math.max(0, held.length - this.#maxBytes);
    if (start > 0 || this.#totalBytes > held.length) {
      // Do not begin in the middle of a UTF-8 character.
      while (start < held.length && (held[start] & 0xc0) === 0x80) start++;
    }
    const kept = held.subarray(start);
    const dropped = this.#totalBytes - kept.length;
    const text = kept.toString('utf8');
    return dropped > 0 ? `[weft: ${dropped} earlier bytes dropped]\n${text}` : text;
  }
}
