import * as path from 'node:path';
import { parseDocument } from 'yaml';
import type { ValidationIssue } from '../errors/workflow-validation.error';
import { jsonDepthExceeded, MAX_DOCUMENT_DEPTH, valueDepthExceeded, yamlDepthExceeded } from './nesting-depth';
import { findJsonSyntaxError, jsonPositions, scanJson } from './scan-json';
import { type PositionNode, SourceMap, type SourcePosition } from './source-map';
import { yamlDuplicateKeys, yamlPositions } from './yaml-nodes';
import { escapeControlCharacters } from './control-characters';

/** The text formats a workflow is written in. */
export type WorkflowFormat = 'yaml' | 'json';

/** A parsed document: its plain value, where each part was written, and any syntax errors. */
export interface SourceDocument {
  readonly format: WorkflowFormat;
  /** The document as plain JSON-like data (undefined when it did not parse). */
  readonly value: unknown;
  readonly sourceMap: SourceMap;
  /** Syntax errors, duplicate keys and YAML warnings, each with line and column. */
  readonly issues: ValidationIssue[];
  /** True when the text is empty or only white space. */
  readonly empty: boolean;
}

/**
 * Picks the format: the explicit one, else by file extension (`.json`; `.yml`/`.yaml`), else by
 * content (a document starting with `{` or `[` is JSON).
 */
