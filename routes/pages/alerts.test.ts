import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, UUID_A, UUID_B, type Fixture } from '../../testing/route-fixture.ts';
import { getAlert, listAlerts } from '../../db/alerts.ts';
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
  f.fleet.put({ uuid: UUID_A, hostname: EVIL, status: 'offline', connectivity: 'offline', statusReasons: [], lastAlive: t }, t);
  f.fleet.put({ uuid: UUID_B, description: 'Aula', status: 'healthy', connectivity: 'online', statusReasons: [], lastAlive: t }, t);
});
test.after(async () => {
  open.forEach((c) => c.abort());
  await f.close();
});

const emit = (kind: string, uuid: string | undefined, message = `${kind} happened`, at = f.clock.t) =>
  f.bus.emit({ type: 'alert', kind, severity: kind === 'service-failed' ? 'critical' : 'warning', message, uuid, at });

test('toasts: deduplicated with a counter, translated, escaped; command alerts only for admins', async () => {
  const a = await connect(f.app, '/live/overview', admin, open);
  const u = await connect(f.app, '/live/overview', user, open);
  await a.until(/#groups/);
  await u.until(/#groups/);
  a.take();
  u.take();
  emit('client-offline', UUID_A);
  await a.until(/toast/);
  emit('client-offline', UUID_A, 'again', f.clock.t + 1000);
  await a.until(/2 times/);
  const text = a.take();
  assertInert(text);
  assert.match(text, new RegExp(`data-key="client-offline\\|${UUID_A}"`));
  assert.match(text, /&lt;script&gt;alert\(1\)&lt;\/script&gt; went offline/);
  emit('strange-kind', undefined, `<img src=x onerror=alert(1)>`);
  await a.until(/strange|onerror/);
  assert.match(a.take(), /&lt;img src=x onerror=alert\(1\)&gt;/);
  // A command outcome: the center raises command-completed; admins see it, users do not.
  const { command } = f.commands.issue({ uuid: UUID_B, action: 'restart_app', reason: 'x', requestedBy: f.ids.admin });
  f.commands.ack(UUID_B, { commandId: command.commandId, status: 'execution_started', errorCode: null, errorMessage: null }, f.commandClock.now());
  f.commands.ack(UUID_B, { commandId: command.commandId, status: 'completed', errorCode: null, errorMessage: null }, f.commandClock.now());
  await a.until(/Aula: Restart app completed/);
  await u.until(/#fleet-counts|keep-alive|toast/, 1500).catch(() => {});
  await new Promise((r) => setTimeout(r, 600));
  assert.not.match(u.s.text, /Restart app completed/);
  assert.match(u.s.text, /toast/, 'users still get client toasts');
  a.close();
  u.close();
});

test('alerts page: admin only; open alerts with counters, escaped; 400 on a bad filter', async () => {
  assert.is((await get(f.app, '/alerts')).status, 303);
  assert.is((await get(f.app, '/alerts', user)).status, 403);
  assert.is((await get(f.app, '/alerts', user, htmx)).status, 403);
  assert.is((await get(f.app, '/live/alerts', user)).status, 403);
  assert.is((await get(f.app, '/alerts?show=bogus', admin)).status, 400);
  assert.is((await get(f.app, '/alerts?page=0', admin)).status, 400);
  const res = await get(f.app, '/alerts', admin);
  assert.is(res.status, 200);
  const html = await res.text();
  assertInert(html);
  assert.match(html, /<span class="pill">2 times<\/span>/);
  assert.match(html, /Aula: Restart app completed/);
  assert.match(html, /&lt;img src=x onerror=alert\(1\)&gt;/);
  assert.match(html, /hx-sse:connect="\/live\/alerts\?v=\d+"/);
  const frag = await (await get(f.app, '/alerts?show=all', admin, htmx)).text();
  assert.match(frag, /^<section id="alerts-view"/);
});

test('acknowledge one and all; unknown id 404; acknowledged alerts leave the open list', async () => {
  await f.writer.settled();
  const { alerts } = await listAlerts(f.db, { open: true, limit: 50, offset: 0 });
  const one = alerts.find((a) => a.kind === 'client-offline')!;
  assert.is((await form(f.app, `/alerts/${one.id}/ack`, {}, user, htmx)).status, 403);
  assert.is((await form(f.app, '/alerts/11111111-2222-4333-8444-555555555555/ack', {}, admin, htmx)).status, 404);
  assert.is((await form(f.app, '/alerts/nope/ack', {}, admin, htmx)).status, 404);
  const res = await form(f.app, `/alerts/${one.id}/ack`, {}, admin, htmx);
  assert.is(res.status, 200);
  const html = await res.text();
  assert.match(html, /Alerts acknowledged/);
  assert.not.match(html, new RegExp(`alert-${one.id}`));
  const stored = await getAlert(f.db, one.id);
  assert.is(stored!.acknowledgedBy, f.ids.admin);
  // A repeat after the acknowledgement is a new alert.
  emit('client-offline', UUID_A, 'third', f.clock.t + 2000);
  await f.writer.settled();
  assert.is((await listAlerts(f.db, { open: true, kind: 'client-offline', limit: 5, offset: 0 })).total, 1);
  const all = await form(f.app, '/alerts/ack-all', {}, admin);
  assert.is(all.status, 303);
  assert.is((await listAlerts(f.db, { open: true, limit: 5, offset: 0 })).total, 0);
  const shown = await (await get(f.app, '/alerts?show=all', admin)).text();
  assert.match(shown, /Acknowledged .* by admin/);
});

test('the alerts page follows new alerts live', async () => {
  const s = await connect(f.app, '/live/alerts', admin, open);
  await s.until(/#alerts-list/);
  s.take();
  emit('service-failed', UUID_B);
  await s.until(/Aula: a service failed/);
  assert.match(s.take(), /<hx-partial hx-target="#alerts-list"/);
  s.close();
});

test.run();
