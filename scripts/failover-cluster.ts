/**
 * The parts of `npm run bench:failover` (scripts/bench-failover.ts) that are not the fleet: a real
 * Mosquitto with persistence on a fixed port (so it can be restarted), the database (sqld if
 * installed, else a file), and two HIGH_AVAILABILITY servers with the same MQTT_CLIENT_ID, each
 * known by the HTTP port it printed (standby line or "listening on").
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deadline, freePort, sleep } from '../testing/helpers.ts';
import { serverEnv, startServer, type ServerProcess } from '../testing/server-process.ts';

export interface Broker {
  url: string;
  env: Record<string, string>;
  restart: () => Promise<void>;
  stop: () => Promise<void>;
}

/** Mosquitto with `persistence true` in `dir`; restart = SIGTERM (it saves its sessions), start again on the same port. */
export async function startPersistentMosquitto(bin: string, dir: string): Promise<Broker> {
  const port = await freePort();
  const conf = join(dir, 'mosquitto.conf');
  // Started as root, mosquitto drops to its own user: its store must be writable for that user.
  const store = join(dir, 'mosquitto-store');
  mkdirSync(store, { recursive: true });
  chmodSync(dir, 0o711);
  chmodSync(store, 0o777);
  const lines = [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence true', `persistence_location ${store}/`, 'max_queued_messages 0', 'log_dest stderr'];
  writeFileSync(conf, lines.join('\n') + '\n');
  let child: ChildProcess;
  let exit: Promise<void>;
  const launch = async () => {
    child = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let out = '';
    child.stderr!.on('data', (b: Buffer) => (out = (out + b.toString()).slice(-4000)));
    exit = new Promise<void>((r) => child.once('exit', () => r()));
    const until = Date.now() + 10_000;
    while (!/ running/.test(out)) {
      if (Date.now() > until || child.exitCode !== null) throw new Error(`mosquitto did not start on ${port}: ${out}`);
      await sleep(25);
    }
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    if ((await Promise.race([exit.then(() => true), deadline(5000)])) === null) child.kill('SIGKILL');
    await exit;
  };
  await launch();
  return {
    url: `mqtt://127.0.0.1:${port}`,
    env: { MQTT_BROKER_HOST: '127.0.0.1', MQTT_BROKER_PORT: String(port) },
    restart: async () => {
      await stop();
      await launch();
    },
    stop,
  };
}

export interface Server {
  name: string;
  proc: ServerProcess;
  port: number;
}

const PORT_RE = /(?:listening on http:\/\/[^:]+:|standby: waiting for the database, health at http:\/\/[^:]+:)(\d+)/;

/** Starts a server and waits until it is either the holder (listening) or a standby; answers its HTTP port. */
export async function launchServer(name: string, dir: string, extra: Record<string, string>): Promise<Server> {
  const env = serverEnv(dir, {
    HIGH_AVAILABILITY: 'true',
    MQTT_CLIENT_ID: 'infoscreen-failover-bench',
    MQTT_ALLOW_ANONYMOUS: 'true',
    MQTT_PUBLISH_RATE: '100000',
    MQTT_PUBLISH_BURST: '100000',
    ...extra,
  });
  const proc = startServer(env);
  const port = Number(await proc.waitFor(PORT_RE, 60_000));
  return { name, proc, port };
}

/** `GET /health/ready` is 200 (a stopped or dead server answers nothing within `ms`). */
export async function isReady(s: Server, ms = 500): Promise<boolean> {
  if (s.proc.child.exitCode !== null || s.proc.child.signalCode !== null) return false;
  try {
    const res = await fetch(`http://127.0.0.1:${s.port}/health/ready`, { signal: AbortSignal.timeout(ms) });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** Probes both servers every `everyMs` until stopped; remembers whether both were ready in one round. */
export function probePair(a: () => Server, b: () => Server, everyMs = 200) {
  let twoActive = false;
  let running = true;
  const done = (async () => {
    while (running) {
      const [ra, rb] = await Promise.all([isReady(a()), isReady(b())]);
      if (ra && rb) twoActive = true;
      await sleep(everyMs);
    }
  })();
  return {
    get twoActive() {
      return twoActive;
    },
    stop: async () => {
      running = false;
      await done;
    },
  };
}

/** Signs in as the superadmin on `s`; answers a cookie for the JSON API (sessions live in the database, so either server takes it). */
export async function signIn(s: Server, password: string): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${s.port}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'superadmin', password }),
  });
  if (res.status !== 200) throw new Error(`login: ${res.status} ${await res.text()}`);
  return /(?:^|,\s*)(sid=[^;]*)/.exec(res.headers.get('set-cookie') ?? '')![1];
}

export async function api(s: Server, cookie: string, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`http://127.0.0.1:${s.port}${path}`, {
    method,
    headers: { 'content-type': 'application/json', cookie },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(5000),
  });
  return { status: res.status, body: await res.json().catch(() => null) };
}
