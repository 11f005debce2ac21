/**
 * Deno smoke test (docs/architecture.md "One app, two entry points": one app, two entry points): `deno task start` from the
 * installed node_modules, temp database, embedded broker on a free port; /health answers 200 "ok",
 * /api/openapi.json the document, two simulated clients are ingested without a dropped message,
 * /health/ready, GET /metrics and the JSON log lines work on Deno too (docs/operations.md), SIGTERM
 * exits 0 within 5 s.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { VirtualClient } from './sim/virtual-client.ts';
import { rng, seededUuid } from './sim/rng.ts';

const ROOT = resolve(import.meta.dirname, '..');
const DENO = join(ROOT, 'node_modules', '.bin', 'deno');
const dir = mkdtempSync(join(tmpdir(), 'deno-smoke-'));
let child: ChildProcess | null = null;
let output = '';
let exited: Promise<number | null>;
const sims: VirtualClient[] = [];

async function until<T>(fn: () => Promise<T | undefined> | T | undefined, ms: number, what: string): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}; output:\n${output}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function health(url: string) {
  const res = await fetch(`${url}/health`);
  return { status: res.status, body: (await res.json()) as Record<string, any> };
}

test.after(async () => {
  await Promise.all(sims.map((s) => s.stop()));
  if (child && child.exitCode === null && child.signalCode === null) {
    child.kill('SIGKILL');
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

test('deno task start serves /health, ingests MQTT, and stops on SIGTERM within 5 s', async () => {
  const env: Record<string, string | undefined> = {
    ...process.env,
    ENV: 'test',
    HOST: '127.0.0.1',
    PORT: '0',
    DATABASE_URL: `file:${join(dir, 'smoke.db')}`,
    DATA_DIR: dir,
    MQTT_EMBEDDED_PORT: '0',
    MQTT_ALLOW_ANONYMOUS: 'true', // the smoke test's devices connect without accounts
    NO_COLOR: '1',
  };
  delete env.MQTT_BROKER_HOST; // always the embedded broker here
  delete env.DEFAULT_SUPERADMIN_PASSWORD; // exercise the generated first-start password
  child = spawn(DENO, ['task', 'start'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (d) => (output += d));
  child.stderr!.on('data', (d) => (output += d));
  exited = new Promise((r) => child!.on('exit', (code) => r(code)));

  const url = await until(() => output.match(/listening on (http:\/\/\S+)/)?.[1], 60_000, 'the listening line');
  const mqttUrl = await until(() => output.match(/embedded broker on (mqtt:\/\/\S+)/)?.[1], 5000, 'the broker line');
  assert.match(output, /password: \S{12,}/, 'first start prints the generated superadmin password');

  // "ok" needs the database and the server's own MQTT connection to the embedded broker.
  const first = await until(async () => {
    const h = await health(url);
    return h.body.status === 'ok' ? h : undefined;
  }, 5000, 'status ok');
  assert.is(first.status, 200);
  assert.is(first.body.db.ok, true);
  // The OpenAPI document is generated on Deno too (hono-openapi loads zod's converter lazily).
  const spec = await fetch(`${url}/api/openapi.json`);
  assert.is(spec.status, 200);
  assert.is(((await spec.json()) as { openapi: string }).openapi, '3.1.0');

  for (const seed of [1, 2]) {
    const sim = new VirtualClient({ uuid: seededUuid(rng(seed)), url: mqttUrl, speed: 20 });
    sims.push(sim);
    await sim.start();
  }
  const after = await until(async () => {
    const h = await health(url);
    return h.body.actors.clients === 2 ? h : undefined;
  }, 5000, 'two client actors');
  assert.is(after.body.broker.drops?.total ?? 0, 0, 'every simulated payload was accepted');
  // Operators' tools on Deno: readiness, Prometheus text from loopback, X-Request-Id, JSON log lines off a terminal.
  const ready = await fetch(`${url}/health/ready`);
  assert.is(ready.status, 200, await ready.clone().text());
  assert.match(ready.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
  const metrics = await (await fetch(`${url}/metrics`)).text();
  assert.match(metrics, /^infoscreen_build_info\{version="[^"]+",runtime="deno",runtime_version="[^"]+"\} 1$/m);
  assert.match(metrics, /^infoscreen_clients_online 2$/m);
  assert.match(metrics, /^process_resident_memory_bytes \d+/m);
  assert.match(output, /^\{"level":"info","time":"[^"]+".*"scope":"runtime".*"msg":"restored 0 client actors/m);
  await Promise.all(sims.map((s) => s.stop()));

  const t0 = Date.now();
  child.kill('SIGTERM'); // to `deno task`, which forwards it to the server process
  let timer: NodeJS.Timeout | undefined;
  const code = await Promise.race([exited, new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), 5000)))]);
  clearTimeout(timer);
  assert.is.not(code, 'timeout', `still running 5 s after SIGTERM; output:\n${output}`);
  assert.is(code, 0, output);
  assert.match(output, /SIGTERM: shutting down/);
  assert.ok(Date.now() - t0 < 5000);
});

test.run();
