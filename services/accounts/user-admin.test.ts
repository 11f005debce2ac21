import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { openDatabase, type Db } from '../../db/client.ts';
import { migrate } from '../../db/migrate.ts';
import { BatchedWriter } from '../../db/writer.ts';
import { getUserById } from '../../db/users.ts';
import { ROLES, type Role, type User } from '../../domain/users.ts';
import { countUserSessions, insertSessionStatement } from '../../db/sessions.ts';
import { verifyPassword } from '../../lib/password.ts';
import { FORBIDDEN, grantableRoles, isUsername, permissions, userAdmin, type UserAdmin, type UserAdminResult } from './user-admin.ts';
import { LoginGuard } from './login.ts';

let db: Db;
let writer: BatchedWriter;
let admin: UserAdmin;
const NOW = Date.UTC(2025, 0, 6, 9);
const u = {} as Record<Role, User>;

test.before(async () => {
  db = await openDatabase(':memory:');
  await migrate(db);
  writer = new BatchedWriter(db, { flushMs: 1000, freshnessMs: 1000, clientUpsert: () => null });
  admin = userAdmin({ db, writer, now: () => NOW, loginGuard: new LoginGuard() });
  // Seeding through the module itself: a superadmin actor may grant every role.
  const root = { id: 0, role: 'superadmin' as const };
  for (const role of ROLES) u[role] = value(await admin.create(root, { username: role, role, password: `${role} password` })).user;
});
test.after(() => db.close());

function value<T>(r: UserAdminResult<T>): T {
  if (!r.ok) throw new Error(`expected ok, got ${r.reason}: ${r.message}`);
  return r.value;
}
const refusal = (r: UserAdminResult<unknown>) => (r.ok ? 'ok' : r.reason === 'forbidden' ? `forbidden:${r.rule}` : r.reason);
const session = (userId: number, id: string) => {
  writer.enqueue(insertSessionStatement(id, userId, NOW, 3_600_000));
  return writer.write();
};

test('permissions(): the whole matrix of actor role × target role, self or other', () => {
  const NONE = { roles: [], edit: false, deactivate: false, delete: null, resetPassword: false };
  for (const actorRole of ['admin', 'superadmin'] as const) {
    const actor = { id: 100, role: actorRole };
    const grantable = actorRole === 'superadmin' ? [...ROLES] : ['user', 'editor', 'admin'];
    assert.equal(grantableRoles(actor), grantable);
    for (const targetRole of ROLES) {
      const other = permissions(actor, { id: 200, role: targetRole });
      if (targetRole === 'superadmin' && actorRole === 'admin') assert.equal(other, NONE, 'admins never touch a superadmin');
      else {
        const mode = actorRole === 'superadmin' ? 'hard' : 'deactivate';
        assert.equal(other, { roles: grantable, edit: true, deactivate: true, delete: mode, resetPassword: true }, `${actorRole} → ${targetRole}`);
      }
    }
    // Self: may edit (name, language) but not role, activity, deletion or password here.
    assert.equal(permissions(actor, actor), { roles: [], edit: true, deactivate: false, delete: null, resetPassword: false }, `${actorRole} self`);
  }
});

test('isUsername: letters, digits and . _ @ -, 1–64 code points', () => {
  for (const ok of ['anna', 'Jörg.M', 'a_b@c-d', 'x'.repeat(64), '𝒜'.repeat(64)]) assert.ok(isUsername(ok), ok);
  for (const bad of ['', 'a b', '<b>', 'x'.repeat(65)]) assert.not.ok(isUsername(bad), bad);
});

test('create: only a superadmin grants superadmin; password length; names clash case-insensitively', async () => {
  assert.is(refusal(await admin.create(u.admin, { username: 'boss', role: 'superadmin' })), 'forbidden:grant_superadmin');
  assert.is(refusal(await admin.create(u.admin, { username: 'kurz', role: 'user', password: 'short' })), 'invalid');
  assert.is(refusal(await admin.create(u.admin, { username: 'EDITOR', role: 'user', password: 'long enough' })), 'conflict');
  const made = value(await admin.create(u.admin, { username: 'gen', role: 'editor', language: 'de' }));
  assert.match(made.generatedPassword!, /^[A-Za-z0-9_-]{16}$/);
  assert.equal([made.user.role, made.user.language, made.user.isActive], ['editor', 'de', true]);
  const stored = (await getUserById(db, made.user.id))!;
  assert.ok(await verifyPassword(made.generatedPassword!, stored.passwordHash));
  assert.is(value(await admin.create(u.admin, { username: 'given', role: 'user', password: 'given password' })).generatedPassword, undefined);
});

