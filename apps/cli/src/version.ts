import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** This CLI's version, from its package.json (next to `dist/`, bundled or not). */
export function version(): string {
  return (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
}

/**
 * The version and a stamp of the running code (size and time of this file: the bundle, which holds
 * @weft/core too, when running from it): what a cache of results computed by this code is kept
 * under, so that a rebuilt CLI never uses what an older build computed.
 */
export function codeStamp(): string {
  const { size, mtimeMs } = statSync(__filename);
  return `${version()}-${size}-${Math.floor(mtimeMs)}`;
}
