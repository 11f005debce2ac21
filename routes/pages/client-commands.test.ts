import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, UUID_A, UUID_B, type Fixture } from '../../testing/route-fixture.ts';
import { assertInert, connect, EVIL, form, get, htmx } from '../../testing/admin-pages.ts';

let f: Fixture;
let user: string;
let admin: string;
const open: AbortController[] = [];

test.before(async () => {
  f = await fixture();
  user = await f.login('user');
  admin = await f.login('admin');
  const t = f.clock.t;
  f.fleet.put({ uuid: UUID_A, hostname: EVIL, status: 'healthy', connectivity: 'online', statusReasons: [], lastAlive: t }, t);
  f.fleet.put({ uuid: UUID_B, description: 'Aula', status: 'offline', connectivity: 'offline', statusReasons: ['heartbeat_stale'], lastAlive: t - 600_000 }, t);
});
test.after(async () => {
  open.forEach((c) => c.abort());
  await f.close();
});

const post = (uuid: string, body: Record<string, string>, cookie = admin, headers: Record<string, string> = htmx) =>
  form(f.app, `/clients/${uuid}/commands`, body, cookie, headers);

test('roles: anonymous goes to the login, a user sees no actions and gets 403 for every command URL', async () => {
  const anon = await post(UUID_A, { action: 'restart_app', reason: 'x', confirm: '1' }, '', {});
  assert.is(anon.status, 303);
  assert.match(anon.headers.get('location')!, /^\/login/);
  const page = await (await get(f.app, `/clients/${UUID_A}`, user)).text();
  assert.match(page, /Only administrators can send commands/);
  assert.not.match(page, /x-data="commandForm"|id="client-commands"/);
  for (const res of [
    await post(UUID_A, { action: 'restart_app', reason: 'x', confirm: '1' }, user),
    await get(f.app, `/clients/${UUID_A}/commands`, user, htmx),
    await form(f.app, `/clients/${UUID_A}/commands/${UUID_B}/cancel`, {}, user, htmx),
  ])
    assert.is(res.status, 403);
  assert.is(f.publisher.published.length, 0);
});

test('admin page: restart first, reason required, confirmation dialog; hostile hostname inert', async () => {
  const res = await get(f.app, `/clients/${UUID_A}`, admin);
  assert.is(res.status, 200);
  const html = await res.text();
  assertInert(html);
  const forms = [...html.matchAll(/name="action" value="(\w+)"/g)].map((m) => m[1]);
  assert.equal(forms, ['restart_app', 'reboot_host', 'shutdown_host']);
  assert.match(html, /<input id="reason-restart_app" name="reason" required maxlength="2000"/);
  assert.match(html, /<dialog class="confirm" x-ref="dialog"/);
  assert.ok(html.indexOf('id="client-now"') < html.indexOf('id="client-actions"'), 'screenshot and last seen come first');
  assert.ok(html.indexOf('id="client-actions"') < html.indexOf('id="client-status"'), 'then the restart button');
  assert.match(html, /No commands yet/);
  assert.match(html, /3 of 3 restarts left/);
});

test('POST without confirm=1 answers the confirmation step; bad input 400; unknown client 404', async () => {
  const step = await post(UUID_A, { action: 'reboot_host', reason: `because ${EVIL}` });
  assert.is(step.status, 200);
  const html = await step.text();
  assertInert(html);
  assert.match(html, /name="confirm" value="1"/);
  assert.match(html, /value="because &lt;script&gt;/);
  const page = await post(UUID_A, { action: 'reboot_host', reason: 'r' }, admin, {});
  assert.is(page.status, 200);
  assert.match(await page.text(), /<html[\s\S]*Please confirm/);
  const noReason = await post(UUID_A, { action: 'restart_app', reason: '   ', confirm: '1' });
  assert.is(noReason.status, 400);
  assert.match(await noReason.text(), /Enter a reason/);
  assert.is((await post(UUID_A, { action: 'self_destruct', reason: 'x', confirm: '1' })).status, 400);
  assert.is((await post(UUID_A, { action: 'restart_app', reason: 'x'.repeat(2001), confirm: '1' })).status, 400);
  assert.is((await post('99999999-9999-4999-8999-999999999999', { action: 'restart_app', reason: 'x', confirm: '1' })).status, 404);
  assert.is((await post('not-a-uuid', { action: 'restart_app', reason: 'x', confirm: '1' })).status, 404);
  const csrf = await f.app.request(`/clients/${UUID_A}/commands`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: admin },
    body: 'action=restart_app&reason=x&confirm=1',
  });
  assert.is(csrf.status, 403, 'a form POST without Origin is refused (csrf)');
  assert.is(f.publisher.published.length, 0, 'nothing was sent');
});

