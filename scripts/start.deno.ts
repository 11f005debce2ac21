/**
 * Deno entry point (`npx deno task start`, deno.json): the same runtime as scripts/start.node.ts,
 * served with `Deno.serve`; graceful shutdown on SIGINT/SIGTERM within 5 s (docs/architecture.md "One app, two entry points").
 * npm packages resolve from the installed node_modules ("nodeModulesDir": "manual"), so it starts
 * offline once `npm ci` has run.
 */
import { newDatabaseWarning, startChecked } from './preflight.ts';
import { announce, configOrExit, displayHost } from './announce.ts';

// The few Deno APIs used here, declared so `tsc` (Node types only) checks this file too; under
// Deno the module-local declaration has no runtime effect and the global `Deno` is used.
interface DenoServer {
  shutdown(): Promise<void>;
}
declare const Deno: {
  env: { toObject(): Record<string, string> };
  serve(
    opts: { port: number; hostname: string; onListen?: (addr: { port: number; hostname: string }) => void },
    handler: (req: Request) => Response | Promise<Response>,
  ): DenoServer;
  addSignalListener(signal: 'SIGINT' | 'SIGTERM', handler: () => void): void;
  exit(code?: number): never;
};

const SHUTDOWN_DEADLINE_MS = 5000;
const HTTP_DRAIN_MS = 1000; // open SSE streams never finish on their own; stop waiting for them

const config = configOrExit(Deno.env.toObject(), (code) => Deno.exit(code));

const { runtime, checked } = await startChecked(config, (code) => Deno.exit(code));
const host = config.HOST!;
const server = Deno.serve(
  {
    port: config.PORT, // 0 picks a free port; the banner prints the real one (the smoke test reads it)
    hostname: host,
    onListen: ({ port }) => {
      announce(runtime, `http://${displayHost(host)}:${port}`);
      if (checked.newDatabaseFile) console.log(newDatabaseWarning(checked.newDatabaseFile));
    },
  },
  runtime.app.fetch,
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: shutting down`);
  const force = setTimeout(() => {
    console.error('shutdown took longer than 5 s; exiting anyway');
    Deno.exit(1);
  }, SHUTDOWN_DEADLINE_MS);
  await Promise.race([server.shutdown(), new Promise((r) => setTimeout(r, HTTP_DRAIN_MS))]);
  await runtime.close();
  clearTimeout(force);
  Deno.exit(0);
}
Deno.addSignalListener('SIGINT', () => void shutdown('SIGINT'));
Deno.addSignalListener('SIGTERM', () => void shutdown('SIGTERM'));
