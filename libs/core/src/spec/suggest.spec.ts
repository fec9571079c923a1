import { closestMatch, didYouMean, editDistance, listNames } from './suggest';

describe('suggest', () => {
  it('measures edit distance', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('abc', 'abc')).toBe(0);
    expect(editDistance('abc', 'abcdef', 2)).toBe(3);
    expect(editDistance('aaaa', 'bbbb', 1)).toBe(2);
  });

  it('suggests the closest name within two edits, fewer for short names', () => {
    expect(closestMatch('fetch_usr', ['report', 'fetch_user', 'fetch_users'])).toBe('fetch_user');
    expect(closestMatch('zz', ['a', 'b'])).toBeUndefined();
    expect(closestMatch('report', ['other'])).toBeUndefined();
    expect(didYouMean('stpes', ['name', 'steps'])).toBe("; did you mean 'steps'?");
    expect(didYouMean('xyz', ['steps'])).toBe('');
  });

  it('lists at most a few names', () => {
    expect(listNames([])).toBe('(none)');
    expect(listNames(['a', 'b'])).toBe('a, b');
    expect(listNames(['a', 'b', 'c', 'd'], 2)).toBe('a, b … and 2 more');
  });
});
