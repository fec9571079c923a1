import { createServer } from 'node:net';

/**
 * A TCP port free on `host` right now: the kernel picks one for a listener on port 0, which is
 * closed again before this resolves. Another process may take the port before the caller binds it,
 * so a caller that starts a server on it should retry with a new port on "address in use".
 *
 * @param host the address to probe. @default '127.0.0.1'
 */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      if (address === null || typeof address === 'string') {
        server.close(() => reject(new Error(`listening on ${host}:0 gave no TCP port (${String(address)})`)));
        return;
      }
      server.close(() => resolve(address.port));
    });
  });
}