export function detectFormat(text: string, fileName?: string, format?: WorkflowFormat): WorkflowFormat {
  if (format) return format;
  const extension = fileName ? path.extname(fileName).toLowerCase() : '';
  if (extension === '.json') return 'json';
  if (extension === '.yml' || extension === '.yaml') return 'yaml';
  return /^\s*[{[]/.test(text) ? 'json' : 'yaml';
}

/** More aliases than this in one document is treated as an alias bomb. */
const MAX_ALIAS_COUNT = 100;

/**
 * What reading a document found, as plain data that can cross a worker boundary: the value, the
 * issues (already positioned), and for YAML where every part was written (JSON positions are cheap
 * to find again from the text).
 */
export interface DocumentReading {
  readonly format: WorkflowFormat;
  readonly value: unknown;
  readonly issues: ValidationIssue[];
  readonly positions?: PositionNode;
}

/**
 * Parses YAML or JSON text, keeping source positions for every node. Never throws on bad input.
 * Linear in the size of the text whatever its shape (duplicate keys are found with one set per
 * mapping; the `yaml` package's own check compares every key with every earlier one).
 */
export function readDocument(text: string, format: WorkflowFormat): SourceDocument {
  const result = read(text, format);
  return { format, value: result.value, issues: result.issues, sourceMap: new SourceMap(text, result.positions), empty: isBlank(text) };
}

/** {@link readDocument} as plain data, for a worker thread to send back (see `documentFromReading`). */
export function readDocumentForTransfer(text: string, format: WorkflowFormat): DocumentReading {
  const { value, issues, positions } = read(text, format);
  return { format, value, issues, ...(format === 'yaml' && value !== undefined ? { positions: positions() } : {}) };
}

/** The {@link SourceDocument} of a reading made elsewhere (a worker thread) from the same text. */
export function documentFromReading(text: string, reading: DocumentReading): SourceDocument {
  const positions = reading.positions ? () => reading.positions : reading.format === 'json' ? () => jsonPositions(text) : () => undefined;
  return { format: reading.format, value: reading.value, issues: reading.issues, sourceMap: new SourceMap(text, positions), empty: isBlank(text) };
}

const isBlank = (text: string): boolean => text.trim() === '';

type Read = { value: unknown; issues: ValidationIssue[]; positions: () => PositionNode | undefined };
const none = (): undefined => undefined;

function read(text: string, format: WorkflowFormat): Read {
  const nul = text.indexOf('\u0000');
  if (nul !== -1) {
    const issue = 'not a text file: it holds binary data (a NUL byte); a workflow is YAML or JSON text';
    return { value: undefined, positions: none, issues: [{ path: '', ...positionAt(text, nul), message: issue }] };
  }
  // Before any recursive parsing: hostile nesting must not reach the stack limit (see nesting-depth.ts).
  const tooDeep = format === 'json' ? jsonDepthExceeded(text) : yamlDepthExceeded(text);
  if (tooDeep !== -1) {
    return { value: undefined, positions: none, issues: [{ path: '', ...positionAt(text, tooDeep), message: tooDeepMessage(format) }] };
  }
  return format === 'json' ? readJson(text) : readYaml(text);
}

function readJson(text: string): Read {
  const positions = () => jsonPositions(text);
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    // JSON.parse's messages often have no offset: find the error ourselves.
    const found = findJsonSyntaxError(text);
    const message = found ? found.message : firstLine((error as Error).message);
    return { value: undefined, positions: none, issues: [{ path: '', ...(found ? positionAt(text, found.offset) : {}), message: `invalid JSON: ${message}` }] };
  }
  // JSON.parse silently keeps the last of duplicate keys.
  const duplicates = scanJson(text).duplicateKeys;
  if (duplicates.length > 0) {
    const at = offsetPositions(text);
    const issues = duplicates.map(({ offset, key }) => ({
      path: '',
      ...at(offset),
      message: `invalid JSON: duplicate key ${JSON.stringify(key)}; each key may appear once per object`,
    }));
    return { value: undefined, positions, issues };
  }
  if (valueDepthExceeded(value)) return { value: undefined, positions, issues: [{ path: '', message: tooDeepMessage('json') }] };
  return { value, positions, issues: [] };
}

function readYaml(text: string): Read {
  const document = parseDocument(text, { uniqueKeys: false, prettyErrors: false });
  const positions = () => yamlPositions(document);
  const at = offsetPositions(text);
  const problems: ValidationIssue[] = [...document.errors, ...document.warnings].map((error) => ({
    path: '',
    ...at(error.pos[0]),
    message:
      error.code === 'MULTIPLE_DOCS'
        ? "invalid YAML: the file holds multiple documents (a '---' line); a workflow is one document"
        : `invalid YAML: ${firstLine(error.message)}`,
  }));
  for (const { offset, key } of yamlDuplicateKeys(document)) {
    problems.push({ path: '', ...at(offset), message: `invalid YAML: duplicate key ${JSON.stringify(key)}; each key may appear once per mapping` });
  }
  if (problems.length > 0) return { value: undefined, positions, issues: problems.sort(byPosition) };
  try {
    const value: unknown = document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    if (valueDepthExceeded(value)) {
      // Aliases can nest (or loop) deeper than the text shows.
      return { value: undefined, positions, issues: [{ path: '', message: tooDeepMessage('yaml') }] };
    }
    return { value, positions, issues: [] };
  } catch (error) {
    return { value: undefined, positions, issues: [{ path: '', message: `invalid YAML: ${firstLine((error as Error).message)}` }] };
  }
}

const byPosition = (a: ValidationIssue, b: ValidationIssue): number => (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);

/** Longest parser message kept: parsers quote whole tokens, which can be megabytes of garbage. */
const MAX_MESSAGE_LENGTH = 200;

/** A parser's message as one printable line (it may quote the document), capped. */
function firstLine(message: string): string {
  const line = escapeControlCharacters(message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, ''));
  return line.length > MAX_MESSAGE_LENGTH ? `${line.slice(0, MAX_MESSAGE_LENGTH)}…` : line;
}

function tooDeepMessage(format: WorkflowFormat): string {
  return `invalid ${format === 'json' ? 'JSON' : 'YAML'}: lists and mappings nest deeper than ${MAX_DOCUMENT_DEPTH} levels (or an alias refers to itself); flatten the document`;
}

/** Positions of offsets in `text` (the line starts are found once). */
function offsetPositions(text: string): (offset: number) => SourcePosition {
  const map = new SourceMap(text, () => undefined);
  return (offset) => map.at(offset);
}

/** 1-based line and column of a character offset. */
function positionAt(text: string, offset: number): SourcePosition {
  return offsetPositions(text)(offset);
}
