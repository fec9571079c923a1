import { ProcessLogBuffer } from './process-log-buffer';

describe('ProcessLogBuffer', () => {
  it('keeps everything while under the cap', () => {
    const buffer = new ProcessLogBuffer(100);
    buffer.write('hello ');
    buffer.write(Buffer.from('world'));
    buffer.write('');
    expect(buffer.toString()).toBe('hello world');
    expect(buffer.droppedBytes).toBe(0);
  });

  it('keeps exactly the last maxBytes bytes with a marker when over the cap', () => {
    const buffer = new ProcessLogBuffer(10);
    for (const chunk of ['0123', '4567', '89ab', 'cdef']) buffer.write(chunk);
    expect(buffer.totalBytes).toBe(16);
    expect(buffer.toString()).toBe('[weft: 6 earlier bytes dropped]\n6789abcdef');
  });

  it('keeps the tail of a single chunk larger than the cap', () => {
    const buffer = new ProcessLogBuffer(4);
    buffer.write('ab');
    buffer.write('0123456789');
    expect(buffer.toString()).toBe('[weft: 8 earlier bytes dropped]\n6789');
  });

  it('stays bounded over many small chunks', () => {
    const buffer = new ProcessLogBuffer(50);
    for (let i = 0; i < 10_000; i++) buffer.write(`${i % 10}`);
    const text = buffer.toString();
    expect(text).toBe(`[weft: 9950 earlier bytes dropped]\n${'0123456789'.repeat(5)}`);
  });

  it('does not start in the middle of a UTF-8 character', () => {
    const buffer = new ProcessLogBuffer(3);
    buffer.write('aéé'); // 5 bytes: the cut falls inside the first é
    expect(buffer.toString()).toBe('[weft: 3 earlier bytes dropped]\né');
  });

  it('keeps nothing with a cap of 0', () => {
    const buffer = new ProcessLogBuffer(0);
    buffer.write('abc');
    expect(buffer.toString()).toBe('[weft: 3 earlier bytes dropped]\n');
  });

  it('rejects a negative cap', () => {
    expect(() => new ProcessLogBuffer(-1)).toThrow(TypeError);
  });
});
