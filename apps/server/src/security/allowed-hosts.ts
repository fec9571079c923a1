import { isIP } from 'node:net';

/** A DNS name: letters, digits, hyphens and dots (an underscore too, as some internal names have). */
const HOST_NAME = /^[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?(\.[a-z0-9_]([a-z0-9_-]*[a-z0-9_])?)*$/;

/**
 * The host name of a `Host` header (or of a URL's authority): lower-cased, port and IPv6 brackets
 * removed, a trailing dot dropped. Null when the header is not `name[:port]` or `[ipv6][:port]`.
 */
export function hostNameOf(host: string): string | null {
  const text = host.trim().toLowerCase();
  const bracketed = /^\[([0-9a-f:.]+)\](?::\d*)?$/.exec(text);
  if (bracketed) return isIP(bracketed[1]) === 6 ? bracketed[1] : null;
  const plain = /^([^:]+)(?::\d*)?$/.exec(text);
  if (!plain) return null;
  const name = plain[1].replace(/\.$/, '');
  return isIP(name) || HOST_NAME.test(name) ? name : null;
}

/**
 * Names every Weft server answers: `localhost` and `*.localhost` (browsers resolve them to the
 * loopback address themselves) and any IP address literal (DNS rebinding needs a name).
 */
export function isAlwaysAllowedHost(name: string): boolean {
  return name === 'localhost' || name.endsWith('.localhost') || isIP(name) !== 0;
}

/**
 * True when `name` (from {@link hostNameOf}) is always allowed or matches one of `allowed`: an
 * exact name, or `.example.com` for example.com and every name under it.
 */
export function isAllowedHost(name: string, allowed: readonly string[]): boolean {
  if (isAlwaysAllowedHost(name)) return true;
  return allowed.some((entry) => (entry.startsWith('.') ? name === entry.slice(1) || name.endsWith(entry) : name === entry));
}

/**
 * One `WEFT_ALLOWED_HOSTS` entry in the form {@link isAllowedHost} compares: lower-cased, trailing
 * dot dropped. Throws an Error naming the entry when it is not a host name or `.domain`.
 */
export function normalizeAllowedHost(entry: string): string {
  const text = entry.trim().toLowerCase().replace(/\.$/, '');
  const subdomains = text.startsWith('.');
  const name = subdomains ? text.slice(1) : text;
  if (isIP(name.replace(/^\[|\]$/g, '')) && !subdomains) return name.replace(/^\[|\]$/g, '');
  if (!HOST_NAME.test(name)) {
    const hint = /[:/]/.test(text) ? ' (write the name only: no scheme, port or path)' : '';
    throw new Error(`'${entry}' is not a host name or a .domain${hint}`);
  }
  return text;
}