test('update: each rule refuses with its own reason, and the API wording', async () => {
  const r = await admin.update(u.admin, u.superadmin, { language: 'en' });
  assert.is(refusal(r), 'forbidden:manage_superadmin');
  assert.is(!r.ok && r.message, FORBIDDEN.manage_superadmin);
  assert.is(refusal(await admin.update(u.admin, u.editor, { role: 'superadmin' })), 'forbidden:grant_superadmin');
  assert.is(refusal(await admin.update(u.admin, u.admin, { role: 'user' })), 'forbidden:own_role');
  assert.is(refusal(await admin.update(u.superadmin, u.superadmin, { role: 'admin' })), 'forbidden:own_role');
  assert.is(refusal(await admin.update(u.admin, u.admin, { isActive: false })), 'forbidden:deactivate_self');
  assert.is(refusal(await admin.update(u.admin, u.user, { username: 'Admin' })), 'conflict');
  assert.is((await getUserById(db, u.user.id))!.username, 'user', 'a refusal writes nothing');
  // Unchanged role and own language are fine; a superadmin may grant superadmin.
  assert.is(value(await admin.update(u.admin, u.admin, { role: 'admin', language: 'de' })).language, 'de');
  assert.is(value(await admin.update(u.superadmin, u.editor, { role: 'superadmin' })).role, 'superadmin');
  assert.is(value(await admin.update(u.superadmin, u.editor, { role: 'editor' })).role, 'editor');
});

test('update: deactivation ends the sessions; a vanished target is not found', async () => {
  await session(u.user.id, 'deact-1');
  assert.is(await countUserSessions(db, u.user.id), 1);
  assert.is(value(await admin.update(u.admin, u.user, { isActive: false })).isActive, false);
  assert.is(await countUserSessions(db, u.user.id), 0);
  assert.is(value(await admin.update(u.admin, { ...u.user, isActive: false }, { isActive: true })).isActive, true);
  assert.is(refusal(await admin.update(u.admin, { ...u.user, id: 999_999 }, { language: 'en' })), 'not_found');
});

test('find: positive safe integers only', async () => {
  assert.is(value(await admin.find(u.admin, String(u.editor.id))).username, 'editor');
  for (const raw of ['abc', '0', '-1', '1.5', '999999', '99999999999999999']) assert.is(refusal(await admin.find(u.admin, raw)), 'not_found', raw);
});

test('resetPassword: never one\'s own or a superadmin\'s (as admin); sets the hash and ends sessions', async () => {
  assert.is(refusal(await admin.resetPassword(u.admin, u.admin, 'my new password')), 'forbidden:own_password');
  assert.is(refusal(await admin.resetPassword(u.admin, u.superadmin, 'hijack password')), 'forbidden:manage_superadmin');
  assert.is(refusal(await admin.resetPassword(u.admin, u.editor, 'short')), 'invalid');
  await session(u.editor.id, 'reset-1');
  assert.equal(value(await admin.resetPassword(u.admin, u.editor, 'reset password')), {});
  assert.is(await countUserSessions(db, u.editor.id), 0);
  assert.ok(await verifyPassword('reset password', (await getUserById(db, u.editor.id))!.passwordHash));
  const gen = value(await admin.resetPassword(u.superadmin, u.editor)).generatedPassword!;
  assert.ok(await verifyPassword(gen, (await getUserById(db, u.editor.id))!.passwordHash));
});

test('remove: never oneself or (as admin) a superadmin; admin deactivates, superadmin deletes', async () => {
  assert.is(refusal(await admin.remove(u.admin, u.admin)), 'forbidden:delete_self');
  assert.is(refusal(await admin.remove(u.superadmin, u.superadmin)), 'forbidden:delete_self');
  assert.is(refusal(await admin.remove(u.admin, u.superadmin)), 'forbidden:manage_superadmin');
  const carl = value(await admin.create(u.admin, { username: 'carl', role: 'user', password: 'carl password' })).user;
  await session(carl.id, 'carl-1');
  assert.equal(value(await admin.remove(u.admin, carl)), { mode: 'deactivated' });
  assert.is((await getUserById(db, carl.id))!.isActive, false);
  assert.is(await countUserSessions(db, carl.id), 0);
  assert.equal(value(await admin.remove(u.superadmin, carl)), { mode: 'deleted' });
  assert.is(await getUserById(db, carl.id), undefined);
});

test.run();
