import { StepNumbers, hashOf, stepIndex } from './step-numbers';

/** Ids whose hash picks slot `slot` of a table of `size` slots (the table {@link StepNumbers} makes for `size / 2` steps). */
function idsAtSlot(slot: number, size: number, count: number, prefix = 'c'): string[] {
  const found: string[] = [];
  for (let k = 0; found.length < count; k++)
    if ((hashOf(`${prefix}${k}`) & (size - 1)) === slot) found.push(`${prefix}${k}`);
  return found;
}

/** A table of these ids, numbered through. */
function numbered(ids: readonly unknown[]): StepNumbers {
  const numbers = new StepNumbers(ids as string[]);
  numbers.numberThrough(ids.length - 1);
  return numbers;
}

describe('StepNumbers', () => {
  it('numbers the steps in declaration order, and gives -1 for an unknown id', () => {
    const numbers = numbered(['a', 'b', 'c']);
    expect(['a', 'b', 'c', 'd', ''].map((id) => numbers.numberOf(id))).toEqual([0, 1, 2, -1, -1]);
  });

  it('gives a repeated id its first number, like stepIndex', () => {
    const ids = ['a', 'b', 'a', 'c', 'b'];
    const numbers = numbered(ids);
    expect(ids.map((id) => numbers.numberOf(id))).toEqual([0, 1, 0, 3, 1]);
    expect([...stepIndex(ids)]).toEqual([
      ['a', 0],
      ['b', 1],
      ['c', 3],
    ]);
  });

  it('finds a step declared further down than it has numbered', () => {
    const ids = Array.from({ length: 1000 }, (_, i) => `s${i}`);
    const numbers = new StepNumbers(ids);
    numbers.numberThrough(0);
    expect(numbers.numberOf('s999')).toBe(999);
    expect(numbers.numberOf('s1000')).toBe(-1);
    expect(numbers.numberOf('s0')).toBe(0);
  });

  it('hands over to a Map when ids are made to collide, with the same answers', () => {
    // 100 ids on one slot: each would otherwise probe past all those before it.
    const ids = [...idsAtSlot(5, 256, 100), 'x', 'y'];
    const numbers = numbered(ids);
    expect(ids.map((id) => numbers.numberOf(id))).toEqual(ids.map((_, i) => i));
    expect(numbers.numberOf(idsAtSlot(5, 256, 101)[100])).toBe(-1);
  });

  it('gives -1 for an unknown id whose probe runs past the longest an id can sit from its slot', () => {
    // 64 ids on consecutive slots: each sits on its own, but together they fill a run of 64 slots.
    const ids = Array.from({ length: 64 }, (_, k) => idsAtSlot(k, 128, 1, `r${k}-`)[0]);
    const numbers = numbered(ids);
    expect(ids.map((id) => numbers.numberOf(id))).toEqual(ids.map((_, i) => i));
    expect(numbers.numberOf(idsAtSlot(0, 128, 1, 'unknown-')[0])).toBe(-1);
  });

  it('hands over to a Map when an id is not a string, and never finds a lookup that is not one', () => {
    const numbers = numbered(['a', 7, 'b']);
    expect(['a', 7, 'b', 8].map((id) => numbers.numberOf(id as string))).toEqual([0, 1, 2, -1]);
    expect(numbered(['a']).numberOf(undefined as unknown as string)).toBe(-1);
  });
});
