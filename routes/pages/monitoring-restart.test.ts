import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, UUID_A, UUID_B, UUID_C, type Fixture } from '../../testing/route-fixture.ts';
import { assertInert, connect, EVIL, form, get, htmx } from '../../testing/admin-pages.ts';

// Per-row restart in /monitoring's crashed/unreachable panel (docs/http.md "Dashboard pages"): the client
// page's command form and route (client-commands.ts) with from=monitoring, answered in the row.

let f: Fixture;
let user: string;
let admin: string;
const open: AbortController[] = [];

test.before(async () => {
  f = await fixture();
  user = await f.login('user');
  admin = await f.login('admin');
  const t = f.clock.t;
  f.fleet.put({ uuid: UUID_A, hostname: EVIL, status: 'critical', connectivity: 'online', processStatus: 'crashed', statusReasons: ['process_crashed'], lastAlive: t }, t);
  f.fleet.put({ uuid: UUID_B, description: 'Aula', status: 'offline', connectivity: 'offline', statusReasons: ['heartbeat_stale'], lastAlive: t - 600_000 }, t);
  f.fleet.put({ uuid: UUID_C, description: 'Fine', status: 'healthy', connectivity: 'online', statusReasons: [], lastAlive: t }, t);
});
test.after(async () => {
  open.forEach((c) => c.abort());
  await f.close();
});

const post = (uuid: string, body: Record<string, string>, cookie = admin, headers: Record<string, string> = htmx) =>
  form(f.app, `/clients/${uuid}/commands`, { from: 'monitoring', ...body }, cookie, headers);
const panel = (html: string) => html.slice(html.indexOf('id="crashed"'), html.indexOf('id="service-failed"'));

test('the panel: one restart button per row; it fetches the client page’s command form, posting from=monitoring into its row', async () => {
  const html = await (await get(f.app, '/monitoring', admin)).text();
  assertInert(html);
  const p = panel(html);
  assert.match(p, new RegExp(`<li class="row s-critical" id="cr-${UUID_A}">`));
  assert.match(p, new RegExp(`<li class="row s-offline" id="cr-${UUID_B}">`));
  assert.not.match(p, new RegExp(`cr-${UUID_C}`), 'a healthy client has no row');
  // A crashed process gets its app restarted; an unreachable screen a reboot. No form in the page itself.
  const buttons = [...p.matchAll(/<a class="btn btn-small" href="\/clients\/([0-9a-f-]+)#client-actions" hx-get="(\/clients\/\1\/commands\/form\?action=(\w+)&amp;from=monitoring)" hx-target="this"/g)];
  assert.equal(buttons.map((m) => [m[1], m[3]]), [[UUID_A, 'restart_app'], [UUID_B, 'reboot_host']], 'crashed first');
  assert.not.match(p, /<form/);
  assert.match(p, new RegExp(`<span id="crc-${UUID_A}" class="row-command"></span>`), 'no command yet');

  const res = await get(f.app, buttons[0][2].replace(/&amp;/g, '&'), admin, htmx);
  assert.is(res.status, 200);
  const formHtml = await res.text();
  assertInert(formHtml);
  assert.match(formHtml, new RegExp(`^<form class="command-form command-form-compact" method="post" action="/clients/${UUID_A}/commands" hx-post="/clients/${UUID_A}/commands" hx-target="#cr-${UUID_A}"`));
  assert.match(formHtml, /name="from" value="monitoring"/);
  assert.match(formHtml, new RegExp(`id="cr-${UUID_A}-reason-restart_app" name="reason" required`));
  assert.match(formHtml, /<dialog class="confirm" x-ref="dialog"/);
  assert.ok(formHtml.includes('Restart app on &lt;script&gt;alert(1)&lt;/script&gt;?'), 'the confirmation names the (escaped) screen');
  // Without htmx: the client page's actions; a bad action 400; user 403.
  const plain = await get(f.app, `/clients/${UUID_A}/commands/form?action=restart_app&from=monitoring`, admin);
  assert.is(plain.status, 303);
  assert.is(plain.headers.get('location'), `/clients/${UUID_A}#client-actions`);
  assert.is((await get(f.app, `/clients/${UUID_A}/commands/form?action=self_destruct`, admin, htmx)).status, 400);
  assert.is((await get(f.app, `/clients/${UUID_A}/commands/form?action=restart_app`, user, htmx)).status, 403);
});

test('admin only: a user is refused the page and the row command', async () => {
  assert.is((await get(f.app, '/monitoring', user)).status, 403);
  assert.is((await post(UUID_A, { action: 'restart_app', reason: 'x', confirm: '1' }, user)).status, 403);
  assert.is(f.publisher.published.length, 0);
});

