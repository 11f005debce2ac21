import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDatabase, type Db } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { BatchedWriter } from '../db/writer.ts';
import { listAudit } from '../db/audit.ts';
import { deviceUsername, ensureClientRowStatement, getCredential, getCredentialByUsername, listActiveCredentials } from '../db/credentials.ts';
import { setQuiet } from '../lib/logger.ts';
import { verifyBrokerPassword } from './password-hash.ts';
import { CredentialConflictError, Provisioning, type CredentialChange } from './provisioning.ts';

setQuiet(true);
const A = '9b8d1856-ff34-4864-a726-12de072d0f77';
const A_TWIN = '9b8d1856-0000-4000-8000-000000000000'; // same first 8 chars
const dir = mkdtempSync(join(tmpdir(), 'prov-'));
let db: Db;
let writer: BatchedWriter;
let p: Provisioning;
let t = Date.parse('2026-03-02T10:00:00Z');
const changes: Array<[string, CredentialChange]> = [];

test.before(async () => {
  db = await openDatabase(`file:${join(dir, 'x.db')}`);
  await migrate(db);
  writer = new BatchedWriter(db, { flushMs: 1000, freshnessMs: 30_000, clientUpsert: () => null });
  p = new Provisioning({
    db,
    writer,
    now: () => t,
    ensureClient: (uuid) => writer.enqueue(ensureClientRowStatement(uuid, t)),
    onChanged: (uuid, change) => void changes.push([uuid, change]),
  });
});
test.after(async () => {
  await writer.stop();
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

test('create: username from the uuid, a 32-char password stored only as a $7$ hash, client row created, audited', async () => {
  const issued = await p.provision(A.toUpperCase(), 'user:1:admin');
  assert.is(issued.uuid, A, 'canonical lower-case uuid');
  assert.is(issued.username, 'infoscreen-client-9b8d1856');
  assert.is(issued.username, deviceUsername(A));
  assert.is(issued.change, 'create');
  assert.ok(issued.password.length >= 24 && /^[A-Za-z0-9_-]+$/.test(issued.password));
  const row = (await getCredential(db, A))!;
  assert.ok(row.passwordHash!.startsWith('$7$'));
  assert.not.ok(row.passwordHash!.includes(issued.password));
  assert.ok(await verifyBrokerPassword(issued.password, row.passwordHash!));
  assert.is(row.createdAt, t);
  const client = await db.execute({ sql: 'SELECT uuid FROM clients WHERE uuid = ?', args: [A] });
  assert.is(client.rows.length, 1);
  const audit = await listAudit(db, { target: A });
  assert.equal(audit.map((e) => [e.actor, e.action]), [['user:1:admin', 'credentials.create']]);
  assert.equal(audit[0].detail, { username: issued.username });
  assert.equal(changes.at(-1), [A, 'create']);
});

test('rotate: a new password replaces the old one (the old one no longer verifies)', async () => {
  const before = (await getCredential(db, A))!;
  t += 60_000;
  const issued = await p.provision(A, 'cli:ops');
  assert.is(issued.change, 'rotate');
  const row = (await getCredential(db, A))!;
  assert.is.not(row.passwordHash, before.passwordHash);
  assert.ok(await verifyBrokerPassword(issued.password, row.passwordHash!));
  assert.is(row.rotatedAt, t);
  assert.is(row.createdAt, before.createdAt);
  assert.equal(changes.at(-1), [A, 'rotate']);
});

test('two rotations at once: each answered password was valid when answered; the last one stands', async () => {
  const [x, y] = await Promise.all([p.provision(A, 'test'), p.provision(A, 'test')]);
  const row = (await getCredential(db, A))!;
  assert.not.ok(await verifyBrokerPassword(x.password, row.passwordHash!));
  assert.ok(await verifyBrokerPassword(y.password, row.passwordHash!));
});

test('revoke: hash gone, row kept with revoked_at; a second revoke answers false', async () => {
  t += 60_000;
  assert.ok(await p.revoke(A, 'user:1:admin'));
  const row = (await getCredential(db, A))!;
  assert.is(row.passwordHash, null);
  assert.is(row.revokedAt, t);
  assert.is((await listActiveCredentials(db)).length, 0);
  assert.not.ok(await p.revoke(A, 'user:1:admin'));
  assert.equal(changes.at(-1), [A, 'revoke']);
  const again = await p.provision(A, 'test');
  assert.is(again.change, 'create', 're-issue after revocation');
  assert.is((await getCredential(db, A))!.revokedAt, null);
});

test('a uuid whose first 8 chars collide with another device is refused (409 material), nothing written', async () => {
  try {
    await p.provision(A_TWIN, 'test');
    assert.unreachable('twin provisioned');
  } catch (err) {
    assert.instance(err, CredentialConflictError);
  }
  assert.is(await getCredential(db, A_TWIN), undefined);
  assert.is((await getCredentialByUsername(db, deviceUsername(A)))!.uuid, A);
});

test('forget (client deleted) removes the account; non-uuids are refused', async () => {
  assert.ok(await p.forget(A));
  assert.is(await getCredential(db, A), undefined);
  assert.not.ok(await p.forget(A));
  await p.provision('not-a-uuid', 'test').then(() => assert.unreachable(), (e) => assert.instance(e, TypeError));
});

test('the audit log names every action and never holds a password or hash', async () => {
  const all = await listAudit(db, { limit: 100 });
  assert.equal(
    all.map((e) => e.action).reverse(),
    ['credentials.create', 'credentials.rotate', 'credentials.rotate', 'credentials.rotate', 'credentials.revoke', 'credentials.create', 'credentials.delete'],
  );
  const raw = await db.execute('SELECT * FROM audit_log');
  const text = JSON.stringify(raw.rows);
  assert.not.match(text, /\$7\$/);
  assert.not.match(text, /password/i);
});

test.run();
