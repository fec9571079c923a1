import { availableParallelism, homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { stopProcessStarter } from '@weft/core';
import { UsageError, parseArgs } from './args';
import { EXIT, type CommandIo } from './commands';
import { stepTypeRegistry } from './plugins';

/** Most attempts one worker may run at once. */
const MAX_CONCURRENCY = 256;

/**
 * `weft worker --queue redis://host:port[/db] [--concurrency N] [--label NAME]... [--plugin SPEC]...
 * [--id NAME] [--cache DIR]`: runs step attempts a server sends through Redis, until SIGTERM or
 * Ctrl-C (the first stops taking work and lets the running attempts finish; a second stops them:
 * their server dispatches them again).
 */
export async function workerCommand(argv: readonly string[], io: CommandIo): Promise<number> {
  const { positionals, flags, lists } = parseArgs(argv, { queue: 'string', concurrency: 'string', label: 'strings', plugin: 'strings', id: 'string', cache: 'string' });
  if (positionals.length) throw new UsageError(`'weft worker' takes no file, got ${positionals.join(' ')}`);
  const url = (flags.queue as string | undefined) ?? io.env.WEFT_QUEUE_URL;
  if (!url) throw new UsageError("'weft worker' needs the queue: --queue redis://host:port[/db] (or WEFT_QUEUE_URL)");
  const concurrency = flags.concurrency === undefined ? availableParallelism() : Number(flags.concurrency);
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > MAX_CONCURRENCY) {
    throw new UsageError(`--concurrency must be an integer from 1 to ${MAX_CONCURRENCY}, got '${String(flags.concurrency)}'`);
  }
  const { workerLabelProblem } = await import('@weft/core');
  for (const label of lists.label) {
    const problem = workerLabelProblem(label);
    if (problem) throw new UsageError(`--label ${problem}`);
  }
  const id = flags.id as string | undefined;
  if (id !== undefined && !/^[^\s:][^\s]{0,199}$/.test(id.replace(/:/g, '_'))) {
    throw new UsageError(`--id must be one word of at most 200 characters, got '${id}'`);
  }
  const { parseQueueUrl, WeftWorker } = await import('@weft/queue');
  try {
    parseQueueUrl(url);
  } catch (error) {
    // @weft/queue has its own copy of @weft/core's error classes: its message is the usage error.
    throw new UsageError(`--queue: ${(error as Error).message}`);
  }
  const stepTypes = await stepTypeRegistry(lists.plugin);
  const cacheDir = resolve((flags.cache as string | undefined) ?? join(io.env.WEFT_CACHE_DIR ?? join(homedir(), '.cache', 'weft'), 'bundles'));

  const say = (message: string, fields?: Record<string, unknown>) =>
    io.stderr.write(`weft worker: ${message}${fields ? ` ${JSON.stringify(fields)}` : ''}\n`);
  const worker = new WeftWorker({ url, id, labels: lists.label, concurrency, stepTypes, cacheDir, log: say });
  await worker.start();
  io.stdout.write(`weft worker ${worker.id} takes attempts from ${redacted(url)}: ${concurrency} at once, labels ${lists.label.length ? lists.label.join(', ') : '(none)'}, step types ${stepTypes.names().join(', ')}\n`);
  await new Promise<void>((done) => {
    let stops = 0;
    const remove = io.onInterrupt((cause) => {
      // A worker's work does not depend on its standard output being read.
      if (cause === 'output') return;
      stops++;
      if (stops === 1) {
        say('stopping: no new attempts; waiting for the running ones (again to stop them)', { running: worker.running });
        void worker.close().then(done);
      } else {
        say('stopping now: the running attempts are stopped and dispatched again elsewhere');
        void worker.close(true).then(done);
        remove();
      }
    });
  });
  await stopProcessStarter();
  return EXIT.ok;
}

/** The URL without its password. */
function redacted(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}
