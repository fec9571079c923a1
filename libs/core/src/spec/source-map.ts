import { type Document, isMap, isPair, isScalar, isSeq, type LineCounter, type Node } from 'yaml';

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

/** A parsed document with the line starts of its text. */
export interface ParsedSource {
  readonly document: Document;
  readonly lines: LineCounter;
}

/**
 * Finds where a document path was written, using the ranges the `yaml` parser kept. The parse may
 * be deferred (`load` runs at the first lookup): JSON documents are only parsed for positions when
 * there is something to report.
 */
export class SourceMap {
  #source: ParsedSource | undefined;

  constructor(private readonly load: () => ParsedSource) {}

  get #parsed(): ParsedSource {
    return (this.#source ??= this.load());
  }

  /** Position of a character offset. */
  at(offset: number): SourcePosition {
    const { line, col } = this.#parsed.lines.linePos(offset);
    return { line, column: col };
  }

  /**
   * Position of the value at `path` — or, with `key: true`, of the key naming it. When the path does
   * not exist (a missing field), the position of the closest ancestor that does.
   */
  locate(path: readonly PathSegment[], options: { key?: boolean } = {}): SourcePosition | undefined {
    let node: unknown = this.#parsed.document.contents;
    let best: Node | undefined = isNode(node) ? node : undefined;
    for (let i = 0; i < path.length && node; i++) {
      const segment = path[i];
      let next: unknown;
      let keyNode: unknown;
      if (isMap(node)) {
        const pair = node.items.find(
          (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === String(segment),
        );
        next = pair?.value;
        keyNode = pair?.key;
      } else if (isSeq(node) && typeof segment === 'number') {
        next = node.items[segment];
      }
      if (next === undefined && keyNode === undefined) break;
      const last = i === path.length - 1;
      if (last && options.key && isNode(keyNode)) best = keyNode;
      else if (isNode(next)) best = next;
      else if (isNode(keyNode)) best = keyNode; // `key:` with no value
      node = next;
    }
    return best?.range ? this.at(best.range[0]) : undefined;
  }
}

function isNode(value: unknown): value is Node {
  return typeof value === 'object' && value !== null && 'range' in value;
}
