/**
 * Node entry point (`npm start`): read the configuration, start the runtime, serve the app, and
 * shut down gracefully on SIGINT/SIGTERM (stop ingesting, flush, close; exit within 5 s).
 */
import { serve } from '@hono/node-server';
import { loadConfig, ConfigError } from '../config.ts';
import { startRuntime } from '../runtime.ts';
import { announce } from './announce.ts';

const SHUTDOWN_DEADLINE_MS = 5000;

let config;
try {
  config = loadConfig(process.env);
} catch (err) {
  if (err instanceof ConfigError) {
    console.error(err.message);
    process.exit(2);
  }
  throw err;
}

const runtime = await startRuntime(config);
const server = serve({ fetch: runtime.app.fetch, port: config.PORT, hostname: config.HOST }, (info) => {
  announce(runtime, `http://${displayHost(config.HOST!)}:${info.port}`);
});

function displayHost(host: string): string {
  return host === '0.0.0.0' || host === '::' ? 'localhost' : host.includes(':') ? `[${host}]` : host;
}

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
  // SSE streams would keep server.close() waiting forever (tech brief §3).
  (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
  server.close();
  await runtime.close();
  clearTimeout(force);
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
