/**
 * Runs the original listener's log path in its own stack (scripts/bench/original_listener.py:
 * paho-mqtt + one SQLAlchemy ORM session and commit per message) for bench:log-burst, when Debian's
 * python3-sqlalchemy and python3-paho-mqtt are installed; otherwise the bench uses the Node
 * emulation (scripts/bench/original-listener.ts). Node-only (child_process), like every bench.
 */
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { OriginalListener } from './original-listener.ts';

const PYTHON = '/usr/bin/python3'; // Debian's: the one its python3-* packages are built for
const SCRIPT = fileURLToPath(new URL('./original_listener.py', import.meta.url));

/** Whether the Python stack is installed (the interpreter, SQLAlchemy and paho-mqtt). */
export function pythonListenerAvailable(): boolean {
  const r = spawnSync(PYTHON, ['-c', 'import sqlalchemy, paho.mqtt.client'], { stdio: 'ignore' });
  return r.status === 0;
}

/** The library versions the run used, for the bench's header. */
export function pythonStack(): string {
  const r = spawnSync(PYTHON, ['-c', 'import sys, sqlalchemy, paho.mqtt; print(sys.version.split()[0], sqlalchemy.__version__, paho.mqtt.__version__)'], { encoding: 'utf8' });
  const [py, sa, paho] = (r.stdout ?? '').trim().split(' ');
  return `CPython ${py}, SQLAlchemy ${sa}, paho-mqtt ${paho}`;
}

export async function startPythonListener(url: string, file: string, n: number): Promise<OriginalListener> {
  const { hostname, port } = new URL(url);
  const child = spawn(PYTHON, [SCRIPT, hostname, port, file, String(n)], { stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout.resume(); // its per-message print goes where the original's went: nobody reads it
  let ready: () => void = () => {};
  let done: () => void = () => {};
  let fail: (err: Error) => void = () => {};
  const subscribed = new Promise<void>((r, j) => ((ready = r), (fail = j)));
  const stored = new Promise<void>((r, j) => {
    done = r;
    const before = fail;
    fail = (err) => (before(err), j(err));
  });
  stored.catch(() => {}); // rejected together with `subscribed` when it fails early
  let errText = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk: string) => {
    errText += chunk;
    if (/^ready$/m.test(errText)) ready();
    if (new RegExp(`^stored ${n}$`, 'm').test(errText)) done();
  });
  child.on('exit', (code) => fail(new Error(`original listener (python) exited with ${code}: ${errText.slice(-500)}`)));
  await subscribed;
  return {
    stored,
    close: async () => {
      if (child.exitCode !== null) return;
      const exited = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await exited;
    },
  };
}
