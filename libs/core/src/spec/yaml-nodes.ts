import { type Document, isAlias, isMap, isScalar, isSeq, type Node } from 'yaml';
import type { PositionNode } from './source-map';

type MutablePosition = { at: number; entries?: Map<string, { keyAt: number; value?: PositionNode }>; items?: (PositionNode | undefined)[] };

/** A parsed node with its source range (every node the parser made has one). */
function isPlaced(value: unknown): value is Node & { range: [number, number, number] } {
  return typeof value === 'object' && value !== null && Array.isArray((value as { range?: unknown }).range);
}

/** Every mapping and list of a document, walked with an explicit stack (aliases are not followed). */
function* collections(document: Document): Generator<Node> {
  const stack: unknown[] = [document.contents];
  while (stack.length > 0) {
    const node = stack.pop();
    if (isMap(node)) {
      yield node;
      for (const pair of node.items) stack.push(pair.value, pair.key);
    } else if (isSeq(node)) {
      yield node;
      for (const item of node.items) stack.push(item);
    } else if (node && typeof node === 'object' && 'key' in node && 'value' in node) {
      const pair = node as { key: unknown; value: unknown }; // a pair inside a flow list: [a: b]
      stack.push(pair.value, pair.key);
    }
  }
}

/**
 * Keys written twice in one mapping: each mapping's scalar keys go through one set, so this is
 * linear (the parser's own `uniqueKeys` check is quadratic in the size of a mapping). Keys are equal
 * when their values are (`1` and `"1"` differ), as the YAML parser compares them.
 */
export function yamlDuplicateKeys(document: Document): { offset: number; key: string }[] {
  const duplicates: { offset: number; key: string }[] = [];
  for (const node of collections(document)) {
    if (!isMap(node)) continue;
    const seen = new Set<unknown>();
    for (const { key } of node.items) {
      if (!isScalar(key) || Number.isNaN(key.value)) continue;
      if (!seen.has(key.value)) seen.add(key.value);
      else if (isPlaced(key)) duplicates.push({ offset: key.range[0], key: String(key.value) });
    }
  }
  return duplicates.sort((a, b) => a.offset - b.offset);
}

/** Where every value and scalar key of a YAML document was written (undefined for an empty one). */
export function yamlPositions(document: Document): PositionNode | undefined {
  const root = document.contents;
  if (!isPlaced(root)) return undefined;
  const make = (node: Node & { range: [number, number, number] }): MutablePosition =>
    isMap(node) ? { at: node.range[0], entries: new Map() } : isSeq(node) ? { at: node.range[0], items: [] } : { at: node.range[0] };
  const top = make(root);
  const stack: [Node, MutablePosition][] = [[root, top]];
  while (stack.length > 0) {
    const [node, position] = stack.pop()!;
    if (isAlias(node)) continue;
    if (isMap(node)) {
      for (const { key, value } of node.items) {
        if (!isScalar(key) || !isPlaced(key)) continue;
        const text = String(key.value);
        if (position.entries!.has(text)) continue;
        const child = isPlaced(value) ? make(value) : undefined;
        position.entries!.set(text, child ? { keyAt: key.range[0], value: child } : { keyAt: key.range[0] });
        if (child) stack.push([value as Node, child]);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) {
        const child = isPlaced(item) ? make(item) : undefined;
        position.items!.push(child);
        if (child) stack.push([item as Node, child]);
      }
    }
  }
  return top;
}
