/**
 * The outbox survives kill -9 (docs/notifications.md "Exactly once"): the real server process
 * delivers a queued notice to a receiver that answers 500, then hangs on the second attempt; the
 * server is killed with SIGKILL while that attempt is under way and started again on the same
 * database. The third attempt carries the same Idempotency-Key and is the one delivery.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { join } from 'node:path';
import { openDatabase } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { getOutbox, insertChannelStatement, insertOutboxStatement } from '../db/notifications.ts';
import { httpReceiver } from '../testing/notify-receivers.ts';
import { tempDir, waitFor } from '../testing/helpers.ts';
import { serverEnv, startServer } from '../testing/server-process.ts';

const startNotifier = (dir: string) => startServer(serverEnv(dir));

test('receiver answers 500, then the server is killed -9 mid-attempt and restarted: exactly one delivery, same key', async () => {
  const dir = tempDir('infoscreen-notify-kill9-');
  let answered200 = 0;
  const rx = await httpReceiver([500, 'hang', (_req, res) => (answered200++, res.writeHead(200).end('{}'))]);
  const db = await openDatabase(`file:${join(dir.dir, 'x.db')}`);
  await migrate(db);
  const now = Date.now();
  await db.batch([
    insertChannelStatement(1, { name: 'am', type: 'webhook', target: rx.url, secret: { url: `${rx.url}/alerts` }, language: 'en', rateCap: 20 }, now),
    insertOutboxStatement({ id: 'outbox-kill9-1', channelId: 1, ruleId: null, notice: { kind: 'firing', at: now, alerts: [{ kind: 'client-offline', status: 'firing', fingerprint: 'client-offline|x', severity: 'warning', summary: 'x went offline', params: { name: 'x' }, startsAt: now, endsAt: null }] }, at: now }),
  ]);
  db.close();
  let server = startNotifier(dir.dir);
  try {
    // Attempt 1 (500), then attempt 2 after the 10 s back-off, which the receiver holds open.
    await waitFor(() => rx.received.length >= 2 || null, 'the second attempt', 40_000);
    server.child.kill('SIGKILL');
    await server.exited;
    server = startNotifier(dir.dir);
    await waitFor(() => answered200 >= 1 || null, 'the attempt after the restart', 40_000);
    server.child.kill('SIGTERM');
    await server.exited;
    assert.is(rx.received.length, 3, 'three attempts');
    assert.is(answered200, 1, 'one delivery');
    assert.equal([...new Set(rx.received.map((r) => r.headers['idempotency-key']))], ['outbox-kill9-1']);
    const check = await openDatabase(`file:${join(dir.dir, 'x.db')}`);
    const item = await getOutbox(check, 'outbox-kill9-1');
    check.close();
    assert.equal([item?.status, item?.attempts, item?.lastStatus], ['sent', 3, 200]);
  } finally {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    await rx.close();
    dir.remove();
  }
});

test.run();
