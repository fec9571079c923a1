import { LruCache } from './lru-cache.js';

describe('LruCache', () => {
  it('drops the least recently used entry past the count', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1);
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
  });

  it('drops entries until the total weight fits, and never keeps one heavier than the budget', () => {
    const cache = new LruCache<string, string>(10, 100);
    cache.set('a', 'x', 60);
    cache.set('b', 'y', 30);
    cache.set('c', 'z', 30);
    expect(cache.get('a')).toBeUndefined();
    expect([cache.get('b'), cache.get('c')]).toEqual(['y', 'z']);
    cache.set('huge', 'w', 101);
    expect(cache.get('huge')).toBeUndefined();
    expect(cache.size).toBe(2);
  });

  it('replaces a value under the same key without counting it twice', () => {
    const cache = new LruCache<string, number>(10, 10);
    cache.set('a', 1, 6);
    cache.set('a', 2, 6);
    expect(cache.get('a')).toBe(2);
    cache.set('b', 3, 4);
    expect(cache.size).toBe(2);
  });
});
