/**
 * Shared harness for the end-to-end tests in tests/ (not a test file itself): temp dirs, a real
 * runtime (runtime.ts) signed in as the bootstrapped superadmin, device-side mqtt.js clients, a
 * Mosquitto child process on an ephemeral port, and `waitFor`. Everything returned has a close().
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Buffer } from 'node:buffer';
import mqtt, { type MqttClient } from 'mqtt';
import { suite, type Test } from 'uvu';
import { loadConfig } from '../config.ts';
import { startRuntime, type Runtime, type RuntimeOptions } from '../runtime.ts';
import { setQuiet } from '../lib/logger.ts';

export const ADMIN_PASSWORD = 'e2e superadmin password';

export interface TempDir {
  dir: string;
  remove(): void;
}

export function tempDir(prefix = 'infoscreen-e2e-'): TempDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Polls `fn` every 20 ms until it answers something truthy; rejects with `what` after `ms`. */
export async function waitFor<T>(fn: () => T | Promise<T>, what: string, ms = 5000): Promise<NonNullable<T>> {
  const deadline = Date.now() + ms;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v as NonNullable<T>;
      last = v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what} (last: ${last instanceof Error ? last.message : JSON.stringify(last)})`);
    await sleep(20);
  }
}

export const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/** Resolves null after `ms`, without keeping the process alive (for `Promise.race` deadlines). */
export const deadline = (ms: number) => new Promise<null>((r) => setTimeout(() => r(null), ms).unref());

// ── broker targets ───────────────────────────────────────────────────────────────────────────

/** Where the runtime finds its broker: extra env for loadConfig (empty = embedded aedes). */
export interface BrokerTarget {
  name: string;
  env: Record<string, string>;
  close(): Promise<void>;
}

export const embeddedTarget = (): BrokerTarget => ({ name: 'embedded aedes', env: {}, close: async () => {} });

/**
 * Path of the mosquitto binary (PATH, then /usr/sbin which PATH often lacks), or null; also null
 * with E2E_SKIP_MOSQUITTO=1 (to check the skip path, or on a machine whose Mosquitto misbehaves).
 */
export function mosquittoBinary(): string | null {
  if (process.env.E2E_SKIP_MOSQUITTO === '1') return null;
  for (const cmd of ['mosquitto', '/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto']) {
    const r = spawnSync(cmd, ['-h'], { stdio: 'ignore' });
    if (!r.error) return cmd;
  }
  return null;
}

/**
 * Runs `define(bin)` when Mosquitto is installed; otherwise prints a notice and registers one
 * skipped test under `title`, so the summary shows the run was skipped, not passed.
 */
export function ifMosquitto(title: string, define: (bin: string) => void): void {
  const bin = mosquittoBinary();
  if (bin) return define(bin);
  console.log(`NOTICE: mosquitto is not installed (not on PATH nor in /usr/sbin): "${title}" is skipped`);
  const s = suite(title);
  s.skip('mosquitto not installed', () => {});
  s.run();
}

export async function freePort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const { port } = srv.address() as net.AddressInfo;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

async function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

export interface Mosquitto extends BrokerTarget {
  port: number;
  url: string;
  child: ChildProcess;
}

/**
 * A real Mosquitto on a free loopback port with a temp config (anonymous, no ACLs yet: device
 * accounts come in a later issue). `extraConfig` lines are appended. Retries if the port was taken.
 */
export async function startMosquitto(bin: string, extraConfig: string[] = []): Promise<Mosquitto> {
  for (let attempt = 1; ; attempt++) {
    const tmp = tempDir('infoscreen-mosquitto-');
    const port = await freePort();
    const conf = join(tmp.dir, 'mosquitto.conf');
    writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous true', 'persistence false', 'log_dest stderr', ...extraConfig, ''].join('\n'));
    const child = spawn(bin, ['-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
    let output = '';
    child.stderr!.on('data', (b: Buffer) => (output += b.toString()));
    let exited = false;
    const exit = new Promise<void>((r) => child.once('exit', () => ((exited = true), r())));
    // Ready when it says so (a port taken by someone else would also accept a connection).
    const until = Date.now() + 5000;
    while (!exited && Date.now() < until && !/ running/.test(output)) await sleep(25);
    if (!exited && / running/.test(output) && (await canConnect(port))) {
      return {
        name: 'mosquitto',
        port,
        url: `mqtt://127.0.0.1:${port}`,
        child,
        env: { MQTT_BROKER_HOST: '127.0.0.1', MQTT_BROKER_PORT: String(port) },
        close: async () => {
          if (!exited) child.kill('SIGTERM');
          if ((await Promise.race([exit.then(() => true), deadline(3000)])) === null) child.kill('SIGKILL');
          tmp.remove();
        },
      };
    }
    child.kill('SIGKILL');
    tmp.remove();
    if (attempt >= 3) throw new Error(`mosquitto did not start on port ${port}: ${output.trim()}`);
  }
}

