/**
 * Bad MQTT input, end to end (docs/mqtt.md "Bad input"): malformed, wrong-typed, oversized input and
 * non-UUID topics are counted per reason (`rt.drops`, GET /health) and dropped; they never crash
 * the process, never create a client, never corrupt a well-behaved client's state, and a flood from
 * one client does not stop another's heartbeats. Runs on the embedded broker and, if installed, Mosquitto.
 */
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { examples, UUID as GOOD } from '../testing/broker-fixtures.ts';
import { topics } from '../broker/topics.ts';
import type { DropReason } from '../broker/drops.ts';
import {
  device, embeddedTarget, guardedSetup, ifMosquitto, pub, sleep, startHarness, startMosquitto, tempDir, waitFor,
  type BrokerTarget, type Harness, type TempDir,
} from '../testing/helpers.ts';

const BAD = 'bad00000-0000-4000-8000-00000000bad0'; // a valid uuid whose every message is broken
const FLOOD = 5000;

function badInputSuite(name: string, makeTarget: () => Promise<BrokerTarget>) {
  const s = suite(`bad input over ${name}`);
  let target: BrokerTarget | undefined;
  let tmp: TempDir | undefined;
  let h: Harness;
  let good: MqttClient;
  let bad: MqttClient;
  let baseline: Record<string, unknown>;

  const record = async () => (await h.get(`/api/clients/${GOOD}`)).body;
  /** Publishes raw payloads from the bad client and answers the drop-count deltas per reason. */
  const dropsFor = async (messages: Array<[topic: string, payload: string | Uint8Array]>) => {
    const before = h.rt.drops.snapshot();
    const inBefore = h.rt.stats.messagesIn;
    for (const [topic, payload] of messages) await pub(bad, topic, payload);
    // Every message here is one to drop: wait for the drops themselves, not only for the arrivals
    // (another message, e.g. a retained one, may arrive in between and satisfy a count of arrivals).
    await waitFor(
      () => h.rt.stats.messagesIn >= inBefore + messages.length && h.rt.drops.snapshot().total >= before.total + messages.length,
      `${messages.length} messages ingested and dropped`,
    );
    const after = h.rt.drops.snapshot();
    const delta: Partial<Record<DropReason, number>> = {};
    for (const [reason, n] of Object.entries(after.byReason) as [DropReason, number][])
      if (n !== before.byReason[reason]) delta[reason] = n - before.byReason[reason];
    return delta;
  };

  guardedSetup(s, async () => {
    target = await makeTarget();
    tmp = tempDir('infoscreen-e2e-badinput-');
    h = await startHarness(tmp.dir, target);
    good = await device(h.url);
    bad = await device(h.url);
    await pub(good, topics.discovery, examples.discovery);
    await pub(good, topics.health(GOOD), examples.health);
    await pub(good, topics.heartbeat(GOOD), examples.heartbeat);
    await waitFor(async () => (await record()).mqttReconnectCount === 2, 'the good client');
    const { lastAlive: _l, ...rest } = await record();
    baseline = rest;
  });
  s.after(async () => {
    for (const c of [good, bad]) await c?.endAsync().catch(() => {});
    await h?.close();
    await target?.close();
    tmp?.remove();
  });

  s('malformed JSON and invalid UTF-8: bad_json', async () => {
    const delta = await dropsFor([
      [topics.heartbeat(BAD), '{"timestamp": '],
      [topics.health(BAD), '[1, 2'],
      [topics.log(BAD, 'ERROR'), new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])], // "{\xff\xfe}"
      [topics.discovery, 'not json at all'],
      [topics.dashboard(BAD), ''], // empty is not JSON (only an empty service_failed is a retain-clear)
    ]);
    assert.equal(delta, { bad_json: 5 });
  });

  s('wrong types and shapes: bad_payload, also on the good client\'s own topics', async () => {
    const delta = await dropsFor([
      [topics.heartbeat(BAD), '[1]'],
      [topics.heartbeat(BAD), 'null'],
      [topics.heartbeat(BAD), JSON.stringify({ process_pid: 'abc' })],
      [topics.health(GOOD), JSON.stringify({ actual_state: { status: 'exploded', pid: 9 } })],
      [topics.health(GOOD), JSON.stringify({ ...examples.health, broker_connection: 'yes' })],
      [topics.log(GOOD, 'ERROR'), JSON.stringify({ timestamp: '2026-04-05T08:00:00Z', message: 42 })],
      [topics.discovery, JSON.stringify({ uuid: 'not-a-uuid', hostname: 'evil' })],
      [topics.discovery, JSON.stringify({ uuid: GOOD, hostname: 42 })],
      [topics.serviceFailed(GOOD), JSON.stringify({ event: 'service_failed', unit: 5 })],
      [topics.ack(GOOD), JSON.stringify({ command_id: '', status: 'completed' })],
      [topics.dashboard(BAD), JSON.stringify({ content: { screenshot: { data: '***not base64***' } } })],
      [topics.screenshot(BAD), JSON.stringify({ timestamp: '2026-04-05T08:00:00Z' })],
    ]);
    assert.equal(delta, { bad_payload: 12 });
    const { lastAlive: _l, ...now } = await record();
    assert.equal(now, baseline, 'the good client is untouched');
    assert.is((await h.get(`/api/client-logs/${GOOD}/logs`)).body.count, 0);
  });

  s('non-UUID topic segments: bad_topic, and no client is created', async () => {
    const hb = JSON.stringify(examples.heartbeat);
    const delta = await dropsFor([
      ['infoscreen/not-a-uuid/heartbeat', hb],
      ['infoscreen/1234/logs/error', JSON.stringify(examples.log)],
      [`infoscreen/${GOOD.slice(0, -1)}/health`, JSON.stringify(examples.health)], // 35 chars
      [`infoscreen/${GOOD}x/dashboard`, JSON.stringify(examples.dashboard)],
      [`infoscreen/${BAD}/logs/fatal`, JSON.stringify(examples.log)], // unknown level
      [`infoscreen/${BAD}/logs/error/extra`, JSON.stringify(examples.log)],
      ['infoscreen/%20/service_failed', JSON.stringify(examples.serviceFailed)],
    ]);
    assert.equal(delta, { bad_topic: 7 });
    assert.equal((await h.get('/api/clients')).body.map((c: { uuid: string }) => c.uuid), [GOOD]);
  });

  s('a 2 MB payload: too_large, process alive, nothing stored', async () => {
    const before = h.rt.drops.snapshot().byReason.too_large;
    const huge = JSON.stringify({ ...examples.dashboard, content: { screenshot: { data: 'A'.repeat(2 * 1024 * 1024) } } });
    await pub(bad, topics.dashboard(BAD), huge);
    // The embedded broker drops it before delivery (broker/embedded.ts); Mosquitto delivers, ingest drops.
    await waitFor(() => h.rt.drops.snapshot().byReason.too_large === before + 1, 'too_large counted');
    assert.is((await h.rt.app.request(`/screenshots/${BAD}.jpg`, { headers: { cookie: h.cookie } })).status, 404);
    assert.is((await h.get('/health')).status, 200);
    assert.is((await h.get(`/api/clients/${BAD}`)).status, 404);
  });

  s(`a flood of ${FLOOD} bad messages: all counted; the good client's heartbeats get through during and after`, async () => {
    const before = h.rt.drops.snapshot().total;
    // Drop totals seen at each of the good client's heartbeats, as the server ingested them.
    const seenAt: number[] = [];
    const off = h.rt.bus.on((e) => {
      if (e.type === 'client-seen' && e.uuid === GOOD) seenAt.push(h.rt.drops.snapshot().total);
    });
    try {
      let flooding = true;
      const beats = (async () => {
        while (flooding) {
          await pub(good, topics.heartbeat(GOOD), examples.heartbeat);
          await sleep(2);
        }
      })();
      await sleep(20); // the heartbeat stream is running before the flood starts
      // The burst goes out in chunks of 250 with a turn of the event loop between them, so it spans
      // more than one tick of the broker and the server, as a real flood does.
      for (let i = 0; i < FLOOD; i += 250) {
        for (let j = i; j < i + 250; j++) bad.publish(topics.health(BAD), `{"flood": ${j}`, { qos: 0 });
        await new Promise((r) => setImmediate(r));
      }
      await waitFor(() => h.rt.drops.snapshot().total >= before + FLOOD, `${FLOOD} drops`, 30_000);
      flooding = false;
      await beats;
      const n = seenAt.length;
      await pub(good, topics.heartbeat(GOOD), examples.heartbeat);
      await waitFor(() => seenAt.length > n, 'a heartbeat after the flood');
    } finally {
      off();
    }
    const after = h.rt.drops.snapshot();
    assert.is(after.total - before, FLOOD, 'every flood message counted, nothing else dropped');
    const during = seenAt.filter((t) => t > before && t < before + FLOOD).length;
    if (process.env.E2E_DEBUG) console.log(`heartbeats during the flood: ${during} of ${seenAt.length}`);
    assert.ok(during > 0, `a heartbeat ingested while the flood was being dropped (drop totals at heartbeats: ${seenAt.join(',')})`);
    assert.is(seenAt.at(-1), before + FLOOD, 'and after it');
  });

  s('afterwards: process alive, /health reports the drops, the good client intact', async () => {
    const health = await h.get('/health');
    assert.is(health.status, 200);
    assert.is(health.body.status, 'ok');
    assert.equal(health.body.broker.drops, h.rt.drops.snapshot());
    assert.equal(health.body.broker.drops.byReason, { bad_topic: 7, bad_json: 5 + FLOOD, bad_payload: 12, too_large: 1, handler_error: 0 });
    const { lastAlive, ...now } = await record();
    assert.equal(now, baseline);
    assert.ok(Date.now() - Date.parse(lastAlive) < 5000, 'still being seen');
    assert.equal((await h.get('/api/clients')).body.map((c: { uuid: string }) => c.uuid), [GOOD]);
  });

  s.run();
}

badInputSuite('the embedded broker', async () => embeddedTarget());

ifMosquitto('bad input over Mosquitto', (bin) => badInputSuite('Mosquitto', () => startMosquitto(bin)));
