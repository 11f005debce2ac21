/**
 * The real server process (`node --import tsx scripts/start.node.ts`): starts on PORT=0 and prints
 * its URL, serves /health, exits 0 within 5 s of SIGTERM with a device and an HTTP keep-alive
 * connection open, and has flushed what it ingested. A bad environment stops start-up with one
 * message naming every bad key (config.ts).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { openDatabase } from '../db/client.ts';
import { examples, UUID } from '../testing/broker-fixtures.ts';
import { topics } from '../broker/topics.ts';
import { deadline, device, pub, sleep, tempDir, waitFor, type TempDir } from '../testing/helpers.ts';
import { killServers, serverEnv, startServer } from '../testing/server-process.ts';

const dirs: TempDir[] = [];

/** Devices connect without accounts here (a development-only switch). */
const env = (dir: string, extra: Record<string, string> = {}) => serverEnv(dir, { MQTT_ALLOW_ANONYMOUS: 'true', ...extra });

test.after(() => {
  killServers();
  for (const d of dirs) d.remove();
});

test('starts on PORT=0, prints its URL, serves /health, exits 0 within 5 s of SIGTERM, pending writes flushed', async () => {
  const tmp = tempDir('infoscreen-e2e-shutdown-');
  dirs.push(tmp);
  // A long flush interval: nothing reaches the database unless the shutdown flushes it.
  const server = startServer(env(tmp.dir, { WRITE_FLUSH_MS: '10000' }));
  const url = await server.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/);
  const mqttUrl = /embedded broker on (mqtt:\/\/127\.0\.0\.1:\d+)/.exec(server.out())?.[1];
  assert.ok(mqttUrl, server.out());

  const health = await fetch(`${url}/health`); // undici keeps this connection alive afterwards
  assert.is(health.status, 200);
  const body = await health.json();
  assert.is(body.db.ok, true);
  assert.is(typeof body.uptime, 'number');
  await waitFor(async () => (await (await fetch(`${url}/health`)).json()).broker.connected, 'the server connected to its broker');

  const dev = await device(mqttUrl!);
  try {
    await pub(dev, topics.discovery, examples.discovery);
    await pub(dev, topics.log(UUID, 'ERROR'), examples.log);
    // The PUBACKs above only mean the broker has them: wait until the server has the client.
    await waitFor(async () => (await (await fetch(`${url}/health`)).json()).actors.clients === 1, 'the client actor');
    await sleep(100); // and the log that followed on the same connection

    const sent = Date.now();
    server.child.kill('SIGTERM');
    const exit = await Promise.race([server.exited, deadline(6000)]);
    assert.ok(exit, `still running 6 s after SIGTERM\n${server.out()}\n${server.err()}`);
    assert.is(exit!.code, 0, server.err());
    assert.ok(exit!.at - sent <= 5000, `exit took ${exit!.at - sent} ms`);
  } finally {
    await dev.endAsync(true).catch(() => {});
  }

  const db = await openDatabase(`file:${join(tmp.dir, 'x.db')}`);
  try {
    const logs = await db.execute({ sql: 'SELECT message FROM client_logs WHERE client_uuid = ?', args: [UUID] });
    assert.equal(logs.rows.map((r) => r.message), ['Process vlc crashed'], 'the queued log row was flushed');
    const clients = await db.execute({ sql: 'SELECT hostname, discovered FROM clients WHERE uuid = ?', args: [UUID] });
    assert.is(clients.rows.length, 1, 'the client row was flushed at shutdown');
    assert.is(clients.rows[0].hostname, 'infoscreen-42');
  } finally {
    db.close();
  }
});

test('a bad environment exits 2 with one line per bad key, each naming it', async () => {
  const tmp = tempDir('infoscreen-e2e-shutdown-');
  dirs.push(tmp);
  const server = startServer(env(tmp.dir, { PORT: 'abc', MQTT_KEEPALIVE: '-1' }));
  const exit = await Promise.race([server.exited, deadline(30_000)]);
  assert.ok(exit, 'still running with a bad environment');
  assert.is(exit!.code, 2, `exit code ${exit!.code}`);
  const err = server.err();
  assert.is(err.trim().split('\n').length, 2, err);
  assert.match(err, /config error: PORT: must be an integer between 0 and 65535, got "abc"/);
  assert.match(err, /config error: MQTT_KEEPALIVE: must be an integer between 5 and 3600, got "-1"/);
  assert.not.match(err, /\n\s+at /, 'a message, not a stack trace');
  assert.not.match(server.out(), /listening/);
});

test.run();
