/**
 * Node entry point (`npm start`): read the configuration, start the runtime, serve the app, and
 * shut down gracefully on SIGINT/SIGTERM (stop ingesting, flush, close; exit within 5 s).
 */
import { serve } from '@hono/node-server';
import { newDatabaseWarning, startChecked, startupLine } from './preflight.ts';
import { StartupError } from '../lib/startup-error.ts';
import { announce, configOrExit, displayHost } from './announce.ts';
import { wantsHelp } from './cli.ts';
import { standbyApp } from '../routes/standby.ts';
import type { Holder } from '../db/lease.ts';

const SHUTDOWN_DEADLINE_MS = 5000;

if (wantsHelp()) {
  console.log(`usage: npm start

Starts the server: the dashboard and API on HOST:PORT (127.0.0.1:8080), an embedded MQTT broker
(unless MQTT_BROKER_HOST names an external one) and the database at DATABASE_URL
(file:<DATA_DIR>/infoscreen.db). Every setting is an environment variable; .env.example lists and
explains each one. On the very first start it prints the generated
superadmin password once.`);
  process.exit(0);
}

const config = configOrExit(process.env, (code) => process.exit(code));

// HIGH_AVAILABILITY (docs/high-availability.md): a standby serves only its health while it waits;
// the same listener switches to the app once this server holds the database.
let holder: Holder | null = null;
// The second argument carries Node's socket (Hono's conninfo: client addresses for login limits and
// METRICS_ALLOW_FROM); a wrapper that dropped it made every request's address 'unknown'.
let fetch: (req: Request, env?: unknown) => Response | Promise<Response> = standbyApp(() => holder).fetch;
let standby: ReturnType<typeof serve> | null = null;
const listen = (onListen: (port: number) => void) => serve({ fetch: (req, env) => fetch(req, env), port: config.PORT, hostname: config.HOST }, (info) => onListen(info.port));
let started = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) process.on(sig, () => void (started || process.exit(0))); // a standby has nothing to flush
const { runtime, checked } = await startChecked(config, (code) => process.exit(code), {
  onStandby: (h) => void ((holder = h), (standby ??= listen((port) => console.log(`standby: waiting for the database, health at http://${displayHost(config.HOST!)}:${port}/health`)))),
});
fetch = runtime.app.fetch;
started = true;
const waited = standby as ReturnType<typeof serve> | null;
const ready = (port: number) => {
  announce(runtime, `http://${displayHost(config.HOST!)}:${port}`);
  if (checked.newDatabaseFile) console.log(newDatabaseWarning(checked.newDatabaseFile));
};
const server = waited ?? listen(ready);
if (waited) ready((waited.address() as { port: number }).port);
// The port was free a moment ago (preflight); another process may still take it first.
server.on('error', (err: NodeJS.ErrnoException) => {
  console.error(startupLine(err.code === 'EADDRINUSE' ? new StartupError('PORT', `port ${config.PORT} on ${config.HOST} is already in use`) : err));
  void runtime.close().finally(() => process.exit(2));
});

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: shutting down`);
  const force = setTimeout(() => {
    console.error('shutdown took longer than 5 s; exiting anyway');
    process.exit(1);
  }, SHUTDOWN_DEADLINE_MS);
  force.unref();
  // SSE streams would keep server.close() waiting forever .
  (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
  server.close();
  await runtime.close();
  clearTimeout(force);
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
