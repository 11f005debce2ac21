/**
 * The broker step as runtime.ts runs it (real embedded broker over TCP, real libSQL file, the
 * store's writer), stopped where start-up stands before ingestion is built: device messages that
 * arrive then wait in the hand-off, their PUBACK too, and reach ingestion once each, in order, the
 * moment `loop.ingest` is bound; nothing of them comes over the server's own connection.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { loadConfig } from '../config.ts';
import { realClock } from '../lib/clock.ts';
import { EventBus } from '../lib/bus.ts';
import { setQuiet } from '../lib/logger.ts';
import { topics } from '../broker/topics.ts';
import { examples, UUID } from '../testing/broker-fixtures.ts';
import { newLoop } from './loop.ts';
import { openStore } from './store.ts';
import { startObservers } from './observe.ts';
import { startBroker } from './broker.ts';

setQuiet(true);

async function until(cond: () => boolean, what: string, ms = 5000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('device messages before ingestion is built wait, PUBACK included, and are ingested once each when it is', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'runtime-broker-'));
  const config = loadConfig({
    ENV: 'test', DATABASE_URL: `file:${join(dir, 'x.db')}`, DATA_DIR: dir, MQTT_EMBEDDED_PORT: '0', MQTT_ALLOW_ANONYMOUS: 'true', DEFAULT_SUPERADMIN_PASSWORD: 'test password',
  });
  const loop = newLoop();
  const store = await openStore(config, realClock, loop, Date.now());
  store.start();
  const observers = startObservers(realClock, new EventBus());
  const broker = await startBroker(config, realClock, store, observers, loop);
  const dev = await mqtt.connectAsync(broker.side.url, { clientId: 'early-device', reconnectPeriod: 0 });
  try {
    const sent = [
      [topics.heartbeat(UUID), JSON.stringify(examples.heartbeat), 0, false],
      [topics.serviceFailed(UUID), JSON.stringify(examples.serviceFailed), 1, true],
      [topics.log(UUID, 'ERROR'), JSON.stringify(examples.log), 1, false],
    ] as const;
    let acked = 0;
    for (const [topic, payload, qos, retain] of sent) void dev.publishAsync(topic, payload, { qos, retain }).then(() => qos && acked++);
    await until(() => broker.handOff.stats.early === sent.length, 'the three in the hand-off');
    assert.is(observers.stats.messagesIn, 0);
    assert.is(acked, 0);

    const got: string[] = [];
    loop.ingest.bind({ handle: (topic) => void got.push(topic) });
    await until(() => acked === 2, 'the PUBACKs once ingested (and the log stored)');
    await dev.publishAsync(topics.health(UUID), JSON.stringify(examples.health), { qos: 1 }); // a sentinel
    assert.equal(got, [...sent.map((m) => m[0]), topics.health(UUID)]);
    assert.is(observers.stats.messagesIn, 4);
    assert.is(broker.connection.connected, true);
  } finally {
    await dev.endAsync(true);
    broker.handOff.close();
    await broker.connection.close();
    observers.stop();
    await store.stop();
    await broker.side.close();
    store.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
