import { parseCondition } from './expression/parse-condition';
import {
  findReferences,
  forEachStepReference,
  lookupReference,
  type ReferenceScope,
  type ReferenceToken,
  resolveValue,
  scanReferences,
  stepReferences,
} from './references';

function scope(
  steps: Record<string, { status: string; outputs: unknown }>,
  extra: Partial<ReferenceScope> = {},
): ReferenceScope {
  return { step: (id) => steps[id], ...extra };
}

function tokens(text: string): ReferenceToken[] {
  const found: ReferenceToken[] = [];
  scanReferences(text, (token) => found.push(token));
  return found;
}

describe('scanReferences', () => {
  it('classifies step, item and index references', () => {
    expect(
      tokens('${steps.a.outputs} ${steps.b-2.outputs.x.0} ${steps.c.status} ${item.name} ${index}'),
    ).toEqual([
      { kind: 'step', stepId: 'a', path: ['outputs'], text: '${steps.a.outputs}' },
      { kind: 'step', stepId: 'b-2', path: ['outputs', 'x', '0'], text: '${steps.b-2.outputs.x.0}' },
      { kind: 'step', stepId: 'c', path: ['status'], text: '${steps.c.status}' },
      { kind: 'item', path: ['name'], text: '${item.name}' },
      { kind: 'index', text: '${index}' },
    ]);
  });

  it.each([
    ['${steps.}'],
    ['${steps.a}'],
    ['${steps.a.output}'],
    ['${steps.a.status.x}'],
    ['${item.}'],
    ['${index.x}'],
  ])('marks %s as a malformed Weft reference', (text) => {
    expect(tokens(text)).toEqual([expect.objectContaining({ kind: 'malformed', weftLike: true })]);
    expect((tokens(text)[0] as { reason: string }).reason).toMatch(
      /^malformed reference .*expected \$\{steps\.<id>\.outputs\}/,
    );
  });

  it('marks other ${…} as unknown, not Weft-like (a shell variable in code)', () => {
    expect(tokens('${foo}')).toEqual([
      expect.objectContaining({
        kind: 'malformed',
        weftLike: false,
        reason: expect.stringMatching(/^unknown reference \$\{foo\}/),
      }),
    ]);
  });

  it('reports an unterminated ${ as malformed', () => {
    expect(tokens('x ${steps.a.outputs')).toEqual([
      expect.objectContaining({
        kind: 'malformed',
        text: '${steps.a.outputs',
        weftLike: true,
        reason: expect.stringMatching(/unterminated/),
      }),
    ]);
  });

  it('skips the escaped $${', () => {
    expect(tokens('$${steps.a.outputs} ${index}')).toEqual([{ kind: 'index', text: '${index}' }]);
  });
});

describe('findReferences', () => {
  it('finds step references in nested objects and arrays, not in keys', () => {
    const value = {
      a: '${steps.one.outputs.x}',
      b: ['pre ${steps.two.status} post', { c: '${steps.three.outputs}' }],
      '${steps.four.outputs}': 1,
      d: 3,
      e: '${item}',
    };
    expect(findReferences(value)).toEqual([
      { stepId: 'one', path: ['outputs', 'x'], text: '${steps.one.outputs.x}' },
      { stepId: 'two', path: ['status'], text: '${steps.two.status}' },
      { stepId: 'three', path: ['outputs'], text: '${steps.three.outputs}' },
    ]);
  });
});

describe('findReferences on edge cases', () => {
  it('agrees with scanReferences: escaped and malformed references are not step references', () => {
    const strings = [
      '$${steps.a.outputs}',
      '${steps.a.outputs.}',
      '${steps.a.outputz}',
      '${steps.1a.status}',
      '${steps.a}',
      '${steps.a.status} and ${steps.b.outputs.x-y.0}',
    ];
    const expected = strings.flatMap((text) => tokens(text).filter((token) => token.kind === 'step'));
    expect(findReferences(strings)).toEqual(
      expected.map(({ stepId, path, text }) => ({ stepId, path, text })),
    );
    expect(findReferences(strings)).toEqual([
      { stepId: 'a', path: ['status'], text: '${steps.a.status}' },
      { stepId: 'b', path: ['outputs', 'x-y', '0'], text: '${steps.b.outputs.x-y.0}' },
    ]);
  });
});

