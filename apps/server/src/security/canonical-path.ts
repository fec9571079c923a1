/** Percent-decoding passes before a path is taken as decoded (`%2561` → `%61` → `a`). */
const DECODE_PASSES = 4;

/**
 * The path a route check compares: the request target's path, percent-decoded (byte by byte, so a
 * malformed escape cannot stop it), lower-cased, backslashes read as slashes, repeated slashes
 * collapsed and `.`/`..` segments resolved. An absolute-form target (`GET http://host/api/x`)
 * gives its path. `/API//%64ocs/./x/..` and `/api/docs` are the same path here.
 */
export function canonicalPath(target: string): string {
  let path = target;
  if (!path.startsWith('/')) {
    try {
      path = new URL(path).pathname;
    } catch {
      path = `/${path}`;
    }
  }
  path = path.split(/[?#]/, 1)[0];
  for (let pass = 0; pass < DECODE_PASSES && path.includes('%'); pass++) {
    const decoded = path.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)));
    if (decoded === path) break;
    path = decoded;
  }
  const segments: string[] = [];
  for (const segment of path.toLowerCase().replace(/\\/g, '/').split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') segments.pop();
    else segments.push(segment);
  }
  return `/${segments.join('/')}`;
}

/** True when the canonical path is `<base>/api` or under it (`base`: canonical, '' for the root). */
export function isApiPath(canonical: string, base = ''): boolean {
  return isUnder(canonical, `${base}/api`);
}

/** True when the canonical path is `prefix` or under `prefix/` ('' or '/' cover every path). */
export function isUnder(canonical: string, prefix: string): boolean {
  if (prefix === '' || prefix === '/') return true;
  return canonical === prefix || canonical.startsWith(`${prefix}/`);
}
