import { DocumentReader, DocumentTooComplexError } from './document-reader.js';

/** A flat YAML mapping of `keys` keys: about 12 bytes a key. */
const flat = (keys: number) => `a:\n${Array.from({ length: keys }, (_, i) => `  k${i}: x\n`).join('')}`;

describe('DocumentReader', () => {
  let reader: DocumentReader | undefined;
  afterEach(() => reader?.close());

  it('reads YAML and JSON on a worker thread: value, issues with positions, and positions for later lookups', async () => {
    reader = new DocumentReader();
    const yaml = await reader.read('name: x\nsteps:\n  - id: a\n', 'yaml');
    expect(yaml.value).toEqual({ name: 'x', steps: [{ id: 'a' }] });
    expect(yaml.sourceMap.locate(['steps', 0, 'id'])).toEqual({ line: 3, column: 9 });
    const json = await reader.read('{"a": 1, "a": 2}', 'json');
    expect(json.issues).toEqual([{ path: '', line: 1, column: 10, message: 'invalid JSON: duplicate key "a"; each key may appear once per object' }]);
  });

  it('answers reads in the order they came, one worker at a time', async () => {
    reader = new DocumentReader({ workers: 1 });
    const texts = Array.from({ length: 5 }, (_, i) => `n: ${i}\n`);
    const values = await Promise.all(texts.map((text) => reader!.read(text, 'yaml').then((doc) => doc.value)));
    expect(values).toEqual([0, 1, 2, 3, 4].map((n) => ({ n })));
  });

  it('stops a read that takes too long, says so, and reads the next document with a new worker', async () => {
    reader = new DocumentReader({ workers: 1, timeoutMs: 1000 });
    const slow = reader.read(flat(400_000), 'yaml'); // about 5 MB of keys: several seconds to read
    const next = reader.read('ok: true\n', 'yaml');
    await expect(slow).rejects.toThrow(new DocumentTooComplexError('reading the document took longer than 1 s: it is too large or too complex'));
    await expect(next.then((doc) => doc.value)).resolves.toEqual({ ok: true });
  });

  it('stops a read that needs more memory than allowed, and keeps working', async () => {
    reader = new DocumentReader({ workers: 1, maxMemoryMb: 32, timeoutMs: 60_000 });
    await expect(reader.read(flat(200_000), 'yaml')).rejects.toThrow(/needed more than 32 MiB: it is too large or too complex/);
    await expect(reader.read('ok: true\n', 'yaml').then((doc) => doc.value)).resolves.toEqual({ ok: true });
  });

  it('refuses reads once closed', async () => {
    reader = new DocumentReader();
    await reader.close();
    await expect(reader.read('a: 1', 'yaml')).rejects.toThrow('the document reader is closed');
  });
});