describe('stepReferences', () => {
  it('lists steps referenced from inputs, if, foreach, env and config, deduped in first-seen order', () => {
    const refs = stepReferences({
      inputs: { a: '${steps.b.outputs}', again: '${steps.b.outputs.x}' },
      if: parseCondition("steps.c.status == 'succeeded' && steps.b.outputs.ok"),
      foreach: '${steps.d.outputs.items}',
      env: { X: 'v=${steps.e.outputs.v}' },
      config: { script: './x.py', args: ['${steps.f.outputs}', '${HOME}'] },
    });
    expect(refs).toEqual(['b', 'c', 'd', 'e', 'f']);
  });

  it('hands each reference over in the same order, repeats included, without collecting them', () => {
    const seen: string[] = [];
    forEachStepReference(
      { inputs: { a: '${steps.b.outputs} ${steps.b.status}' }, env: { X: '${steps.a.outputs}' }, config: {} },
      (stepId) => seen.push(stepId),
    );
    expect(seen).toEqual(['b', 'b', 'a']);
  });

  it('handles a step with no references', () => {
    expect(stepReferences({ inputs: {}, env: {}, config: { run: 'echo ${HOME}' } })).toEqual([]);
  });
});

describe('resolveValue', () => {
  const run = scope({
    fetch: {
      status: 'succeeded',
      outputs: { user: { name: 'Ada', tags: ['x', 'y'] }, count: 3, none: null },
    },
  });

  it('gives a whole reference its JSON value', () => {
    expect(resolveValue('${steps.fetch.outputs.user}', run)).toEqual({ name: 'Ada', tags: ['x', 'y'] });
    expect(resolveValue('${steps.fetch.outputs.count}', run)).toBe(3);
    expect(resolveValue('${steps.fetch.outputs.user.tags.1}', run)).toBe('y');
    expect(resolveValue('${steps.fetch.status}', run)).toBe('succeeded');
  });

  it('resolves missing keys and unknown steps to null', () => {
    expect(resolveValue('${steps.fetch.outputs.nope}', run)).toBeNull();
    expect(resolveValue('${steps.fetch.outputs.count.deeper}', run)).toBeNull();
    expect(resolveValue('${steps.fetch.outputs.user.tags.9}', run)).toBeNull();
    expect(resolveValue('${steps.ghost.outputs}', run)).toBeNull();
    expect(resolveValue('${steps.fetch.outputs.none}', run)).toBeNull();
  });

  it('interpolates references inside longer strings as text', () => {
    expect(resolveValue('hi ${steps.fetch.outputs.user.name} (${steps.fetch.outputs.count})', run)).toBe(
      'hi Ada (3)',
    );
    expect(resolveValue('tags=${steps.fetch.outputs.user.tags}', run)).toBe('tags=["x","y"]');
    expect(resolveValue('[${steps.fetch.outputs.nope}]', run)).toBe('[]');
    expect(resolveValue('status: ${steps.fetch.status}', run)).toBe('status: succeeded');
  });

  it('recurses into objects and arrays without mutating them', () => {
    const input = Object.freeze({
      list: Object.freeze(['${steps.fetch.outputs.count}', 7, true, null]),
      plain: 'x',
    });
    expect(resolveValue(input, run)).toEqual({ list: [3, 7, true, null], plain: 'x' });
    expect(input.list[0]).toBe('${steps.fetch.outputs.count}');
  });

  it('resolves ${item} and ${index} inside a foreach item', () => {
    const item = scope({}, { item: { id: 7, name: 'b' }, index: 2 });
    expect(resolveValue('${item}', item)).toEqual({ id: 7, name: 'b' });
    expect(resolveValue('${item.id}', item)).toBe(7);
    expect(resolveValue('${index}', item)).toBe(2);
    expect(resolveValue('#${index}: ${item.name}', item)).toBe('#2: b');
    expect(resolveValue('${item.missing}', item)).toBeNull();
  });

  it('leaves ${item}, ${index} and unknown ${…} as written outside foreach', () => {
    expect(resolveValue('${item}', run)).toBe('${item}');
    expect(resolveValue('${index} ${HOME}', run)).toBe('${index} ${HOME}');
    expect(resolveValue('${HOME}', run)).toBe('${HOME}');
  });

  it('turns the escape $${ into a literal ${', () => {
    expect(resolveValue('$${steps.fetch.outputs} ${steps.fetch.outputs.count}', run)).toBe(
      '${steps.fetch.outputs} 3',
    );
  });

  it('does not unescape $${ inside substituted values', () => {
    const s = scope({ a: { status: 'succeeded', outputs: { v: '$${x}' } } });
    expect(resolveValue('v=${steps.a.outputs.v}', s)).toBe('v=$${x}');
  });

  it('passes non-string scalars through', () => {
    expect(resolveValue(42, run)).toBe(42);
    expect(resolveValue(null, run)).toBeNull();
  });
});

describe('lookupReference', () => {
  it('does not read inherited properties', () => {
    const s = scope({ a: { status: 'succeeded', outputs: {} } });
    expect(lookupReference('a', ['outputs', 'constructor'], s)).toBeNull();
    expect(lookupReference('a', ['outputs', 'toString'], s)).toBeNull();
  });
});
