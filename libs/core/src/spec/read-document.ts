import * as path from 'node:path';
import { LineCounter, parseDocument, type YAMLError } from 'yaml';
import type { ValidationIssue } from '../errors/workflow-validation.error';
import { SourceMap } from './source-map';

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

const JSON_POSITION = /at position (\d+)/;
/** More aliases than this in one document is treated as an alias bomb. */
const MAX_ALIAS_COUNT = 100;

/** Parses YAML or JSON text, keeping source positions for every node. Never throws on bad input. */
export function readDocument(text: string, format: WorkflowFormat): SourceDocument {
  const lines = new LineCounter();
  const document = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: false });
  const sourceMap = new SourceMap(document, lines);
  const issue = (error: YAMLError, prefix = ''): ValidationIssue => ({
    path: '',
    ...sourceMap.at(error.pos[0]),
    message: prefix + firstLine(error.message),
  });

  if (format === 'json') {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      const message = (error as Error).message;
      const offset = JSON_POSITION.exec(message)?.[1];
      const yamlError = document.errors[0];
      const position =
        offset !== undefined
          ? sourceMap.at(Number(offset))
          : /end of JSON input/.test(message)
            ? sourceMap.at(text.length)
            : yamlError
              ? sourceMap.at(yamlError.pos[0])
              : undefined;
      return { format, value: undefined, sourceMap, issues: [{ path: '', ...position, message: `invalid JSON: ${message}` }] };
    }
    // JSON.parse silently keeps the last of duplicate keys; the YAML parser reports them.
    const duplicates = document.errors.filter((error) => error.code === 'DUPLICATE_KEY');
    return { format, value, sourceMap, issues: duplicates.map((error) => issue(error, 'invalid JSON: ')) };
  }

  const problems = [...document.errors, ...document.warnings].map((error) => issue(error, 'invalid YAML: '));
  if (problems.length > 0) return { format, value: undefined, sourceMap, issues: problems };
  try {
    return { format, value: document.toJS({ maxAliasCount: MAX_ALIAS_COUNT }), sourceMap, issues: [] };
  } catch (error) {
    return { format, value: undefined, sourceMap, issues: [{ path: '', message: `invalid YAML: ${(error as Error).message}` }] };
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
}
