/** The number after `<field>:` in an `INFO` reply; throws when it is missing. */
export function infoField(info: string, field: string): number {
  const match = new RegExp(`^${field}:(\\d+)\\s*$`, 'm').exec(info);
  if (!match) throw new Error(`INFO has no numeric field '${field}'`);
  return Number(match[1]);
}

/** Which family a key of the queue belongs to (see libs/queue/src/queue-protocol.ts). */
export function keyFamily(key: string, prefix: string): string {
  if (!key.startsWith(`${prefix}:`)) return 'other';
  const rest = key.slice(prefix.length + 1);
  if (rest.startsWith('attempt:')) return 'attempt hashes';
  if (rest.startsWith('run:')) return 'run streams';
  if (rest.startsWith('bundle:')) return 'workflow bundles';
  if (rest === 'attempts' || rest.startsWith('attempts:') || rest.startsWith('attempts.'))
    return 'BullMQ queue keys';
  return 'workers and wake-ups';
}
