import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './free-port';
import { encodeCommand, parseReply, redisCommand, startRedisServer, type RedisServer } from './redis-server';

const listen = (server: Server, port: number) =>
  new Promise<void>((resolve, reject) => server.once('error', reject).listen(port, '127.0.0.1', resolve));
const close = (server: Server) => new Promise<void>((resolve) => server.close(() => resolve()));

describe('startRedisServer', () => {
  let server: RedisServer | undefined;
  afterEach(async () => {
    await server?.stop();
    server = undefined;
  });

  it('starts a server of its own on a free port that answers PING', async () => {
    server = await startRedisServer();

    expect(server.port).not.toBe(6379);
    expect(server.host).toBe('127.0.0.1');
    expect(server.url).toBe(`redis://127.0.0.1:${server.port}`);
    expect(await redisCommand(server, ['PING'])).toBe('PONG');
  });

  it('restarts as a new process on the same port with an empty keyspace', async () => {
    server = await startRedisServer();
    const { port } = server;
    const before = server.pid();
    await redisCommand(server, ['SET', 'weft:key', 'value']);
    expect(await redisCommand(server, ['GET', 'weft:key'])).toBe('value');

    await server.restart({ downMs: 20 });

    expect(server.port).toBe(port);
    expect(server.pid()).not.toBe(before);
    expect(await redisCommand(server, ['GET', 'weft:key'])).toBeNull();
    expect(await redisCommand(server, ['DBSIZE'])).toBe(0);
  });

  it('frees its port when stopped', async () => {
    server = await startRedisServer();
    const { port } = server;

    await server.stop();

    await expect(redisCommand(server, ['PING'])).rejects.toThrow(/ECONNREFUSED/);
    const listener = createServer();
    await listen(listener, port);
    await close(listener);
  });

  it('listens on the port it is given', async () => {
    const port = await freePort();
    server = await startRedisServer({ port });
    expect(server.port).toBe(port);
    expect(await redisCommand(server, ['PING'])).toBe('PONG');
  });

  it('also answers on the Unix socket it is given, across a restart', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'weft-redis-socket-'));
    const path = join(dir, 'redis.sock');
    try {
      server = await startRedisServer({ unixSocket: path });
      await redisCommand({ path }, ['SET', 'weft:key', 'over the socket']);
      expect(await redisCommand(server, ['GET', 'weft:key'])).toBe('over the socket');

      await server.restart();
      expect(await redisCommand({ path }, ['PING'])).toBe('PONG');
    } finally {
      await server?.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("rejects with the server's output when its port is taken", async () => {
    const squatter = createServer((socket) => socket.destroy());
    const port = await freePort();
    await listen(squatter, port);
    try {
      await expect(startRedisServer({ port })).rejects.toThrow(
        /exited with exit code 1 before answering PING on 127\.0\.0\.1:\d+:\n.*Address already in use/s,
      );
    } finally {
      await close(squatter);
    }
  });

  it('says how to install redis-server when it is missing', async () => {
    const saved = process.env.REDIS_SERVER;
    process.env.REDIS_SERVER = '/nonexistent/redis-server';
    try {
      await expect(startRedisServer()).rejects.toThrow(
        'redis-server is not installed: apt-get install -y redis-server',
      );
    } finally {
      if (saved === undefined) delete process.env.REDIS_SERVER;
      else process.env.REDIS_SERVER = saved;
    }
  });
});

describe('RESP helpers', () => {
  it('encodes a command as an array of bulk strings, counting bytes', () => {
    expect(encodeCommand(['SET', 'k', 'é']).toString('utf8')).toBe(
      '*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2\r\né\r\n',
    );
  });

  it.each([
    ['+PONG\r\n', { value: 'PONG' }],
    ['-ERR unknown command\r\n', { error: 'ERR unknown command' }],
    [':42\r\n', { value: 42 }],
    ['$5\r\nhello\r\n', { value: 'hello' }],
    ['$-1\r\n', { value: null }],
    ['$5\r\nhel', null],
    ['+PON', null],
  ])('reads %j', (reply, expected) => {
    expect(parseReply(Buffer.from(reply))).toEqual(expected);
  });

  it('refuses reply types it does not read', () => {
    expect(() => parseReply(Buffer.from('*1\r\n$1\r\na\r\n'))).toThrow(/this reply starts with "\*"/);
  });
});
