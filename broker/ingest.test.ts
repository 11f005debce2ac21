/** The ingestion dispatcher with a recording port (docs/mqtt.md "Client → server" + "Bad input"). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createIngest } from './ingest.ts';
import { DropCounter } from './drops.ts';
import type { Publisher, PublishOptions } from './publisher.ts';
import { topics } from './topics.ts';
import { examples, JPEG, RecordingPort, UUID } from '../testing/broker-fixtures.ts';
import { setQuiet } from '../lib/logger.ts';

setQuiet(true);
const NOW = Date.UTC(2026, 3, 5, 8, 0, 5);
const enc = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

class RecordingPublisher implements Publisher {
  sent: Array<{ topic: string; payload: string; opts: PublishOptions }> = [];
  fail = false;
  connected = true;
  async publish(topic: string, payload: string | Uint8Array, opts: PublishOptions) {
    if (this.fail) throw new Error('offline');
    this.sent.push({ topic, payload: typeof payload === 'string' ? payload : new TextDecoder().decode(payload), opts });
  }
}

function setup(maxPayloadBytes = 1_048_576) {
  const port = new RecordingPort();
  const publisher = new RecordingPublisher();
  const drops = new DropCounter({ now: () => NOW });
  const ingest = createIngest({ port, publisher, drops, maxPayloadBytes, now: () => NOW });
  const counts = () => drops.snapshot().byReason;
  return { port, publisher, drops, ingest, counts };
}
const tick = () => new Promise((r) => setTimeout(r, 0));

test('every payload example reaches the port with typed values', async () => {
  const { port, ingest, drops } = setup();
  ingest.handle(topics.heartbeat(UUID), enc(examples.heartbeat));
  ingest.handle(topics.health(UUID), enc(examples.health));
  ingest.handle(topics.log(UUID, 'ERROR'), enc(examples.log));
  ingest.handle(topics.serviceFailed(UUID), enc(examples.serviceFailed));
  ingest.handle(topics.ack(UUID), enc(examples.ack));
  ingest.handle(topics.ackAlias(UUID), enc(examples.ack));
  ingest.handle(topics.dashboard(UUID), enc(examples.dashboard));
  ingest.handle(topics.screenshot(UUID), enc(examples.screenshot));
  await tick();
  assert.equal(port.calls.map((c) => c.m), ['clientEvent', 'clientEvent', 'log', 'clientEvent', 'commandAck', 'commandAck', 'screenshot', 'screenshot']);
  assert.ok(port.calls.every((c) => c.uuid === UUID));
  const [hb, health, log, sf, ack, ack2, dash, legacy] = port.calls as any[];
  assert.equal(hb.event, { type: 'HEARTBEAT', at: NOW, processName: 'display_manager', pid: 1234, processStatus: 'running', currentEventId: '42' });
  assert.is(health.event.type, 'HEALTH');
  assert.is(health.event.reconnectCount, 2);
  assert.equal(log.entry, { level: 'ERROR', timestamp: Date.parse('2026-04-05T08:00:01Z'), message: 'Process vlc crashed', context: { event_id: 42, restart_attempt: 1 }, deviceStamped: true });
  assert.is(log.at, NOW);
  assert.equal(sf.event, { type: 'SERVICE_FAILED', at: NOW, unit: 'infoscreen-display.service', failedAt: Date.parse('2026-04-05T07:58:00Z') });
  assert.equal(ack.ack, ack2.ack, 'canonical and alias topics give the same ack');
  assert.equal(dash.shot.jpeg, JPEG);
  assert.is(dash.shot.captureType, 'event_start');
  assert.is(legacy.shot.captureType, 'periodic');
  assert.equal(legacy.shot.jpeg, JPEG);
  assert.is(drops.snapshot().total, 0);
});

test('discovery → port.discovery, then discovery_ack QoS 1 not retained; group_id only when set', async () => {
  const { port, publisher, ingest } = setup();
  ingest.handle(topics.discovery, enc({ uuid: UUID.toUpperCase(), hostname: 'h' }));
  await tick();
  assert.equal(publisher.sent, [{ topic: `infoscreen/${UUID}/discovery_ack`, payload: `{"status":"ok","uuid":"${UUID}"}`, opts: { qos: 1, retain: false } }]);
  assert.is(port.calls[0].uuid, UUID);
  port.groupIds.set(UUID, 7);
  ingest.handle(topics.discovery, enc(examples.discovery));
  await tick();
  assert.is(publisher.sent[1].payload, `{"status":"ok","uuid":"${UUID}","group_id":7}`);
});

test('bad input is dropped and counted by reason, never reaches the port, never throws', async () => {
  const { port, ingest, counts, drops } = setup();
  ingest.handle('infoscreen/not-a-uuid/heartbeat', enc(examples.heartbeat));
  ingest.handle(`infoscreen/${UUID}/unknown`, enc({}));
  ingest.handle(topics.heartbeat(UUID), enc('{"uuid": '));
  ingest.handle(topics.heartbeat(UUID), new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])); // invalid UTF-8
  ingest.handle(topics.heartbeat(UUID), new Uint8Array(0));
  ingest.handle(topics.heartbeat(UUID), enc({ process_pid: 'abc' }));
  ingest.handle(topics.heartbeat(UUID), enc([1, 2]));
  ingest.handle(topics.health(UUID), enc({ actual_state: { status: 'exploded' } }));
  ingest.handle(topics.ack(UUID), enc({ status: 'completed' }));
  ingest.handle(topics.discovery, enc({ uuid: '../../etc/passwd' }));
  ingest.handle(topics.dashboard(UUID), enc({ content: { screenshot: { data: '!!!not base64!!!' } } }));
  ingest.handle(topics.heartbeat(UUID), new Uint8Array(2 * 1024 * 1024).fill(0x20));
  await tick();
  assert.equal(counts(), { bad_topic: 2, bad_json: 3, bad_payload: 6, too_large: 1, handler_error: 0 });
  assert.is(port.calls.length, 0);
  assert.is(drops.forClient(UUID)!.total, 9, 'attributed to the client of the topic');
});

test('the size check comes first: an oversized payload on a bad topic is too_large', () => {
  const { ingest, counts } = setup(1024);
  ingest.handle('garbage', new Uint8Array(1025));
  ingest.handle(topics.log(UUID, 'INFO'), enc({ message: 'x'.repeat(1024) }));
  assert.is(counts().too_large, 2);
  assert.is(counts().bad_topic, 0);
});

test('an empty service_failed is the retain-clear echo: ignored, not a drop', () => {
  const { port, ingest, drops } = setup();
  ingest.handle(topics.serviceFailed(UUID), new Uint8Array(0));
  assert.is(port.calls.length, 0);
  assert.is(drops.snapshot().total, 0);
});

test('a throwing port, a rejecting screenshot store or a failing ack publish count as handler_error', async () => {
  const { port, publisher, ingest, counts } = setup();
  port.fail = 'db down';
  ingest.handle(topics.heartbeat(UUID), enc(examples.heartbeat));
  ingest.handle(topics.dashboard(UUID), enc(examples.dashboard));
  port.fail = null;
  publisher.fail = true;
  ingest.handle(topics.discovery, enc(examples.discovery));
  await tick();
  assert.is(counts().handler_error, 3);
  assert.is(port.calls.length, 1, 'the discovery itself was applied');
});

test('fuzz: random topics and bytes never throw', () => {
  const { ingest, drops } = setup(4096);
  const leaves = ['heartbeat', 'health', 'logs/error', 'commands/ack', 'dashboard', 'screenshot', 'service_failed', 'x'];
  let seed = 42;
  const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
  for (let i = 0; i < 2000; i++) {
    const topic = rnd() < 0.1 ? topics.discovery : `infoscreen/${rnd() < 0.8 ? UUID : 'zz'}/${leaves[Math.floor(rnd() * leaves.length)]}`;
    const bytes = rnd() < 0.5 ? enc({ a: rnd(), message: rnd() < 0.5 ? 1 : 'm', uuid: UUID, content: { screenshot: { data: 'AA' } } }) : Uint8Array.from({ length: Math.floor(rnd() * 50) }, () => Math.floor(rnd() * 256));
    ingest.handle(topic, bytes);
  }
  assert.ok(drops.snapshot().total > 100);
});

test.run();