test('reason required and the confirmation step, both answered in the row', async () => {
  const noReason = await post(UUID_A, { action: 'restart_app', reason: ' ', confirm: '1' });
  assert.is(noReason.status, 400);
  const row = await noReason.text();
  assert.match(row, new RegExp(`^<li class="row s-critical" id="cr-${UUID_A}">`));
  assert.match(row, /class="notice notice-error" role="alert">Enter a reason\./);
  assert.match(row, new RegExp(`id="cr-${UUID_A}-reason-restart_app"`), 'the form stays open to correct it');
  assertInert(row);
  const step = await (await post(UUID_B, { action: 'reboot_host', reason: 'stuck' })).text();
  assert.match(step, new RegExp(`<section id="cr-${UUID_B}" class="card">`));
  assert.match(step, new RegExp(`hx-target="#cr-${UUID_B}"`));
  assert.match(step, /name="confirm" value="1">\s*<input type="hidden" name="from" value="monitoring">/);
  assert.match(step, /<a class="btn" href="\/monitoring">/);
  assert.is(f.publisher.published.length, 0, 'nothing sent before confirmation');
});

test('restart: sent through the registry, outcome and command status in the row, then live in the row', async () => {
  const s = await connect(f.app, '/live/monitoring', admin, open);
  await s.until(/#crashed/);
  s.take();

  const res = await post(UUID_A, { action: 'restart_app', reason: `frozen ${EVIL}`, confirm: '1' });
  assert.is(res.status, 202);
  const row = await res.text();
  assertInert(row);
  assert.match(row, new RegExp(`^<li class="row s-critical" id="cr-${UUID_A}">`));
  assert.match(row, /role="status">Restart app: command sent/);
  assert.match(row, new RegExp(`<span id="crc-${UUID_A}" class="row-command"><span class="muted">Restart app:</span> <span class="badge cmd-status s-warning" data-status="published">`));
  assert.match(row, /hx-get="\/clients\/[0-9a-f-]+\/commands\/form\?action=restart_app&amp;from=monitoring"/, 'the button again, for another try');
  assert.not.match(row, /<form/);
  const sent = f.publisher.published.filter((p) => p.topic.includes(UUID_A));
  assert.ok(sent.length >= 1);
  assert.is(JSON.parse(sent[0].payload).action, 'restart_app');
  assert.is(JSON.parse(sent[0].payload).reason, `frozen ${EVIL}`);

  // The row's badge follows the command (the panel was not re-rendered: nothing about the client changed).
  const id = f.commands.live().find((c) => c.clientUuid === UUID_A)!.commandId;
  f.commands.ack(UUID_A, { commandId: id, status: 'execution_started', errorCode: null, errorMessage: null }, f.commandClock.now());
  await s.until(new RegExp(`<hx-partial hx-target="#crc-${UUID_A}" hx-swap="outerHTML"><span id="crc-${UUID_A}" class="row-command">[\\s\\S]*?data-status="execution_started"`));
  f.commands.ack(UUID_A, { commandId: id, status: 'completed', errorCode: null, errorMessage: null }, f.commandClock.now());
  await s.until(new RegExp(`hx-target="#crc-${UUID_A}"[^]*data-status="completed"`));
  assertInert(s.s.text);
  // A reload shows no stale badge once the command settled (the live registry no longer holds it).
  const again = panel(await (await get(f.app, '/monitoring', admin)).text());
  assert.match(again, new RegExp(`<span id="crc-${UUID_A}" class="row-command"></span>`));
  s.close();
});

test('a live command shows in the row on a fresh page; a command of a healthy client never reaches the panel', async () => {
  const s = await connect(f.app, '/live/monitoring', admin, open);
  await s.until(/#crashed/);
  s.take();
  f.publisher.connected = false; // stays queued
  f.commands.issue({ uuid: UUID_B, action: 'reboot_host', reason: 'r', requestedBy: f.ids.admin });
  f.commands.issue({ uuid: UUID_C, action: 'restart_app', reason: 'r', requestedBy: f.ids.admin });
  const html = panel(await (await get(f.app, '/monitoring', admin)).text());
  assert.match(html, new RegExp(`<span id="crc-${UUID_B}" class="row-command"><span class="muted">Reboot device:</span> <span class="badge cmd-status s-warning" data-status="queued">`));
  await s.until(new RegExp(`hx-target="#crc-${UUID_B}"`));
  await new Promise((r) => setTimeout(r, 50));
  assert.not.match(s.s.text, new RegExp(`crc-${UUID_C}`));
  f.publisher.connected = true;
  s.close();
});

test.run();
