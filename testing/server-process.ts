/**
 * The real server process for tests and benchmarks (not a test file itself): `node --import tsx
 * scripts/start.node.ts` with only the environment given (plus PATH and HOME, so nothing leaks in
 * from the outer shell), its output collected, its exit awaited, and every process still running
 * killed by `killServers()` (a test's `test.after`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '..');
const running = new Set<ChildProcess>();

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** When it exited (ms since the epoch). */
  at: number;
}

export interface ServerProcess {
  child: ChildProcess;
  /** What it printed on stdout so far. */
  out: () => string;
  /** What it printed on stderr so far. */
  err: () => string;
  exited: Promise<Exit>;
  /**
   * Waits until stdout matches `re` and answers its first group (or the whole match); throws when
   * the process exits or `ms` pass first, with the end of its output.
   */
  waitFor: (re: RegExp, ms?: number) => Promise<string>;
}

/**
 * A test server's environment on ephemeral ports with its database and files in `dir`; devices
 * need accounts unless `extra` sets `MQTT_ALLOW_ANONYMOUS`.
 */
export function serverEnv(dir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    MQTT_EMBEDDED_PORT: '0',
    DATABASE_URL: `file:${join(dir, 'x.db')}`,
    DATA_DIR: dir,
    DEFAULT_SUPERADMIN_PASSWORD: 'server process test',
    ...extra,
  };
}

/** Spawns the entry point with only `env` (see serverEnv). */
export function startServer(env: Record<string, string>): ServerProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/start.node.ts'], {
    cwd: ROOT,
    env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (b: Buffer) => (out += b.toString()));
  child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
  const exited = new Promise<Exit>((r) =>
    child.once('exit', (code, signal) => {
      running.delete(child);
      r({ code, signal, at: Date.now() });
    }),
  );
  const waitFor = async (re: RegExp, ms = 30_000): Promise<string> => {
    const until = Date.now() + ms;
    for (;;) {
      const m = re.exec(out);
      if (m) return m[1] ?? m[0];
      if (child.exitCode !== null || child.signalCode !== null || Date.now() > until) {
        throw new Error(`the server did not print ${re}:\n${out.slice(-2000)}\n${err.slice(-2000)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  return { child, out: () => out, err: () => err, exited, waitFor };
}

/** SIGKILL for every server this module started that still runs. */
export function killServers(): void {
  for (const c of running) c.kill('SIGKILL');
}
