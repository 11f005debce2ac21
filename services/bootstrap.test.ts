import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openDatabase, type Db } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { BatchedWriter } from '../db/writer.ts';
import { getUserByUsername, listUsers } from '../db/users.ts';
import { bootstrapSuperadmin } from './bootstrap.ts';
import { verifyPassword } from '../lib/password.ts';
import { setQuiet } from '../lib/logger.ts';

const dbs: Db[] = [];
async function fresh() {
  const db = await openDatabase(':memory:');
  dbs.push(db);
  await migrate(db);
  return { db, writer: new BatchedWriter(db, { flushMs: 1000, freshnessMs: 1000, clientUpsert: () => null }) };
}
test.before(() => setQuiet(true));
test.after(() => dbs.forEach((db) => db.close()));

test('empty database + unset password: superadmin created with a generated password, returned once', async () => {
  const { db, writer } = await fresh();
  const out = await bootstrapSuperadmin(db, writer, { DEFAULT_SUPERADMIN_USERNAME: 'root', DEFAULT_SUPERADMIN_PASSWORD: undefined }, Date.now());
  assert.ok(out);
  assert.is(out!.username, 'root');
  assert.match(out!.password, /^[A-Za-z0-9_-]{20}$/);
  const u = (await getUserByUsername(db, 'root'))!;
  assert.is(u.role, 'superadmin');
  assert.ok(await verifyPassword(out!.password, u.passwordHash));
  // Second start: users exist, nothing created, nothing returned.
  assert.is(await bootstrapSuperadmin(db, writer, { DEFAULT_SUPERADMIN_USERNAME: 'other', DEFAULT_SUPERADMIN_PASSWORD: undefined }, Date.now()), null);
  assert.is((await listUsers(db)).length, 1);
});

test('configured password: used, and nothing is returned to print', async () => {
  const { db, writer } = await fresh();
  assert.is(await bootstrapSuperadmin(db, writer, { DEFAULT_SUPERADMIN_USERNAME: 'superadmin', DEFAULT_SUPERADMIN_PASSWORD: 'configured pw' }, Date.now()), null);
  assert.ok(await verifyPassword('configured pw', (await getUserByUsername(db, 'superadmin'))!.passwordHash));
});

test.run();
