import { UsageError, parseArgs } from './args';
import { formatDuration, formatSpeedup, palette, plural } from './format';

describe('formatting', () => {
  it('formats durations, speedups and counts for people', () => {
    expect([formatDuration(850), formatDuration(4020), formatDuration(125_000), formatDuration(null)]).toEqual([
      '850 ms',
      '4.02 s',
      '2 m 05 s',
      '—',
    ]);
    expect([formatSpeedup(2), formatSpeedup(1.04), formatSpeedup(1)]).toEqual(['2.0x', '1.04x', '1.0x']);
    expect([plural(1, 'step'), plural(3, 'step')]).toEqual(['1 step', '3 steps']);
    expect(palette(true).red('x')).toBe('\x1b[31mx\x1b[39m');
  });
});

describe('parseArgs', () => {
  const spec = { json: 'boolean', 'max-parallel': 'string' } as const;

  it('reads flags in every form and keeps positionals', () => {
    expect(parseArgs(['a.yaml', '--json', '--max-parallel', '3'], spec)).toEqual({ positionals: ['a.yaml'], flags: { json: true, 'max-parallel': '3' }, lists: {} });
    expect(parseArgs(['--max-parallel=2', '--', '--json'], spec)).toEqual({ positionals: ['--json'], flags: { 'max-parallel': '2' }, lists: {} });
  });

  it('keeps every value of a repeatable flag, in order', () => {
    const repeatable = { label: 'strings', id: 'string' } as const;
    expect(parseArgs(['--label', 'gpu', '--label=big', '--id', 'w'], repeatable)).toEqual({ positionals: [], flags: { id: 'w' }, lists: { label: ['gpu', 'big'] } });
    expect(parseArgs([], repeatable)).toEqual({ positionals: [], flags: {}, lists: { label: [] } });
  });

  it('names what is wrong', () => {
    expect(() => parseArgs(['--nope'], spec)).toThrow(new UsageError("unknown option '--nope'; options: --json, --max-parallel"));
    expect(() => parseArgs(['--max-parallel'], spec)).toThrow("option '--max-parallel' needs a value");
    expect(() => parseArgs(['--json=1'], spec)).toThrow("option '--json' takes no value");
  });
});
