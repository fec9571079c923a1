import { infoField, keyFamily } from './redis-keys';

describe('infoField', () => {
  const info = '# Memory\r\nused_memory:1208056\r\nused_memory_human:1.15M\r\nused_memory_rss:7340032\r\n';

  it('reads a numeric field of an INFO reply, not one that only starts with its name', () => {
    expect(infoField(info, 'used_memory')).toBe(1208056);
    expect(infoField(info, 'used_memory_rss')).toBe(7340032);
  });

  it('throws on a missing or non-numeric field', () => {
    expect(() => infoField(info, 'used_memory_human')).toThrow(
      "INFO has no numeric field 'used_memory_human'",
    );
    expect(() => infoField(info, 'maxmemory')).toThrow("INFO has no numeric field 'maxmemory'");
  });
});

describe('keyFamily', () => {
  it.each([
    ['weft:attempt:run-1.a.-.1', 'attempt hashes'],
    ['weft:run:run-1', 'run streams'],
    ['weft:bundle:ef14', 'workflow bundles'],
    ['weft:attempts:events', 'BullMQ queue keys'],
    ['weft:attempts.gpu:wait', 'BullMQ queue keys'],
    ['weft:workers:seen', 'workers and wake-ups'],
    ['weft:wake:server-1', 'workers and wake-ups'],
    ['other:attempt:x', 'other'],
  ])('puts %s in %s', (key, family) => {
    expect(keyFamily(key, 'weft')).toBe(family);
  });
});
