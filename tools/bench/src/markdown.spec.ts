import { keepServerLoadSection, SERVER_LOAD_MARKER } from './markdown';

describe('keepServerLoadSection', () => {
  const generated = '# Benchmarks\n\n## Quick mode (CI)\n\n| a |\n';

  it('keeps the server load section (from its marker to the end) after the regenerated text', () => {
    const previous = `# Benchmarks\n\nold figures\n\n${SERVER_LOAD_MARKER}\n## Load (server)\n\n| runs | 50 |\n`;
    expect(keepServerLoadSection(generated, previous)).toBe(
      `# Benchmarks\n\n## Quick mode (CI)\n\n| a |\n\n${SERVER_LOAD_MARKER}\n## Load (server)\n\n| runs | 50 |\n`,
    );
  });

  it('writes the generated text alone when there is no previous file or no marker', () => {
    expect(keepServerLoadSection(generated, null)).toBe(generated);
    expect(keepServerLoadSection(generated, '# Benchmarks\n\nold figures\n')).toBe(generated);
  });
});
