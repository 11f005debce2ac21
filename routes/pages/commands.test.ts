import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, UUID_A, UUID_B, type Fixture } from '../../testing/route-fixture.ts';
import { parseAuditQuery } from './commands.ts';
import { assertInert, connect, EVIL, get, htmx } from '../../testing/admin-pages.ts';

let f: Fixture;
let user: string;
let admin: string;
const open: AbortController[] = [];

test.before(async () => {
  f = await fixture({ CRASH_RECOVERY_LOCKOUT_MINUTES: '1' });
  user = await f.login('user');
  admin = await f.login('admin');
  const t = f.clock.t;
  f.fleet.put({ uuid: UUID_A, hostname: EVIL, status: 'healthy', connectivity: 'online', statusReasons: [], lastAlive: t }, t);
  f.fleet.put({ uuid: UUID_B, description: 'Aula', status: 'healthy', connectivity: 'online', statusReasons: [], lastAlive: t }, t);
  // 55 shutdowns for B (no lockout for power commands), one reboot for A with a hostile reason.
  for (let i = 0; i < 55; i++) f.commands.issue({ uuid: UUID_B, action: 'shutdown_host', reason: `r${i}`, requestedBy: f.ids.admin });
  f.commandClock.increment(1000); // the newest, by its creation time
  f.commands.issue({ uuid: UUID_A, action: 'reboot_host', reason: EVIL, requestedBy: null });
  await new Promise((r) => setTimeout(r, 20)); // publishes settle (recording publisher)
});
test.after(async () => {
  open.forEach((c) => c.abort());
  await f.close();
});

test('query parsing: only what the form offers', () => {
  const q = (o: Record<string, string>) => parseAuditQuery((k) => o[k]);
  assert.equal(q({}), { status: '', action: '', client: '', period: 'all', page: 1 });
  assert.equal(q({ status: 'failed', action: 'reboot_host', client: ' Aula ', period: '24h', page: '2' }), { status: 'failed', action: 'reboot_host', client: 'Aula', period: '24h', page: 2 });
  const bads: Record<string, string>[] = [{ status: 'exploded' }, { action: 'rm' }, { period: '2y' }, { page: '0' }, { page: 'x' }, { client: 'x'.repeat(201) }];
  for (const bad of bads) assert.is(q(bad), null);
});

test('roles and 400s', async () => {
  assert.is((await get(f.app, '/commands')).status, 303);
  assert.is((await get(f.app, '/commands', user)).status, 403);
  assert.is((await get(f.app, '/commands', user, htmx)).status, 403);
  assert.is((await get(f.app, '/live/commands', user)).status, 403);
  assert.is((await get(f.app, '/commands?status=nope', admin)).status, 400);
  assert.is((await get(f.app, '/live/commands?period=nope', admin)).status, 400);
});

test('the audit list: newest first, escaped, filtered, paged; names resolve to clients', async () => {
  const res = await get(f.app, '/commands', admin);
  assert.is(res.status, 200);
  const html = await res.text();
  assertInert(html);
  assert.match(html, /Total: 56/);
  assert.is((html.match(/<tr id="cmd-/g) ?? []).length, 50);
  assert.match(html, /automatic recovery/);
  assert.ok(html.indexOf('Reboot device') < html.indexOf('Shut down device'), 'newest first');
  assert.match(html, /href="\/commands\?page=2"/);
  assert.match(html, /hx-sse:connect="\/live\/commands\?v=\d+"/);
  const page2 = await (await get(f.app, '/commands?page=2', admin, htmx)).text();
  assert.match(page2, /<section id="commands-view"/);
  assert.is((page2.match(/<tr id="cmd-/g) ?? []).length, 6);
  assert.match(page2, /href="\/commands"/, 'a link back to the newest');
  const byName = await (await get(f.app, '/commands?client=aula&action=shutdown_host', admin)).text();
  assert.match(byName, /Total: 55/);
  const byUuid = await (await get(f.app, `/commands?client=${UUID_A}`, admin)).text();
  assert.match(byUuid, /Total: 1/);
  const byStatus = await (await get(f.app, '/commands?status=completed', admin)).text();
  assert.match(byStatus, /Total: 0/);
  assert.match(byStatus, /No commands match/);
  const host = await (await get(f.app, `/commands?client=${encodeURIComponent(EVIL)}`, admin)).text();
  assertInert(host);
  assert.match(host, /Total: 1/, 'a hostname names its client');
  const unknown = await (await get(f.app, `/commands?client=${encodeURIComponent('<b>nobody</b>')}`, admin)).text();
  assert.match(unknown, /No screen is called “&lt;b&gt;nobody&lt;\/b&gt;”/);
  f.clock.t += 2 * 3_600_000;
  assert.match(await (await get(f.app, '/commands?period=1h', admin)).text(), /Total: 0/);
  assert.match(await (await get(f.app, '/commands?period=24h', admin)).text(), /Total: 56/);
  f.clock.t -= 2 * 3_600_000;
});

test('rows follow command transitions live; commands of other clients leave a client filter alone', async () => {
  const s = await connect(f.app, `/live/commands?client=${UUID_A}`, admin, open);
  await s.until(/#commands-list/);
  s.take();
  const a = f.commands.live().find((c) => c.clientUuid === UUID_A)!;
  f.commands.issue({ uuid: UUID_B, action: 'shutdown_host', reason: 'other', requestedBy: f.ids.admin });
  await new Promise((r) => setTimeout(r, 600));
  assert.not.match(s.s.text, /commands-list/);
  f.commands.ack(UUID_A, { commandId: a.commandId, status: 'failed', errorCode: 'e', errorMessage: `disk ${EVIL}` }, f.commandClock.now());
  await s.until(/data-status="failed"/);
  const text = s.take();
  assertInert(text);
  assert.match(text, /disk &lt;script&gt;/);
  s.close();
});

test.run();
