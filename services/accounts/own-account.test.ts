import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryDb } from '../../testing/db.ts';
import type { Db } from '../../db/client.ts';
import type { BatchedWriter } from '../../db/writer.ts';
import { getUserByUsername, insertUserStatement } from '../../db/users.ts';
import { countUserSessions, getSessionWithUser, insertSessionStatement } from '../../db/sessions.ts';
import { hashPassword, verifyPassword } from '../../lib/password.ts';
import { changePassword, endSession, setLanguage } from './own-account.ts';

const NOW = Date.parse('2026-03-02T10:00:00Z');
const DAY = 86_400_000;
let db: Db;
let writer: BatchedWriter;
const d = () => ({ writer, now: () => NOW });
const me = async () => (await getUserByUsername(db, 'ada'))!;

test.before(async () => {
  ({ db, writer } = await memoryDb());
  const passwordHash = await hashPassword('old password', { N: 2 ** 10, r: 8, p: 1 });
  await writer.write(insertUserStatement({ username: 'ada', passwordHash, role: 'user' }, NOW));
  const id = (await me()).id;
  await writer.write(insertSessionStatement('here', id, NOW, DAY), insertSessionStatement('laptop', id, NOW, DAY), insertSessionStatement('phone', id, NOW, DAY));
});
test.after(async () => {
  await writer.stop();
  db.close();
});

test('a wrong current password changes nothing; the right one stores the new hash and ends every other session', async () => {
  assert.is(await changePassword(d(), await me(), 'here', 'not it', 'new password'), 'wrong_password');
  assert.is(await countUserSessions(db, (await me()).id), 3);
  assert.is(await changePassword(d(), await me(), 'here', 'old password', 'new password'), 'changed');
  assert.ok(await verifyPassword('new password', (await me()).passwordHash));
  assert.is(await countUserSessions(db, (await me()).id), 1);
  assert.ok(await getSessionWithUser(db, 'here', NOW), 'the session asking stays');
});

test('signing out deletes the session; without one there is nothing to do', async () => {
  await endSession(d(), null);
  await endSession(d(), 'here');
  assert.is(await getSessionWithUser(db, 'here', NOW), undefined);
});

test('the language is stored; null goes back to the browser\'s', async () => {
  await setLanguage(d(), await me(), 'de');
  assert.is((await me()).language, 'de');
  await setLanguage(d(), await me(), null);
  assert.is((await me()).language, null);
});

test.run();
