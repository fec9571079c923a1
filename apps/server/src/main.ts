#!/usr/bin/env node
import 'reflect-metadata';
import { PluginError } from '@weft/core';
import { loadServerConfig, ServerConfigError } from './config/server-config.js';
import { createWeftServer } from './create-app.js';

async function main(): Promise<void> {
  const config = loadServerConfig();
  const app = await createWeftServer(config);
  await app.listen(config.port, config.host);
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  process.stdout.write(`Weft is listening on http://${host}:${config.port} (API docs: /api/docs)\n`);
}

main().catch((error: unknown) => {
  const known = error instanceof ServerConfigError || error instanceof PluginError;
  process.stderr.write(`weft server: ${known ? (error as Error).message : String((error as Error)?.stack ?? error)}\n`);
  process.exit(1);
});
