import { jsonDepthExceeded, MAX_DOCUMENT_DEPTH, valueDepthExceeded, yamlDepthExceeded } from './nesting-depth';

const D = MAX_DOCUMENT_DEPTH;
const lists = (d: number) => '['.repeat(d) + ']'.repeat(d);
const indented = (d: number) => Array.from({ length: d }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1';

describe('nesting depth limits', () => {
  it('accepts exactly the limit and rejects one level more, at the offset of the level too many', () => {
    expect(jsonDepthExceeded(lists(D))).toBe(-1);
    expect(jsonDepthExceeded(lists(D + 1))).toBe(D);
    expect(yamlDepthExceeded(lists(D))).toBe(-1);
    expect(yamlDepthExceeded(lists(D + 1))).toBe(D);
    expect(yamlDepthExceeded('- '.repeat(D) + 'x')).toBe(-1);
    expect(yamlDepthExceeded('- '.repeat(D + 1) + 'x')).toBe(2 * D);
    expect(yamlDepthExceeded(indented(D))).toBe(-1);
    // The `:` of the last key: its mapping is the level too many.
    expect(yamlDepthExceeded(indented(D + 1))).toBe(indented(D + 1).lastIndexOf(':'));
  });

  it('ignores brackets inside strings, comments and block scalars', () => {
    const text = `a: "${'['.repeat(100)}"\nb: '${'{'.repeat(100)}'\n# ${'['.repeat(100)}\nc: |\n  ${'['.repeat(100)}\n`;
    expect(yamlDepthExceeded(text)).toBe(-1);
    expect(jsonDepthExceeded(JSON.stringify({ a: '['.repeat(100), b: '\\"{'.repeat(100) }))).toBe(-1);
  });

  it('finds values that nest deeper than the text through aliases, circular ones included', () => {
    let deep: unknown = 1;
    for (let i = 0; i < D + 1; i++) deep = [deep];
    expect(valueDepthExceeded(deep)).toBe(true);
    const circular: unknown[] = [];
    circular.push(circular);
    expect(valueDepthExceeded(circular)).toBe(true);
    expect(valueDepthExceeded({ steps: [{ id: 'a', inputs: { x: [1, { y: 2 }] } }] })).toBe(false);
  });
});
