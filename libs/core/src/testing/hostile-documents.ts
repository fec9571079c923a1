/**
 * Workflow documents of the shapes that make parsers slow — flat mappings, long lists, long
 * strings, many steps, many errors — at about a given size. Used by the fuzz suite (correctness)
 * and by the bench (time per shape, `npm run bench`).
 */

/** One generated document and what validating it must give. */
export interface HostileDocument {
  /** Short name of the shape, e.g. `flat mapping`. */
  readonly shape: string;
  readonly format: 'yaml' | 'json';
  readonly text: string;
  /** True when the document is a valid workflow; otherwise the first issue's message matches `issue`. */
  readonly valid: boolean;
  readonly issue?: RegExp;
}

const HEAD = 'name: hostile\nsteps:\n';
const STEP_A = '  - id: a\n    type: shell\n    run: echo\n';

/** Lines from `line(i)` until the text reaches `bytes`. */
function fill(head: string, bytes: number, line: (i: number) => string, tail = ''): string {
  const parts = [head];
  let size = head.length + tail.length;
  for (let i = 0; size < bytes; i++) {
    const next = line(i);
    parts.push(next);
    size += next.length;
  }
  parts.push(tail);
  return parts.join('');
}

/** Every shape at about `bytes` characters (each a little over it). */
export function hostileDocuments(bytes: number): HostileDocument[] {
  const jsonKeys = Math.max(1, Math.floor(bytes / 14));
  const jsonSteps = Math.max(1, Math.floor(bytes / 60));
  return [
    { shape: 'flat mapping', format: 'yaml', valid: true, text: fill(`${HEAD}${STEP_A}    inputs:\n`, bytes, (i) => `      k${i}: x\n`) },
    {
      shape: 'flat mapping, duplicate key last',
      format: 'yaml',
      valid: false,
      issue: /duplicate key "k0"/,
      text: fill(`${HEAD}${STEP_A}    inputs:\n`, bytes, (i) => `      k${i}: x\n`, '      k0: again\n'),
    },
    { shape: 'long list', format: 'yaml', valid: true, text: fill(`${HEAD}${STEP_A}    inputs:\n      list:\n`, bytes, (i) => `        - ${i}\n`) },
    {
      shape: 'long flow list',
      format: 'yaml',
      valid: true,
      text: fill(`${HEAD}${STEP_A}    inputs:\n      list: [0`, bytes, (i) => `, ${i + 1}`, ']\n'),
    },
    { shape: 'long string', format: 'yaml', valid: true, text: `${HEAD}${STEP_A}    inputs:\n      text: ${'x'.repeat(bytes)}\n` },
    {
      shape: 'long quoted string with escapes',
      format: 'yaml',
      valid: true,
      text: `${HEAD}${STEP_A}    inputs:\n      text: "${'a\\n\\t\\u00e9'.repeat(Math.ceil(bytes / 12))}"\n`,
    },
    {
      shape: 'many steps (a chain)',
      format: 'yaml',
      valid: true,
      text: fill(HEAD, bytes, (i) => `  - id: s${i}\n    type: shell\n    run: echo\n${i ? `    needs: [s${i - 1}]\n` : ''}`),
    },
    {
      shape: 'many steps, each needing an unknown step',
      format: 'yaml',
      valid: false,
      issue: /unknown step 'x0'/,
      text: fill(HEAD, bytes, (i) => `  - id: s${i}\n    type: shell\n    run: echo\n    needs: [x${i}]\n`),
    },
    {
      shape: 'many invalid env names',
      format: 'yaml',
      valid: false,
      issue: /expected an environment variable name/,
      text: fill('name: hostile\nenv:\n', bytes, (i) => `  bad-${i}: x\n`, `steps:\n${STEP_A}`),
    },
    {
      shape: 'many anchors',
      format: 'yaml',
      valid: true,
      text: fill(`${HEAD}${STEP_A}    inputs:\n`, bytes, (i) => `      k${i}: &a${i} x\n`),
    },
    {
      shape: 'JSON flat object',
      format: 'json',
      valid: true,
      text: JSON.stringify({ name: 'hostile', steps: [{ id: 'a', type: 'shell', run: 'echo', inputs: Object.fromEntries(Array.from({ length: jsonKeys }, (_, i) => [`k${i}`, 'x'])) }] }),
    },
    {
      shape: 'JSON many steps',
      format: 'json',
      valid: true,
      text: JSON.stringify({
        name: 'hostile',
        steps: Array.from({ length: jsonSteps }, (_, i) => ({ id: `s${i}`, type: 'shell', run: 'echo', ...(i ? { needs: [`s${i - 1}`] } : {}) })),
      }),
    },
  ];
}
