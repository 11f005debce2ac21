/** `npm run unlock-user -- <name>` opens a locked account in the real database file (the way back in for a locked-out superadmin). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openDatabase } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { getUserByUsername } from '../db/users.ts';

const ROOT = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'unlock-user-'));
const url = `file:${join(dir, 'x.db')}`;
const run = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', 'scripts/unlock-user.ts', ...args], { cwd: ROOT, encoding: 'utf8', timeout: 30_000, env: { ...process.env, DATABASE_URL: url, DATA_DIR: dir } });

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('unlocks a locked superadmin; an unknown name exits 2', async () => {
  const db = await openDatabase(url);
  await migrate(db);
  await db.execute("INSERT INTO users (username, password_hash, role, locked_until, failed_login_count, created_at, updated_at) VALUES ('boss', 'x', 'superadmin', '2099-01-01T00:00:00.000Z', 3, 'x', 'x')");
  db.close();
  const r = run('boss');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, /unlocked boss/);
  const db2 = await openDatabase(url);
  const u = (await getUserByUsername(db2, 'boss'))!;
  assert.is(u.lockedUntil, null);
  assert.is(u.failedLoginCount, 0);
  db2.close();
  const bad = run('nobody');
  assert.is(bad.status, 2);
  assert.match(bad.stderr, /no user named "nobody"/);
});

test.run();
