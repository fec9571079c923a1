/** A step along a document path: a mapping key or a list index. */
export type PathSegment = string | number;

/** A 1-based position in the source text. */
export interface SourcePosition {
  readonly line: number;
  readonly column: number;
}

const SIMPLE_KEY = /^[A-Za-z_][A-Za-z0-9_-]*$/;

/** Formats a document path the way messages name fields: `steps[2].inputs.user`, `env["A B"]`. */
export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else if (SIMPLE_KEY.test(segment)) out += out ? `.${segment}` : segment;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/**
 * Where each part of a parsed document was written, as plain data (it crosses a worker boundary):
 * the offset of a value, and for a mapping or a list where each entry was written.
 */
export interface PositionNode {
  /** 0-based offset in the text where the value starts. */
  readonly at: number;
  /** A mapping's entries by key as text (the first of equal keys); `value` is absent for `key:` with nothing after it. */
  readonly entries?: Map<string, { readonly keyAt: number; readonly value?: PositionNode }>;
  /** A list's items. */
  readonly items?: readonly (PositionNode | undefined)[];
}

/** 0-based offsets where the lines of `text` start. */
export function lineStartsOf(text: string): Uint32Array {
  let count = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  const starts = new Uint32Array(count);
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts[line++] = i + 1;
  return starts;
}

/**
 * Finds where a document path was written. Positions come from a {@link PositionNode} tree, built
 * on first use (`positions` runs once): a valid document never pays for it.
 */
export class SourceMap {
  #lines: Uint32Array | undefined;
  #root: PositionNode | undefined | null = null;

  constructor(
    private readonly text: string,
    private readonly positions: () => PositionNode | undefined,
  ) {}

  get #tree(): PositionNode | undefined {
    if (this.#root === null) this.#root = this.positions();
    return this.#root;
  }

  /** Position of a character offset. */
  at(offset: number): SourcePosition {
    const starts = (this.#lines ??= lineStartsOf(this.text));
    let low = 0;
    let high = starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (starts[mid] <= offset) low = mid;
      else high = mid - 1;
    }
    return { line: low + 1, column: offset - starts[low] + 1 };
  }

  /**
   * Position of the value at `path` — or, with `key: true`, of the key naming it. When the path does
   * not exist (a missing field), the position of the closest ancestor that does.
   */
  locate(path: readonly PathSegment[], options: { key?: boolean } = {}): SourcePosition | undefined {
    let node = this.#tree;
    let best = node?.at;
    for (let i = 0; i < path.length && node; i++) {
      const segment = path[i];
      let next: PositionNode | undefined;
      let keyAt: number | undefined;
      if (node.entries) {
        const entry = node.entries.get(String(segment));
        next = entry?.value;
        keyAt = entry?.keyAt;
      } else if (node.items && typeof segment === 'number') {
        next = node.items[segment];
      }
      if (next === undefined && keyAt === undefined) break;
      if (i === path.length - 1 && options.key && keyAt !== undefined) best = keyAt;
      else if (next) best = next.at;
      else best = keyAt; // `key:` with no value
      node = next;
    }
    return best === undefined ? undefined : this.at(best);
  }
}
