import { CST, Lexer } from 'yaml';

/**
 * Deepest nesting of lists and mappings a workflow document may have. Far above any real workflow;
 * it keeps hostile documents away from the recursive parts of the YAML parser (a stack overflow
 * there can leave V8 unable to compile regular expressions and abort the whole process) and from
 * every recursive walk over the parsed value.
 */
export const MAX_DOCUMENT_DEPTH = 64;

/** Lexer tokens that stand for no source text (document, scalar and flow-end markers). */
const MARKERS = new Set(['\x02', '\x18', '\x1f']);

/**
 * Offset in YAML text where lists and mappings first nest deeper than `limit`, or -1. Reads the
 * `yaml` lexer's tokens (the lexer is iterative and fast): flow depth exactly, block depth as the
 * open indentation levels plus the `-`, `?` and `:` indicators of the line — a slight overestimate.
 */
export function yamlDepthExceeded(text: string, limit = MAX_DOCUMENT_DEPTH): number {
  const indents: number[] = [];
  let flow = 0;
  let offset = 0;
  let lineStart = true;
  let indent = 0;
  let onLine = 0;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    if (type === 'newline') {
      lineStart = true;
      indent = 0;
      onLine = 0;
    } else if (type === 'space' && lineStart) {
      indent = token.length;
    } else if (type === 'doc-start') {
      indents.length = 0;
      flow = 0;
    } else if (type !== 'comment' && type !== 'space' && !MARKERS.has(token)) {
      if (lineStart && flow === 0) {
        while (indents.length > 0 && indents[indents.length - 1] >= indent) indents.pop();
        indents.push(indent);
      }
      lineStart = false;
      let deeper = false;
      if (type === 'flow-map-start' || type === 'flow-seq-start') deeper = ++flow > 0;
      else if (type === 'flow-map-end' || type === 'flow-seq-end') flow = Math.max(0, flow - 1);
      else if (flow === 0 && (type === 'seq-item-ind' || type === 'explicit-key-ind' || type === 'map-value-ind')) {
        deeper = ++onLine > 0;
      }
      if (deeper && indents.length - 1 + onLine + flow > limit) return offset;
    }
    if (!MARKERS.has(token)) offset += token.length;
  }
  return -1;
}

/** Offset of the first `[` or `{` in JSON text that nests deeper than `limit`, or -1. */
export function jsonDepthExceeded(text: string, limit = MAX_DOCUMENT_DEPTH): number {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 92 /* \ */) i++;
      else if (code === 34 /* " */) inString = false;
    } else if (code === 34) inString = true;
    else if (code === 91 /* [ */ || code === 123 /* { */) {
      if (++depth > limit) return i;
    } else if (code === 93 /* ] */ || code === 125 /* } */) depth--;
  }
  return -1;
}

/**
 * True when a parsed value nests deeper than `limit` — YAML aliases can build deeper (or circular)
 * values than the text shows. Walks with an explicit stack, so it never overflows itself.
 */
export function valueDepthExceeded(value: unknown, limit = MAX_DOCUMENT_DEPTH): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== 'object' || node === null) continue;
    if (depth + 1 > limit) return true;
    for (const entry of Array.isArray(node) ? node : Object.values(node)) {
      if (typeof entry === 'object' && entry !== null) stack.push([entry, depth + 1]);
    }
  }
  return false;
}
