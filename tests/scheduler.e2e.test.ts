/**
 * The scheduler on the wire (docs/scheduler.md, docs/mqtt.md "Server → client"), over the real embedded
 * broker: retained event lists a newly connected device receives, `[]` when the event ends, the
 * power intent republished after the broker itself restarted (retained messages gone) and never
 * expired; then through the whole runtime: an API edit reaches a subscribed device at once, the
 * client actor learns its expected event, and a deleted group's retained topics are cleared.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedClock } from 'xstate';
import type { MqttClient } from 'mqtt';
import { startEmbeddedBroker, type EmbeddedBroker } from '../broker/embedded.ts';
import { connectBroker, type BrokerConnection } from '../broker/connection.ts';
import { topics } from '../broker/topics.ts';
import { SchedulerService } from '../actors/scheduler.ts';
import { openDatabase, type Db } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { insertGroupStatement } from '../db/groups.ts';
import { insertEventStatement } from '../db/events.ts';
import { setQuiet } from '../lib/logger.ts';
import { collect, device, embeddedTarget, freePort, guardedSetup, pub, startHarness, tempDir, waitFor, type Harness, type Received, type TempDir } from '../testing/helpers.ts';

setQuiet(true);
const t = (s: string) => Date.parse(s);
const json = (r: Received) => (r.payload.length ? JSON.parse(r.payload.toString()) : null);

// ── the service against the embedded broker, restarted in the middle ──────────────────────────

const wire = suite('scheduler over the embedded broker (restarted)');
let broker: EmbeddedBroker | null = null;
let conn: BrokerConnection;
let db: Db;
let svc: SchedulerService;
let port: number;
const clock = new SimulatedClock();
const devices: MqttClient[] = [];
const startBroker = async () => (broker = await startEmbeddedBroker({ host: '127.0.0.1', port, maxPayloadBytes: 1 << 20 }));
const poll = async () => (clock.increment(30_000), await svc.whenIdle());

guardedSetup(wire, async () => {
  port = await freePort();
  await startBroker();
  db = await openDatabase('file::memory:');
  await migrate(db);
  clock.set(t('2026-04-01T06:10:00Z'));
  await db.batch([
    insertGroupStatement(12, { name: 'Aula', description: null, displayOrder: 0 }, clock.now()),
    insertEventStatement(148, {
      groupId: 12, title: 'Morning news', description: null, eventType: 'message', start: t('2026-04-01T06:00:00Z'), end: t('2026-04-01T07:00:00Z'),
      timezone: 'Europe/Vienna', recurrenceRule: 'FREQ=DAILY', skipHolidays: false, isActive: true, fields: { message: { text: 'Guten Morgen' } },
    }, clock.now()),
  ], 'write');
  svc = new SchedulerService({
    clock, db, publisher: { publish: (...a) => conn.publish(...a), get connected() { return conn.connected; } }, pollSeconds: 30, refreshSeconds: 0, windowDays: 7,
    powerIntent: { enabled: true, heartbeat: true, expiryMultiplier: 3, minExpirySeconds: 90 },
  });
  conn = connectBroker({
    url: `mqtt://127.0.0.1:${port}`, clientId: 'scheduler-e2e', keepalive: 5, protocolVersion: 4, clean: true,
    backoffMs: { initial: 50, max: 200 }, onMessage: () => {},
    onStatus: (s) => s === 'connected' && svc.brokerConnected(),
  });
  await waitFor(() => conn.connected, 'the server connection');
  await svc.start();
  await svc.whenIdle();
});
wire.after(async () => {
  for (const d of devices) await d.endAsync().catch(() => {});
  svc?.stop();
  await conn?.close();
  await broker?.close();
  db?.close();
});

wire('a device connecting later receives the retained event list and intent; [] once the event ended', async () => {
  const dev = await device(`mqtt://127.0.0.1:${port}`);
  devices.push(dev);
  const lists = await collect(dev, topics.events(12));
  const intents = await collect(dev, topics.powerIntent(12));
  await waitFor(() => lists.length && intents.length, 'retained messages');
  assert.is(lists[0].retain, true);
  assert.equal(json(lists[0]).map((e: any) => [e.id, e.start, e.message.text]), [[148, '2026-04-01T06:00:00Z', 'Guten Morgen']]);
  assert.equal([json(intents[0]).desired_state, json(intents[0]).active_event_ids], ['on', [148]]);
  while (clock.now() < t('2026-04-01T07:00:00Z')) await poll();
  await waitFor(() => lists.some((r) => r.payload.toString() === '[]'), 'the empty list');
  await waitFor(() => intents.some((r) => json(r)?.desired_state === 'off'), 'the off intent');
  assert.is.not(json(intents.find((r) => json(r).desired_state === 'off')!).intent_id, json(intents[0]).intent_id);
});

wire('after the broker restarts (retained messages lost) everything is republished, never an expired intent', async () => {
  clock.set(t('2026-04-02T06:30:00Z')); // the daily occurrence runs again
  await poll();
  const before = svc.intent(12)!;
  assert.is(before.desiredState, 'on');
  for (const d of devices.splice(0)) await d.endAsync(true);
  await broker!.close();
  await waitFor(() => !conn.connected, 'the connection to notice');
  for (let i = 0; i < 10; i++) await poll(); // five minutes without a broker: heartbeats fail, intents age
  const republishedBefore = svc.counters.intentReconnectRepublishes;
  await startBroker(); // empty: no retained messages survive
  await waitFor(() => svc.counters.intentReconnectRepublishes > republishedBefore, 'the reconnect republish', 10_000);
  await svc.whenIdle();
  const dev = await device(`mqtt://127.0.0.1:${port}`);
  devices.push(dev);
  const lists = await collect(dev, topics.events(12));
  const intents = await collect(dev, topics.powerIntent(12));
  await waitFor(() => lists.length && intents.length, 'retained messages on the new broker');
  assert.equal(json(lists[0]).map((e: any) => e.id), [148]);
  const intent = json(intents[0]);
  assert.is(intent.intent_id, before.intentId, 'no semantic change: same intent_id');
  assert.ok(Date.parse(intent.expires_at) > clock.now(), 'not expired');
  assert.is(Date.parse(intent.issued_at), clock.now(), 'issued now, not replayed');
});

// ── the whole runtime: HTTP edit → device at once ────────────────────────────────────────────

const api = suite('scheduler through the runtime');
const UUID = '6c8f3a52-5d8e-4a57-9b65-2f0c0e9e1a11';
let h: Harness;
let tmp: TempDir;
let dev: MqttClient;

guardedSetup(api, async () => {
  tmp = tempDir('infoscreen-e2e-scheduler-');
  h = await startHarness(tmp.dir, embeddedTarget(), { POWER_INTENT_PUBLISH_ENABLED: 'true' });
  dev = await device(h.url);
});
api.after(async () => {
  await dev?.endAsync().catch(() => {});
  await h?.close();
  tmp?.remove();
});

api('a new group publishes [] at once; an event created over the API reaches the device at once; the client expects it', async () => {
  const g = await h.send('POST', '/api/groups', { name: 'Foyer' });
  assert.is(g.status, 201);
  const lists = await collect(dev, topics.events(g.body.id));
  const intents = await collect(dev, topics.powerIntent(g.body.id));
  await waitFor(() => lists.length && intents.length, 'the new group\'s retained topics');
  assert.equal(json(lists[0]), []);
  assert.is(json(intents[0]).desired_state, 'off');

  await pub(dev, topics.heartbeat(UUID), { current_process: 'chromium', process_pid: 7, process_status: 'running', current_event_id: null });
  await waitFor(() => h.rt.fleet.get(UUID), 'the client');
  assert.is((await h.send('PUT', '/api/clients/group', { uuids: [UUID], group_id: g.body.id })).status, 200);

  const now = Date.now();
  const created = await h.send('POST', '/api/events', {
    groupId: g.body.id, title: 'Now', eventType: 'website', start: new Date(now - 60_000).toISOString(), end: new Date(now + 3_600_000).toISOString(),
    website: { url: 'https://example.org/plan' },
  });
  assert.is(created.status, 201, JSON.stringify(created.body));
  // At once: well before the 30 s poll.
  await waitFor(() => lists.some((r) => json(r)?.[0]?.id === created.body.id), 'the event list', 3000);
  const list = json(lists.at(-1)!);
  assert.equal(list[0].website, { type: 'browser', url: 'https://example.org/plan' });
  await waitFor(() => intents.some((r) => json(r).desired_state === 'on'), 'the on intent', 3000);
  await waitFor(() => h.rt.fleet.get(UUID)?.expectedEventId === String(created.body.id), 'the expected event');
  await waitFor(() => h.rt.fleet.get(UUID)?.statusReasons.includes('event_mismatch'), 'the mismatch (the client plays nothing)');
  await pub(dev, topics.heartbeat(UUID), { current_process: 'chromium', process_pid: 7, process_status: 'running', current_event_id: created.body.id });
  await waitFor(() => !h.rt.fleet.get(UUID)?.statusReasons.includes('event_mismatch'), 'the mismatch to clear');
});

api('deleting a group unassigns its clients and clears its retained topics', async () => {
  const g = (await h.get('/api/groups')).body.find((x: any) => x.name === 'Foyer');
  const lists = await collect(dev, topics.events(g.id));
  const groupIds = await collect(dev, topics.groupId(UUID));
  await waitFor(() => lists.length && groupIds.length, 'retained replays');
  const del = await h.send('DELETE', `/api/groups/${g.id}`);
  assert.equal(del.body, { success: true, unassigned: 1 });
  await waitFor(() => lists.some((r) => r.payload.length === 0), 'the cleared event list');
  await waitFor(() => groupIds.some((r) => r.payload.length === 0), 'the cleared group_id');
  assert.is(h.rt.fleet.get(UUID)?.groupId, null);
});

wire.run();
api.run();