test('issue: published through the registry, history shows it; 4th restart is blocked with 429', async () => {
  const res = await post(UUID_A, { action: 'restart_app', reason: `screen frozen ${EVIL}`, confirm: '1' });
  assert.is(res.status, 202);
  const html = await res.text();
  assertInert(html);
  assert.match(html, /Restart app: command sent/);
  assert.match(html, /<hx-partial hx-target="#client-commands"/);
  assert.match(html, /data-status="published"/);
  assert.match(html, /screen frozen &lt;script&gt;/);
  assert.match(html, /by admin/);
  const sent = f.publisher.published.filter((p) => p.topic.includes(UUID_A));
  assert.ok(sent.length >= 2, 'canonical + alias topic');
  assert.is(JSON.parse(sent[0].payload).action, 'restart_app');
  assert.is(JSON.parse(sent[0].payload).reason, `screen frozen ${EVIL}`);
  for (let i = 0; i < 2; i++) assert.is((await post(UUID_A, { action: 'reboot_host', reason: 'again', confirm: '1' })).status, 202);
  const blocked = await post(UUID_A, { action: 'restart_app', reason: 'once more', confirm: '1' });
  assert.is(blocked.status, 429);
  const text = await blocked.text();
  assert.match(text, /Blocked by the safety lockout: at most 3 restarts per screen in 15 minutes/);
  assert.match(text, /data-status="blocked_safety"/);
  assert.match(text, /0 of 3 restarts left/);
});

test('without JavaScript: 303 to ?issued=, which shows the outcome; a publish failure is reported', async () => {
  f.publisher.fail = true;
  const res = await post(UUID_B, { action: 'shutdown_host', reason: 'holidays', confirm: '1' }, admin, {});
  f.publisher.fail = false;
  assert.is(res.status, 303);
  const loc = res.headers.get('location')!;
  assert.match(loc, new RegExp(`^/clients/${UUID_B}\\?issued=[0-9a-f-]{36}#client-actions$`));
  const page = await (await get(f.app, loc.replace(/#.*/, ''), admin)).text();
  assert.match(page, /Could not be sent: the broker did not accept the command \(broker refused the publish\)/);
  assert.match(page, /data-status="failed"/);
  // Someone else's command id in ?issued= shows nothing.
  const other = await (await get(f.app, `/clients/${UUID_A}?issued=${/issued=([0-9a-f-]+)/.exec(loc)![1]}`, admin)).text();
  assert.not.match(other, /Could not be sent/);
});

test('cancel before execution; too late afterwards; a command of another client is 404', async () => {
  f.publisher.connected = false; // stays queued: the POST waits for the publish (like the API)
  const pending = post(UUID_B, { action: 'shutdown_host', reason: 'queued one', confirm: '1' });
  let queued;
  for (let i = 0; i < 100 && !queued; i++) {
    await new Promise((r) => setTimeout(r, 5));
    queued = f.commands.live().find((c) => c.clientUuid === UUID_B && c.status === 'queued');
  }
  f.publisher.connected = true;
  assert.ok(queued, 'a queued command');
  assert.is((await form(f.app, `/clients/${UUID_A}/commands/${queued!.commandId}/cancel`, {}, admin, htmx)).status, 404);
  const ok = await form(f.app, `/clients/${UUID_B}/commands/${queued!.commandId}/cancel`, {}, admin, htmx);
  assert.is(ok.status, 200);
  const html = await ok.text();
  assert.match(html, /Command canceled/);
  assert.match(html, /data-status="canceled"/);
  const again = await form(f.app, `/clients/${UUID_B}/commands/${queued!.commandId}/cancel`, {}, admin, htmx);
  assert.is(again.status, 409);
  assert.match(await again.text(), /Too late to cancel: the command is canceled/);
  const first = await pending; // released by the cancel
  assert.match(await first.text(), /data-status="canceled"/);
});

test('history fragment (htmx) and its redirect; the history follows command transitions live', async () => {
  const frag = await get(f.app, `/clients/${UUID_A}/commands`, admin, htmx);
  assert.is(frag.status, 200);
  assert.match(await frag.text(), /^<section id="client-commands"/);
  const plain = await get(f.app, `/clients/${UUID_A}/commands`, admin);
  assert.is(plain.status, 303);
  assert.is(plain.headers.get('location'), `/commands?client=${UUID_A}`);

  const s = await connect(f.app, `/live/clients/${UUID_B}`, admin, open);
  await s.until(/#client-commands/); // resync carries the history for admins
  s.take();
  const { command } = f.commands.issue({ uuid: UUID_B, action: 'restart_app', reason: `live ${EVIL}`, requestedBy: f.ids.admin });
  await s.until(new RegExp(`cmd-${command.commandId}[\\s\\S]*data-status="published"`));
  const text = s.take();
  assertInert(text);
  f.commands.ack(UUID_B, { commandId: command.commandId, status: 'execution_started', errorCode: null, errorMessage: null }, f.commandClock.now());
  f.commands.ack(UUID_B, { commandId: command.commandId, status: 'completed', errorCode: null, errorMessage: null }, f.commandClock.now());
  await s.until(/data-status="completed"/);
  s.close();
  // A user's stream of the same page never carries the history.
  const u = await connect(f.app, `/live/clients/${UUID_B}`, user, open);
  await u.until(/#client-status/);
  f.commands.issue({ uuid: UUID_B, action: 'shutdown_host', reason: 'x', requestedBy: f.ids.admin });
  await new Promise((r) => setTimeout(r, 700));
  assert.not.match(u.s.text, /client-commands/);
  u.close();
});

test.run();
