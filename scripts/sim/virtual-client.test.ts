/**
 * The fleet simulator against a real aedes broker on an ephemeral port: payload shapes accepted by
 * the server's own schemas (broker/schemas.ts) and topic parser, command acks on both topics
 * (docs/commands.md), rejection of stale/invalid commands, the reboot silence, retained service_failed,
 * the shared-connection mode, and the CLI end to end.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { spawn } from 'node:child_process';
import { Aedes } from 'aedes';
import mqtt, { type MqttClient } from 'mqtt';
import { parseTopic } from '../../broker/topics.ts';
import * as S from '../../broker/schemas.ts';
import { VirtualClient } from './virtual-client.ts';
import { jpegWithComment, FRAME_JPEG } from './payloads.ts';
import { rng, seededUuid } from './rng.ts';

interface Msg { topic: string; body: string; retain: boolean; at: number }

let broker: Aedes;
let server: net.Server;
let url = '';
let observer: MqttClient;
const seen: Msg[] = [];
const disconnects: string[] = [];
const clients: VirtualClient[] = [];
const extra: MqttClient[] = [];

const uuidOf = (seed: number) => seededUuid(rng(seed));
const from = (uuid: string, leaf?: string) => seen.filter((m) => m.topic.includes(uuid) && (!leaf || m.topic.endsWith(`/${leaf}`)));
const json = (m: Msg) => JSON.parse(m.body);

async function waitFor<T>(fn: () => T | undefined | false, ms = 5000, what = 'condition'): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function client(uuid: string, opts: Partial<ConstructorParameters<typeof VirtualClient>[0]> = {}) {
  const c = new VirtualClient({ uuid, url, speed: 50, ...opts });
  clients.push(c);
  await c.start();
  return c;
}

function command(uuid: string, id: string, action: string, over: Record<string, unknown> = {}) {
  const now = Date.now();
  return JSON.stringify({
    schema_version: '1.0', command_id: id, client_uuid: uuid, action,
    issued_at: new Date(now).toISOString(), expires_at: new Date(now + 240_000).toISOString(),
    requested_by: 1, reason: 'operator_request', ...over,
  });
}
const sendBoth = async (uuid: string, body: string) => {
  await observer.publishAsync(`infoscreen/${uuid}/commands`, body, { qos: 1 });
  await observer.publishAsync(`infoscreen/${uuid}/command`, body, { qos: 1 });
};
const acks = (uuid: string, id: string, leaf: 'commands/ack' | 'command/ack') =>
  from(uuid, leaf).map(json).filter((a) => a.command_id === id);

test.before(async () => {
  broker = await Aedes.createBroker();
  broker.on('clientDisconnect', (c) => disconnects.push(c.id));
  server = net.createServer(broker.handle);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `mqtt://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  observer = await mqtt.connectAsync(url, { clientId: 'observer' });
  observer.on('message', (topic, payload, packet) => seen.push({ topic, body: payload.toString(), retain: packet.retain, at: Date.now() }));
  await observer.subscribeAsync('infoscreen/#', { qos: 1 });
});

test.after(async () => {
  await Promise.all(clients.map((c) => c.stop()));
  await Promise.all([observer, ...extra].map((c) => c.endAsync()));
  await new Promise<void>((r) => broker.close(() => r()));
  await new Promise((r) => server.close(r));
});

test('seeded uuids are deterministic lower-case v4 uuids; varied JPEGs stay JPEGs', () => {
  const a = uuidOf(1);
  assert.is(a, uuidOf(1));
  assert.is.not(a, uuidOf(2));
  assert.match(a, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  const j1 = jpegWithComment(FRAME_JPEG, 'a #1');
  const j2 = jpegWithComment(FRAME_JPEG, 'a #2');
  assert.equal([j1[0], j1[1], j1[2], j1[3]], [0xff, 0xd8, 0xff, 0xfe]); // SOI then COM
  assert.equal([j1.at(-2), j1.at(-1)], [0xff, 0xd9]); // EOI
  assert.is.not(Buffer.from(j1).equals(Buffer.from(j2)), true);
});

test('boot and periodic payloads pass the server schemas and topic parser', async () => {
  const uuid = uuidOf(10);
  await client(uuid, { profile: 'healthy' });
  await waitFor(() => from(uuid, 'health').length >= 3 && from(uuid, 'dashboard').length >= 2, 5000, 'health and two screenshots');
  const discovery = seen.find((m) => m.topic === 'infoscreen/discovery' && json(m).uuid === uuid)!;
  const info = S.toDiscoveryInfo(S.discoverySchema.parse(json(discovery)));
  assert.is(info.hostname, `infoscreen-${uuid.slice(0, 8)}`);
  assert.ok(info.hardware && info.softwareVersion);
  for (const [leaf, schema, kind] of [
    ['heartbeat', S.heartbeatSchema, 'heartbeat'],
    ['health', S.healthSchema, 'health'],
    ['logs/info', S.logSchema, 'log'],
    ['dashboard', S.dashboardSchema, 'dashboard'],
  ] as const) {
    const msgs = from(uuid, leaf);
    assert.ok(msgs.length > 0, `no ${leaf}`);
    for (const m of msgs) {
      assert.is(parseTopic(m.topic)?.kind, kind);
      const r = schema.safeParse(json(m));
      assert.ok(r.success, `${leaf} rejected: ${r.error?.message}`);
    }
  }
  const health = S.toHealthEvent(S.healthSchema.parse(json(from(uuid, 'health')[0]!)), 0);
  assert.is(health.type === 'HEALTH' && health.processStatus, 'running');
  const shots = from(uuid, 'dashboard').map((m) => S.dashboardParts(S.dashboardSchema.parse(json(m))));
  assert.is(shots[0]!.captureType, 'event_start');
  assert.is(shots[1]!.captureType, 'periodic');
  const bytes = shots.map((s) => Buffer.from(s.base64, 'base64'));
  assert.equal([...bytes[0]!.subarray(0, 2)], [0xff, 0xd8]);
  assert.is.not(bytes[0]!.equals(bytes[1]!), true, 'frames differ so the server does not see FROZEN');
});

test('acks a command on both topics: accepted → execution_started → completed, once', async () => {
  const uuid = uuidOf(11);
  await client(uuid);
  const id = crypto.randomUUID();
  await sendBoth(uuid, command(uuid, id, 'restart_app')); // identical bytes on both topics, as the server does
  await waitFor(() => acks(uuid, id, 'command/ack').some((a) => a.status === 'completed'), 5000, 'completed ack');
  await new Promise((r) => setTimeout(r, 200)); // a second execution would show up as more acks
  for (const leaf of ['commands/ack', 'command/ack'] as const) {
    const list = acks(uuid, id, leaf);
    assert.equal(list.map((a) => a.status), ['accepted', 'execution_started', 'completed'], leaf);
    for (const a of list) {
      assert.equal(Object.keys(a).sort(), ['command_id', 'error_code', 'error_message', 'status']);
      assert.ok(S.ackSchema.safeParse(a).success);
    }
  }
});

test('stale and invalid commands get a failed ack; a payload without command_id gets none', async () => {
  const uuid = uuidOf(12);
  await client(uuid);
  const stale = crypto.randomUUID();
  const bad = crypto.randomUUID();
  const past = Date.now() - 600_000;
  await sendBoth(uuid, command(uuid, stale, 'reboot_host', { issued_at: new Date(past).toISOString(), expires_at: new Date(past + 240_000).toISOString() }));
  await sendBoth(uuid, command(uuid, bad, 'reboot_host', { extra: true }));
  await observer.publishAsync(`infoscreen/${uuid}/commands`, '{"action":"reboot_host"}', { qos: 1 });
  await waitFor(() => acks(uuid, bad, 'command/ack').length > 0, 3000, 'invalid_schema ack');
  await new Promise((r) => setTimeout(r, 200));
  for (const leaf of ['commands/ack', 'command/ack'] as const) {
    assert.equal(acks(uuid, stale, leaf).map((a) => [a.status, a.error_code]), [['failed', 'stale_command']]);
    assert.equal(acks(uuid, bad, leaf).map((a) => [a.status, a.error_code]), [['failed', 'invalid_schema']]);
    assert.ok(acks(uuid, bad, leaf)[0].error_message.length > 0);
  }
  assert.is(from(uuid, 'commands/ack').length, 2, 'nothing acked for the id-less payload');
  assert.is(from(uuid, 'heartbeat').length > 0, true, 'nothing executed: still talking');
});

test('reboot_host: disconnects, stays silent, comes back with discovery, then completed', async () => {
  const uuid = uuidOf(13);
  await client(uuid, { rebootSilenceMs: [400, 450] });
  const id = crypto.randomUUID();
  await sendBoth(uuid, command(uuid, id, 'reboot_host'));
  await waitFor(() => acks(uuid, id, 'commands/ack').some((a) => a.status === 'completed'), 5000, 'completed after reboot');
  const started = from(uuid, 'commands/ack').find((m) => json(m).command_id === id && json(m).status === 'execution_started')!;
  const back = from(uuid, 'heartbeat').find((m) => m.at > started.at)!;
  assert.ok(back.at - started.at >= 350, `silent for ${back.at - started.at} ms`);
  assert.ok(disconnects.includes(`sim-${uuid}`), 'the broker saw the connection close');
  assert.ok(seen.some((m) => m.topic === 'infoscreen/discovery' && m.at > started.at && json(m).uuid === uuid), 're-announced after boot');
});

test('service_failed profile: a retained notice that a later subscriber still gets', async () => {
  const uuid = uuidOf(14);
  await client(uuid, { profile: 'service_failed', speed: 200 }); // fails ~225 ms after boot
  await waitFor(() => from(uuid, 'service_failed').length > 0, 3000, 'service_failed');
  const late = await mqtt.connectAsync(url, { clientId: 'late' });
  extra.push(late);
  const got = new Promise<Msg>((r) => late.on('message', (topic, p, packet) => r({ topic, body: p.toString(), retain: packet.retain, at: Date.now() })));
  await late.subscribeAsync(`infoscreen/${uuid}/service_failed`, { qos: 1 });
  const m = await got;
  assert.is(m.retain, true);
  const body = json(m);
  assert.is(body.event, 'service_failed');
  assert.is(body.client_uuid, uuid);
  assert.ok(S.serviceFailedSchema.safeParse(body).success);
});

test('shared mode: one connection, commands reach only the addressed client', async () => {
  const conn = await mqtt.connectAsync(url, { clientId: 'shared' });
  extra.push(conn);
  const [a, b] = [uuidOf(15), uuidOf(16)];
  const byUuid = new Map<string, VirtualClient>();
  conn.on('message', (topic, payload) => byUuid.get(topic.split('/')[1]!)?.handleMessage(topic, payload));
  await conn.subscribeAsync(['infoscreen/+/commands', 'infoscreen/+/command'], { qos: 1 });
  for (const u of [a, b]) {
    const c = new VirtualClient({ uuid: u, shared: conn, speed: 50 });
    clients.push(c);
    byUuid.set(u, c);
    await c.start();
  }
  const id = crypto.randomUUID();
  await sendBoth(a, command(a, id, 'restart_app'));
  await waitFor(() => acks(a, id, 'commands/ack').some((x) => x.status === 'completed'), 5000, 'shared completed');
  assert.is(from(b, 'commands/ack').length, 0);
  assert.ok(from(b, 'health').length > 0);
});

test('CLI: runs for --duration and exits 0 with a summary', async () => {
  const child = spawn(process.execPath, ['--import', 'tsx', 'scripts/simulate-fleet.ts', '--url', url, '--clients', '4', '--seed', '99', '--speed', '20', '--duration', '1.5', '--stats', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  const code = await new Promise<number | null>((r) => child.on('close', r));
  assert.is(code, 0, out);
  assert.match(out, /simulating 4 clients/);
  assert.match(out, /final: online 0\/4, published \d+/);
  const announced = new Set(seen.filter((m) => m.topic === 'infoscreen/discovery').map((m) => json(m).uuid));
  const first = seededUuid(rng(99));
  assert.ok(announced.has(first), 'the first seeded uuid announced itself');
});

test.run();
