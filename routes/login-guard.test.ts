/**
 * Login under attack, through the real app and database: parallel guesses are checked one at a
 * time (the lock holds against the right password), each address has a budget of attempts, and a
 * lock caused from one address does not lock the account's owner out from another; an admin can
 * unlock an account that was locked everywhere.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, json, PASSWORD, type Fixture } from '../testing/route-fixture.ts';
import { ACCOUNT_LOCKOUT, ADDRESS_ATTEMPTS_PER_MINUTE, ADDRESS_LOCKOUT } from '../domain/policies.ts';
import { getUserByUsername } from '../db/users.ts';

let f: Fixture;
test.before(async () => {
  f = await fixture();
});
test.after(() => f.close());

/** A request as if it came from `address` (the Node server hands the socket to Hono this way). */
const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });
const login = (username: string, password: string, address: string) => f.app.request('/api/auth/login', json('POST', { username, password }), from(address));

test('300 parallel guesses: checked one at a time, the lock holds, the right password waits it out', async () => {
  const answers = await Promise.all(Array.from({ length: 300 }, (_, i) => login('superadmin', i === 150 ? PASSWORD : `guess-${i}`, '10.9.9.9')));
  const statuses = answers.map((r) => r.status);
  const checked = statuses.filter((s) => s === 401).length;
  assert.ok(checked <= ADDRESS_LOCKOUT.maxFailures - 1, `${checked} wrong passwords were checked`);
  assert.ok(statuses.every((s) => s === 401 || s === 429 || s === 200), statuses.join(','));
  // The right guess succeeds only if it came before the lock, never after failures locked it.
  const right = statuses[150];
  if (right === 200) assert.ok(checked < ADDRESS_LOCKOUT.maxFailures);
  const after = await login('superadmin', PASSWORD, '10.9.9.9');
  assert.is(after.status, 429);
  assert.ok(Number(after.headers.get('retry-after')) > 0);
});

test('per-address budget: attempts past it answer 429 with Retry-After; other addresses are not affected', async () => {
  const statuses: number[] = [];
  for (let i = 0; i < ADDRESS_ATTEMPTS_PER_MINUTE + 5; i++) statuses.push((await login(`nobody-${i}`, 'x', '10.7.7.7')).status);
  assert.is(statuses.filter((s) => s === 401).length, ADDRESS_ATTEMPTS_PER_MINUTE);
  const over = await login('nobody', 'x', '10.7.7.7');
  assert.is(over.status, 429);
  assert.match((await over.json()).error, /too many login attempts/);
  assert.ok(Number(over.headers.get('retry-after')) > 0);
  assert.is((await login('editor', PASSWORD, '10.7.7.8')).status, 200);
  f.clock.t += 60_000; // the budget refills
  assert.is((await login('editor', PASSWORD, '10.7.7.7')).status, 200);
});

test('an attacker locking the superadmin from his address does not lock its owner out elsewhere', async () => {
  for (let i = 0; i < ADDRESS_LOCKOUT.maxFailures; i++) await login('admin', `wrong-${i}`, '10.6.6.6');
  assert.is((await login('admin', PASSWORD, '10.6.6.6')).status, 429);
  assert.is((await login('admin', PASSWORD, '10.1.1.1')).status, 200, 'the owner signs in from his own address');
  f.clock.t += ADDRESS_LOCKOUT.lockMs + 1000;
  assert.is((await login('admin', PASSWORD, '10.6.6.6')).status, 200, 'the lock ends');
});

test('failures from many addresses lock the account everywhere; an admin unlocks it', async () => {
  let n = 0;
  for (let a = 0; n < ACCOUNT_LOCKOUT.maxFailures; a++) {
    for (let i = 0; i < ADDRESS_LOCKOUT.maxFailures - 1 && n < ACCOUNT_LOCKOUT.maxFailures; i++, n++) await login('editor', `w-${n}`, `10.5.0.${a}`);
  }
  assert.is((await login('editor', PASSWORD, '10.4.4.4')).status, 429);
  const editor = (await getUserByUsername(f.db, 'editor'))!;
  assert.ok(editor.lockedUntil !== null);
  const admin = await f.login('superadmin');
  const unlock = await f.app.request(`/api/users/${editor.id}/unlock`, json('POST', {}, admin));
  assert.is(unlock.status, 200);
  assert.is((await login('editor', PASSWORD, '10.4.4.4')).status, 200);
});

test.run();
