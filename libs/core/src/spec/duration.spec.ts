import { MAX_DURATION_MS, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['500ms', 500],
    ['30s', 30_000],
    ['1.5s', 1500],
    ['2m', 120_000],
    ['1h', 3_600_000],
    [' 10s ', 10_000],
    ['250', 250],
    [0, 0],
    [1200, 1200],
  ])('reads %j as %d ms', (value, ms) => {
    expect(parseDuration(value)).toBe(ms);
  });

  it.each([['soon'], ['10 s'], ['-1s'], [-5], [1.5], ['1d'], [null], [true], [[]]])(
    'rejects %j with what it expected',
    (value) => {
      expect(parseDuration(value)).toMatch(/^expected a duration like "30s", "2m" or milliseconds, got /);
    },
  );

  it('quotes the bad value in the message', () => {
    expect(parseDuration('soon')).toBe('expected a duration like "30s", "2m" or milliseconds, got "soon"');
  });

  it('rejects durations longer than a timer can wait', () => {
    expect(parseDuration(MAX_DURATION_MS)).toBe(MAX_DURATION_MS);
    expect(parseDuration('1000h')).toMatch(/too long/);
  });
});
