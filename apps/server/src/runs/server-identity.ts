import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Provider } from '@nestjs/common';
import type { ServerIdentity } from '@weft/history';

/** Injection token of this server process's {@link ServerIdentity}. */
export const SERVER_IDENTITY = Symbol('SERVER_IDENTITY');

/** `<host>:<pid>:<random>`: a new id at each start, so a restarted server never passes for the one that died. */
export function newServerIdentity(host = hostname(), pid = process.pid): ServerIdentity {
  return { id: `${host}:${pid}:${randomBytes(4).toString('hex')}`, host, pid };
}

export const serverIdentityProvider: Provider<ServerIdentity> = { provide: SERVER_IDENTITY, useFactory: () => newServerIdentity() };
