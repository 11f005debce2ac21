/**
 * kill -9 durability behind an external broker (docs/reliability.md "External broker"): the real
 * server process on a persistent session at a real Mosquitto (stable MQTT_CLIENT_ID), a device
 * pipelining numbered QoS 1 logs, SIGKILL mid-burst, a restart with the same client id: every log
 * the broker accepted is stored exactly once (the server's PUBACKs wait for the row; what the
 * broker redelivers is deduplicated by the row key). Skipped when mosquitto is not installed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { LOG_TOPIC, logPayload, logRowCounts, startDurable, storedOf } from '../scripts/durability-kit.ts';
import { killServers } from '../testing/server-process.ts';
import { mosquittoBinary, sleep, startMosquitto, tempDir, type Mosquitto } from '../testing/helpers.ts';

const bin = mosquittoBinary();
const N = 1500;

async function waitRows(dbFile: string, n: number, ms: number): Promise<number> {
  const end = Date.now() + ms;
  let have = 0;
  while (Date.now() < end) {
    have = (await logRowCounts(dbFile).catch(() => ({ distinct: 0 }))).distinct;
    if (have >= n) break;
    await sleep(200);
  }
  return have;
}

if (!bin) {
  console.log('NOTICE: mosquitto is not installed: the external-broker kill -9 test is skipped');
  test.skip('kill -9 behind Mosquitto', () => {});
} else {
  let broker: Mosquitto;
  test.before(async () => {
    // The server's session must hold the whole burst while the server is down (default 1,000).
    broker = await startMosquitto(bin, ['max_queued_messages 0']);
  });
  test.after(async () => {
    killServers();
    await broker?.close();
  });

  test('kill -9 mid-burst behind Mosquitto (persistent session): every accepted log stored exactly once after the restart', async () => {
    const tmp = tempDir('infoscreen-kill9-mosq-');
    const env = { ...broker.env, MQTT_CLIENT_ID: 'infoscreen-ha-test', WRITE_FLUSH_MS: '200' };
    const dbFile = join(tmp.dir, 'x.db');
    const dev = await mqtt.connectAsync(broker.url, { clientId: 'kill9-device', protocolVersion: 4, reconnectPeriod: 0 });
    try {
      const server = startDurable(tmp.dir, env);
      await server.waitFor(/listening on (http:\/\/\S+)/);
      // Subscribed once a probe log is stored (earlier publishes would reach no session).
      for (let i = 0; (await waitRows(dbFile, 1, 300)) < 1; i++) await dev.publishAsync(LOG_TOPIC, logPayload(-1 - i), { qos: 1 });
      const before = (await logRowCounts(dbFile)).distinct;

      let accepted = 0;
      const all = Array.from({ length: N }, (_, i) =>
        dev.publishAsync(LOG_TOPIC, logPayload(i), { qos: 1 }).then(() => {
          if (++accepted === N / 3) server.child.kill('SIGKILL'); // a third accepted by the broker: the server is mid-burst
        }),
      );
      await Promise.all(all); // the broker takes the rest for the server's session
      const killed = await server.exited;
      assert.is(killed.signal, 'SIGKILL');
      const atKill = await logRowCounts(dbFile);

      const again = startDurable(tmp.dir, env);
      await again.waitFor(/session present: true/);
      const t0 = Date.now();
      const have = await waitRows(dbFile, before + N, 60_000);
      const drainMs = Date.now() - t0;
      again.child.kill('SIGTERM');
      await again.exited;

      const counts = await logRowCounts(dbFile);
      const stored = await storedOf(dbFile, new Set(Array.from({ length: N }, (_, i) => i)));
      console.log(`  ${N} accepted; ${atKill.distinct - before} stored before the kill; ${stored} after the restart (drained in ~${drainMs} ms); ${counts.total - counts.distinct} duplicates`);
      assert.is(stored, N, `${N - stored} of ${N} accepted logs lost (distinct rows ${have})`);
      assert.is(counts.total, counts.distinct, `${counts.total - counts.distinct} duplicate rows`);
    } finally {
      await dev.endAsync(true).catch(() => {});
      tmp.remove();
    }
  });
}

test.run();
