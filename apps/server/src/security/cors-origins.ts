import { hostNameOf } from './allowed-hosts.js';

/**
 * One `WEFT_CORS_ORIGINS` entry as browsers send it in `Origin` (`https://app.example.com`,
 * `http://localhost:5173`): scheme http or https, host, optional port, nothing else; a single
 * trailing slash is forgiven. `*` stays `*`. Throws an Error naming the entry otherwise.
 */
export function normalizeCorsOrigin(entry: string): string {
  const text = entry.trim();
  if (text === '*') return '*';
  const problem = `'${entry}' is not an origin: write scheme://host[:port], e.g. https://app.example.com or http://localhost:5173`;
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new Error(problem);
  }
  const bare = text.replace(/\/$/, '').toLowerCase();
  if (
    (url.protocol !== 'http:' && url.protocol !== 'https:') ||
    url.username ||
    url.password ||
    url.pathname !== '/' ||
    url.search ||
    url.hash ||
    !/^https?:\/\/[^/?#@]+$/.test(bare)
  ) {
    throw new Error(problem);
  }
  return url.origin;
}

/** An `Origin` header in the form {@link normalizeCorsOrigin} gives; null for `null` or garbage. */
export function originOf(header: string): string | null {
  if (!/^https?:\/\//i.test(header)) return null;
  try {
    const url = new URL(header);
    return url.pathname === '/' && !url.search && !url.username ? url.origin : null;
  } catch {
    return null;
  }
}

/**
 * True when `origin` (from {@link originOf}) is the server itself as the request reached it: the
 * same host and port as the `Host` header. The scheme is not compared, so a server behind a TLS
 * proxy (browser at https, server at http) still knows itself.
 */
export function isOwnOrigin(origin: string, host: string): boolean {
  const name = hostNameOf(host);
  if (!name) return false;
  return [`http://${host}`, `https://${host}`].some((candidate) => {
    try {
      return new URL(candidate).origin === origin;
    } catch {
      return false;
    }
  });
}
