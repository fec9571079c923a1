import { constants, statSync } from 'node:fs';
import { open } from 'node:fs/promises';

/** Non-blocking so a FIFO left in place of the file cannot block the open (it is refused as not a file). */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/** The outputs a step wrote, or why they were refused. */
export type ProcessOutputsResult =
  | { readonly ok: true; readonly outputs: Record<string, unknown> }
  | {
      readonly ok: false;
      readonly reason: 'invalid_outputs' | 'outputs_too_large';
      readonly message: string;
    };

/**
 * Whether the step left anything at its `WEFT_OUTPUTS` path. Most steps write no outputs: a `stat`
 * that returns undefined settles that without the cost of a failed open (an Error with its stack
 * trace, and a thread-pool round trip).
 */
export function outputsFileExists(path: string): boolean {
  return statSync(path, { throwIfNoEntry: false }) !== undefined;
}

/**
 * Reads the `WEFT_OUTPUTS` file of a finished step: missing, empty or blank means `{}`; over
 * `maxBytes` is `outputs_too_large` (checked before reading); anything but one JSON object is
 * `invalid_outputs`.
 */
export async function readProcessOutputs(path: string, maxBytes: number): Promise<ProcessOutputsResult> {
  let handle;
  try {
    handle = await open(path, OPEN_FLAGS);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { ok: true, outputs: {} };
    return invalid(`cannot read WEFT_OUTPUTS: ${(error as Error).message}`);
  }
  try {
    const stats = await handle.stat();
    if (!stats.isFile()) return invalid('WEFT_OUTPUTS is not a regular file');
    if (stats.size > maxBytes) {
      return {
        ok: false,
        reason: 'outputs_too_large',
        message: `outputs are ${stats.size} bytes, over the limit of ${maxBytes} bytes; write large data to a file and output its path`,
      };
    }
    const text = (await handle.readFile('utf8')).trim();
    if (text === '') return { ok: true, outputs: {} };
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return invalid(`WEFT_OUTPUTS is not valid JSON (${(error as Error).message}): ${preview(text)}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      return invalid(`WEFT_OUTPUTS must hold one JSON object, found ${describe(value)}`);
    }
    return { ok: true, outputs: value as Record<string, unknown> };
  } catch (error) {
    return invalid(`cannot read WEFT_OUTPUTS: ${(error as Error).message}`);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

function invalid(message: string): ProcessOutputsResult {
  return { ok: false, reason: 'invalid_outputs', message };
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'string') return `a string ${preview(JSON.stringify(value))}`;
  return `a ${typeof value} ${preview(JSON.stringify(value))}`;
}

function preview(text: string): string {
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
