import * as path from 'node:path';
import { LineCounter, parseDocument } from 'yaml';
import type { ValidationIssue } from '../errors/workflow-validation.error';
import { jsonDepthExceeded, MAX_DOCUMENT_DEPTH, valueDepthExceeded, yamlDepthExceeded } from './nesting-depth';
import { findJsonSyntaxError, scanJson } from './scan-json';
import { type ParsedSource, SourceMap } from './source-map';

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

/** Parses YAML or JSON text, keeping source positions for every node. Never throws on bad input. */
export function readDocument(text: string, format: WorkflowFormat): SourceDocument {
  const parse = (): ParsedSource => {
    const lines = new LineCounter();
    return {
      document: parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false }),
      lines,
    };
  };

  const nul = text.indexOf('\u0000');
  if (nul !== -1) {
    return {
      format,
      value: undefined,
      sourceMap: new SourceMap(() => ({ document: parseDocument(''), lines: lineCounterOf(text) })),
      issues: [{ path: '', ...positionAt(text, nul), message: 'not a text file: it holds binary data (a NUL byte); a workflow is YAML or JSON text' }],
    };
  }
  // Before any recursive parsing: hostile nesting must not reach the stack limit (see nesting-depth.ts).
  const tooDeep = format === 'json' ? jsonDepthExceeded(text) : yamlDepthExceeded(text);
  if (tooDeep !== -1) {
    return {
      format,
      value: undefined,
      sourceMap: new SourceMap(() => ({ document: parseDocument(''), lines: lineCounterOf(text) })),
      issues: [{ path: '', ...positionAt(text, tooDeep), message: tooDeepMessage(format) }],
    };
  }

  if (format === 'json') {
    // JSON.parse is fast; the YAML parser (for positions) only runs when there is something to report.
    const sourceMap = new SourceMap(parse);
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const found = findJsonSyntaxError(text);
      const position = found ? sourceMap.at(found.offset) : undefined;
      const message = found ? found.message : firstLine((error as Error).message);
      return {
        format,
        value: undefined,
        sourceMap,
        issues: [{ path: '', ...position, message: `invalid JSON: ${message}` }],
      };
    }
    // JSON.parse silently keeps the last of duplicate keys.
    const issues = scanJson(text).duplicateKeys.map(({ offset, key }) => ({
      path: '',
      ...sourceMap.at(offset),
      message: `invalid JSON: duplicate key ${JSON.stringify(key)}; each key may appear once per object`,
    }));
    if (valueDepthExceeded(value)) {
      return { format, value: undefined, sourceMap, issues: [{ path: '', message: tooDeepMessage(format) }] };
    }
    return { format, value, sourceMap, issues };
  }

  const parsed = parse();
  const sourceMap = new SourceMap(() => parsed);
  const problems = [...parsed.document.errors, ...parsed.document.warnings].map((error): ValidationIssue => ({
    path: '',
    ...sourceMap.at(error.pos[0]),
    message:
      error.code === 'MULTIPLE_DOCS'
        ? "invalid YAML: the file holds multiple documents (a '---' line); a workflow is one document"
        : `invalid YAML: ${firstLine(error.message)}`,
  }));
  if (problems.length > 0) return { format, value: undefined, sourceMap, issues: problems };
  try {
    const value: unknown = parsed.document.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
    if (valueDepthExceeded(value)) {
      // Aliases can nest (or loop) deeper than the text shows.
      return { format, value: undefined, sourceMap, issues: [{ path: '', message: tooDeepMessage(format) }] };
    }
    return { format, value, sourceMap, issues: [] };
  } catch (error) {
    return {
      format,
      value: undefined,
      sourceMap,
      issues: [{ path: '', message: `invalid YAML: ${(error as Error).message}` }],
    };
  }
}

/** Longest parser message kept: parsers quote whole tokens, which can be megabytes of garbage. */
const MAX_MESSAGE_LENGTH = 200;

function firstLine(message: string): string {
  const line = message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  return line.length > MAX_MESSAGE_LENGTH ? `${line.slice(0, MAX_MESSAGE_LENGTH)}…` : line;
}

function tooDeepMessage(format: WorkflowFormat): string {
  return `invalid ${format === 'json' ? 'JSON' : 'YAML'}: lists and mappings nest deeper than ${MAX_DOCUMENT_DEPTH} levels (or an alias refers to itself); flatten the document`;
}

function lineCounterOf(text: string): LineCounter {
  const lines = new LineCounter();
  lines.addNewLine(0);
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) lines.addNewLine(i + 1);
  return lines;
}

/** 1-based line and column of a character offset. */
function positionAt(text: string, offset: number): { line: number; column: number } {
  const { line, col } = lineCounterOf(text.slice(0, offset)).linePos(offset);
  return { line, column: col };
}