// ── runtime + HTTP ───────────────────────────────────────────────────────────────────────────

export interface Harness {
  rt: Runtime;
  /** mqtt:// URL devices connect to (the embedded broker or the external one). */
  url: string;
  cookie: string;
  get(path: string): Promise<{ status: number; body: any }>;
  send(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>;
  close(): Promise<void>;
}

/**
 * Starts the runtime on `dir` (DB file `x.db` there: a second start on the same dir restores it),
 * waits until its MQTT subscriptions are in, and signs in as the superadmin.
 */
export async function startHarness(dir: string, target: BrokerTarget, env: Record<string, string | undefined> = {}, opts: RuntimeOptions = {}): Promise<Harness> {
  setQuiet(true);
  const config = loadConfig({
    ENV: 'test',
    DATABASE_URL: `file:${join(dir, 'x.db')}`,
    DATA_DIR: dir,
    MQTT_EMBEDDED_PORT: '0',
    DEFAULT_SUPERADMIN_PASSWORD: ADMIN_PASSWORD,
    WRITE_FLUSH_MS: '50',
    // Device accounts and ACLs are another issue's tests; these devices connect anonymously
    // (development-only switch, refused with ENV=production). Ignored by a config without it.
    MQTT_ALLOW_ANONYMOUS: 'true',
    ...target.env,
    ...env,
  });
  const rt = await startRuntime(config, opts);
  try {
    // 'connected' is reported after the SUBACK (broker/connection.ts): from then on nothing is missed.
    await waitFor(() => rt.broker.connection.status === 'connected', 'the server to subscribe', 10_000);
    const login = await rt.app.request('/api/auth/login', jsonInit('POST', { username: 'superadmin', password: ADMIN_PASSWORD }));
    if (login.status !== 200) throw new Error(`login: ${login.status} ${await login.text()}`);
    const cookie = /(?:^|,\s*)(sid=[^;]*)/.exec(login.headers.get('set-cookie') ?? '')![1];
    const get = async (path: string) => {
      const res = await rt.app.request(path, { headers: { cookie } });
      return { status: res.status, body: await res.json() };
    };
    const send = async (method: string, path: string, body?: unknown) => {
      const res = await rt.app.request(path, jsonInit(method, body, cookie));
      return { status: res.status, body: await res.json() };
    };
    const url = target.env.MQTT_BROKER_HOST ? `mqtt://${target.env.MQTT_BROKER_HOST}:${target.env.MQTT_BROKER_PORT}` : rt.broker.url;
    return { rt, url, cookie, get, send, close: () => rt.close() };
  } catch (err) {
    await rt.close();
    throw err;
  }
}

export function jsonInit(method: string, body?: unknown, cookie?: string): RequestInit {
  return {
    method,
    headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  };
}

// ── device side ──────────────────────────────────────────────────────────────────────────────

/** A device-side MQTT 3.1.1 client (what the field clients speak). */
export async function device(url: string, clientId = `e2e-device-${crypto.randomUUID().slice(0, 8)}`): Promise<MqttClient> {
  const c = await mqtt.connectAsync(url, { clientId, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000 });
  // A publish without a callback reports failure as an 'error' event: without a listener that
  // would crash the test process instead of failing the test that is waiting for the message.
  c.on('error', (err) => console.error(`device ${clientId}: ${err.message}`));
  return c;
}

export interface Received {
  topic: string;
  payload: Buffer;
  retain: boolean;
}

/** Subscribes `client` to `topic` and collects what arrives (retained replays included). */
export async function collect(client: MqttClient, topic: string): Promise<Received[]> {
  const got: Received[] = [];
  client.on('message', (t, payload, packet) => {
    if (t === topic) got.push({ topic: t, payload, retain: packet.retain });
  });
  await client.subscribeAsync(topic, { qos: 1 });
  return got;
}

export function pub(client: MqttClient, topic: string, payload: unknown, opts: { qos?: 0 | 1; retain?: boolean } = {}) {
  const body = typeof payload === 'string' ? payload : payload instanceof Uint8Array ? Buffer.from(payload) : JSON.stringify(payload);
  return client.publishAsync(topic, body, { qos: opts.qos ?? 1, retain: opts.retain ?? false });
}

/**
 * uvu swallows an error thrown by a `before` hook (its runner returns from `finally`) and reports
 * the suite as 0 / N with no message. `guardedSetup` keeps the error and re-throws it from every
 * test, so a broken setup shows up as a failure with its cause.
 */
export function guardedSetup(s: Test, setup: () => Promise<void>): void {
  let error: unknown = null;
  s.before(async () => {
    try {
      await setup();
    } catch (err) {
      error = err;
    }
  });
  s.before.each(() => {
    if (error) throw error;
  });
}
