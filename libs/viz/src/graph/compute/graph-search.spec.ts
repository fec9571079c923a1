import { searchSteps } from './graph-search';

const steps = ['s001_align', 's010_align', 'align_report', 'fetch_reference_genome', 'index_reference', 's001_sort_bam', 'publish'].map((id) => ({
  id,
  name: id === 'publish' ? 'shell' : 'python',
}));

describe('searchSteps', () => {
  it('ranks exact, then prefix, then word start, then anywhere', () => {
    expect(searchSteps('align', steps).map((m) => m.id)).toEqual(['align_report', 's001_align', 's010_align']);
    expect(searchSteps('align_report', steps)[0]).toEqual({ id: 'align_report', rank: 0 });
    expect(searchSteps('refer', steps).map((m) => [m.id, m.rank])).toEqual([
      ['index_reference', 2],
      ['fetch_reference_genome', 2],
    ]);
    expect(searchSteps('eference', steps).every((m) => m.rank === 3)).toBe(true);
  });

  it('is case-insensitive, needs every word, and matches the name too', () => {
    expect(searchSteps('S001 BAM', steps).map((m) => m.id)).toEqual(['s001_sort_bam']);
    expect(searchSteps('shell', steps).map((m) => m.id)).toEqual(['publish']);
    expect(searchSteps('nothing', steps)).toEqual([]);
    expect(searchSteps('   ', steps)).toEqual([]);
  });

  it('finds letters in order for words of 3+ characters, and honours the limit', () => {
    expect(searchSteps('s1al', steps).map((m) => m.id)).toEqual(['s001_align', 's010_align']);
    expect(searchSteps('s', steps, 2)).toHaveLength(2);
  });
});
