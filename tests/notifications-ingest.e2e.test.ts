/**
 * Delivery never runs on the ingest path (docs/notifications.md "Delivery"): with a receiver that
 * hangs on every request and a storm of alerts queued for it, the bus hands each alert back before
 * any network I/O, and device messages keep being ingested while the attempt hangs.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { topics } from '../broker/topics.ts';
import { httpReceiver, type HttpReceiver } from '../testing/notify-receivers.ts';
import { device, embeddedTarget, pub, startHarness, tempDir, waitFor, type Harness, type TempDir } from '../testing/helpers.ts';

const UUID = '5e1f0000-aaaa-4bbb-8ccc-000000000077';
let h: Harness;
let tmp: TempDir;
let rx: HttpReceiver;
let dev: MqttClient;

test.before(async () => {
  tmp = tempDir('infoscreen-e2e-notify-');
  h = await startHarness(tmp.dir, embeddedTarget());
  rx = await httpReceiver(Array.from({ length: 100 }, () => 'hang' as const));
  dev = await device(h.url);
});
test.after(async () => {
  await dev?.endAsync().catch(() => {});
  await rx?.close();
  await h?.close();
  tmp?.remove();
});

test('a hanging receiver holds neither the bus nor MQTT ingestion', async () => {
  const ch = await h.send('POST', '/api/notifications/channels', { name: 'stuck', type: 'webhook', url: `${rx.url}/hook` });
  assert.is(ch.status, 201);
  assert.is((await h.send('POST', '/api/notifications/rules', { channelId: ch.body.id, kinds: ['command-failed'], delaySeconds: 0 })).status, 201);
  for (let i = 0; i < 50; i++) {
    h.rt.bus.emit({ type: 'command', commandId: `c${i}`, uuid: UUID, action: 'restart_app', from: 'sent', to: 'failed', at: Date.now() });
    assert.is(rx.received.length, 0, 'the emit returned before any request left');
  }
  await waitFor(() => rx.received.length >= 1 || null, 'the first (hanging) attempt', 10_000);
  const before = h.rt.stats.messagesIn;
  for (let i = 0; i < 200; i++) await pub(dev, topics.heartbeat(UUID), { timestamp: new Date().toISOString(), process_status: 'running' });
  await waitFor(() => h.rt.stats.messagesIn >= before + 200 || null, '200 heartbeats ingested', 10_000);
  const c = await h.get(`/api/clients/${UUID}`);
  assert.is(c.body.connectivity, 'online');
  assert.is(rx.received.length, 1, 'still the one attempt hanging (one channel: in order)');
  const outbox = await h.get('/api/notifications/outbox?limit=500');
  assert.is(outbox.body.items.filter((i: { status: string }) => i.status === 'pending' || i.status === 'sending').length, 20, 'rate cap 20 per 10 min: 20 notices queued, the other 30 folded into one digest at the window end');
});

test.run();
