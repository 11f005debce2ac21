/**
 * Known browsers (docs/users.md "Known browsers") through the real app and database: a distributed
 * guess locks the account for every unknown browser, while a browser that signed in before still
 * signs in with the right password; forged, other-account and guessing "known" cookies do not help.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, json, PASSWORD, type Fixture } from '../testing/route-fixture.ts';
import { ACCOUNT_LOCKOUT, ADDRESS_LOCKOUT } from '../domain/policies.ts';
import { getUserByUsername } from '../db/users.ts';
import { getServerSecret } from '../db/server-secrets.ts';
import { listSettings } from '../db/settings.ts';

let f: Fixture;
test.before(async () => {
  f = await fixture();
});
test.after(() => f.close());

const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });
const login = (username: string, password: string, address: string, cookie?: string) =>
  f.app.request('/api/auth/login', json('POST', { username, password }, cookie), from(address));

/** The `known_<id>=…` pair a successful sign-in hands out. */
function knownCookie(res: Response): string {
  const m = /(?:^|,\s*)(known_\d+=[^;]*)/.exec(res.headers.get('set-cookie') ?? '');
  if (!m) throw new Error(`no known-browser cookie in ${res.headers.get('set-cookie')}`);
  return m[1];
}

/** Wrong passwords from several addresses (each under its own per-address limit) until the account-wide lock. */
async function distributedGuess(username: string) {
  let n = 0;
  for (let a = 0; n < ACCOUNT_LOCKOUT.maxFailures; a++) {
    for (let i = 0; i < ADDRESS_LOCKOUT.maxFailures - 1 && n < ACCOUNT_LOCKOUT.maxFailures; i++, n++) {
      const last = n === ACCOUNT_LOCKOUT.maxFailures - 1;
      assert.is((await login(username, `guess-${n}`, `10.66.0.${a}`)).status, last ? 429 : 401, `guess ${n}`);
    }
  }
  assert.ok((await getUserByUsername(f.db, username))!.lockedUntil! > f.clock.t, 'locked account-wide');
}

test('after a distributed guess: a fresh browser is refused, the known browser signs in, the lock stays for others', async () => {
  const earlier = await login('superadmin', PASSWORD, '192.168.1.10');
  assert.is(earlier.status, 200);
  const known = knownCookie(earlier);
  assert.match(earlier.headers.get('set-cookie')!, /known_\d+=[^;]+;.*HttpOnly/);
  assert.ok(await getServerSecret(f.db, 'known_device'), 'the secret is kept in the database');
  assert.equal(Object.keys(await listSettings(f.db)).filter((k) => /secret|known/i.test(k)), [], 'not among the settings the settings page shows');

  await distributedGuess('superadmin');
  const fresh = await login('superadmin', PASSWORD, '192.168.1.10');
  assert.is(fresh.status, 429, 'an unknown browser waits the lock out, even with the right password');

  const owner = await login('superadmin', PASSWORD, '192.168.1.10', known);
  assert.is(owner.status, 200, 'the known browser signs in');
  knownCookie(owner); // renewed
  assert.is((await login('superadmin', PASSWORD, '10.66.0.1')).status, 429, 'the lock still holds for everyone else');
  const form = (cookie?: string) =>
    f.app.request('http://localhost/login', {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost', ...(cookie ? { cookie } : {}) },
      body: `username=superadmin&password=${encodeURIComponent(PASSWORD)}`,
    }, from('192.168.1.11'));
  assert.is((await form()).status, 429, 'the dashboard form: unknown browser');
  assert.is((await form(known)).status, 303, 'the dashboard form: known browser');
  assert.ok((await getUserByUsername(f.db, 'superadmin'))!.lockedUntil! > f.clock.t);
});

test('a forged cookie, another account\'s cookie and an expired cookie do not pass the lock', async () => {
  const editorRes = await login('editor', PASSWORD, '192.168.1.20');
  const editorCookie = knownCookie(editorRes);
  const admin = (await getUserByUsername(f.db, 'admin'))!;
  const adminRes = await login('admin', PASSWORD, '192.168.1.21');
  const adminCookie = knownCookie(adminRes);
  await distributedGuess('admin');

  const [, editorToken] = editorCookie.split('=');
  const [id, issued, sig] = adminCookie.split('=')[1].split('.');
  const forged = [
    `known_${admin.id}=${editorToken}`, // the editor's valid token under the admin's name
    `known_${admin.id}=${admin.id}.${issued}.${sig.slice(0, -1)}${sig.endsWith('A') ? 'B' : 'A'}`, // signature altered
    `known_${admin.id}=${admin.id}.${Number(issued) + 1}.${sig}`, // issue time altered
    `known_${admin.id}=${admin.id}.${issued}.${'A'.repeat(43)}`,
    editorCookie, // another account's browser
  ];
  for (const cookie of forged) assert.is((await login('admin', PASSWORD, '192.168.1.21', cookie)).status, 429, cookie);
  assert.is(id, String(admin.id));

  f.clock.t += 181 * 86_400_000; // past the cookie's life; the lock long over, so lock again
  await distributedGuess('admin');
  assert.is((await login('admin', PASSWORD, '192.168.1.21', adminCookie)).status, 429, 'expired');
});

test('a known browser guessing is limited like an address: past 5 failures its cookie no longer opens the lock', async () => {
  const res = await login('user', PASSWORD, '192.168.1.30');
  const known = knownCookie(res);
  await distributedGuess('user');
  for (let i = 0; i < ADDRESS_LOCKOUT.maxFailures; i++) {
    const r = await login('user', `stolen-cookie-guess-${i}`, `10.77.0.${i}`, known);
    assert.is(r.status, i < ADDRESS_LOCKOUT.maxFailures - 1 ? 401 : 429, `guess ${i}`);
  }
  assert.is((await login('user', PASSWORD, '192.168.1.30', known)).status, 429, 'the right password waits the lock out now');
});

test.run();
