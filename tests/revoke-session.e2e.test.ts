/**
 * Revoking or rotating a device account cuts its live session on the embedded broker:
 * through the API at once (broker/setup.ts), and through the provisioning CLI, a separate process
 * writing the shared database, within POLL_INTERVAL_SECONDS (broker/credential-watch.ts). Real
 * runtime with enforcement on, real mqtt.js device connections, the real CLI as a child process.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { embeddedTarget, sleep, startHarness, tempDir, waitFor, type Harness, type TempDir } from '../testing/helpers.ts';

const ROOT = resolve(import.meta.dirname, '..');
const A = 'a1a1a1a1-0000-4000-8000-000000000001';
const B = 'b2b2b2b2-0000-4000-8000-000000000002';
const C = 'c3c3c3c3-0000-4000-8000-000000000003';
let dir: TempDir;
let h: Harness;
const open: MqttClient[] = [];

test.before(async () => {
  dir = tempDir();
  h = await startHarness(dir.dir, embeddedTarget(), { MQTT_ALLOW_ANONYMOUS: 'false', POLL_INTERVAL_SECONDS: '1' });
});

test.after(async () => {
  for (const c of open) await c.endAsync(true).catch(() => {});
  await h?.close();
  dir?.remove();
});

interface Account {
  username: string;
  password: string;
}

async function provision(uuid: string): Promise<Account> {
  const r = await h.send('POST', `/api/clients/${uuid}/credentials`);
  assert.ok(r.status === 201 || r.status === 200, JSON.stringify(r.body));
  return r.body;
}

async function connect(a: Account, clientId: string): Promise<{ client: MqttClient; closed: () => boolean }> {
  const client = await mqtt.connectAsync(h.url, { ...a, clientId, protocolVersion: 4, reconnectPeriod: 0, connectTimeout: 5000 });
  client.on('error', () => {});
  let closed = false;
  client.on('close', () => (closed = true));
  open.push(client);
  return { client, closed: () => closed };
}

async function refused(a: Account): Promise<string> {
  try {
    const c = await mqtt.connectAsync(h.url, { ...a, clientId: `probe-${crypto.randomUUID().slice(0, 6)}`, reconnectPeriod: 0, connectTimeout: 5000 });
    await c.endAsync(true);
    return 'connected';
  } catch (err) {
    return String(err);
  }
}

/** `npm run provision -- …` as an operator runs it next to the server: same database file. */
function cli(...args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: Record<string, string | undefined> = { ...process.env, ENV: 'test', DATABASE_URL: `file:${join(dir.dir, 'x.db')}`, DATA_DIR: dir.dir, NO_COLOR: '1' };
  for (const k of ['MQTT_USER', 'MQTT_PASSWORD', 'MOSQUITTO_CONFIG_DIR', 'MOSQUITTO_PID_FILE']) delete env[k];
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/provision.ts', ...args], { cwd: ROOT, env });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (b) => (stdout += b));
  child.stderr.on('data', (b) => (stderr += b));
  return new Promise((r) => child.on('close', (code) => r({ code, stdout, stderr })));
}

test('API revoke: the connected device is kicked at once and cannot come back', async () => {
  const c = await provision(C);
  const live = await connect(c, 'dev-c');
  const r = await h.send('DELETE', `/api/clients/${C}/credentials`);
  assert.is(r.status, 200);
  await waitFor(() => live.closed(), 'the revoked session closed', 500);
  assert.match(await refused(c), /Bad username or password/);
});

test('CLI --revoke (another process): the live session is cut within the poll interval; others stay', async () => {
  const a = await provision(A);
  const b = await provision(B);
  const devA = await connect(a, 'dev-a');
  const devB = await connect(b, 'dev-b');
  const r = await cli('--revoke', A);
  assert.is(r.code, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`${A}: revoked`));
  await waitFor(() => devA.closed(), 'the session of the device revoked by the CLI closed', 3000);
  assert.match(await refused(a), /Bad username or password/);
  assert.not.ok(devB.closed(), 'the other device keeps its session');
});

test('CLI rotation: the old session is cut, a session with the new password survives later checks', async () => {
  const old = await connect(await provision(B), 'dev-b-old'); // rotated through the API first, then by the CLI
  const r = await cli(B);
  assert.is(r.code, 0, r.stderr);
  const password = /^password: (\S+)$/m.exec(r.stdout)![1];
  await waitFor(() => old.closed(), 'the rotated session closed', 3000);
  const fresh = await connect({ username: 'infoscreen-client-b2b2b2b2', password }, 'dev-b-new');
  await sleep(2500); // two more looks at the changed account
  assert.not.ok(fresh.closed(), 'checked after the change: not kicked');
  assert.ok(h.rt.brokerSide.security!.registry.totals.disconnectedByServer >= 3);
});

test.run();
