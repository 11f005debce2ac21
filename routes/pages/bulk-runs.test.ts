/**
 * Group cards and bulk restarts on the dashboard over the real app: the active event from a real
 * SchedulerService, the "restart offline screens" button (admins only), the reason form and its
 * confirmation step, the run page with live progress (SSE) and Abort, and the runs list.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createApp } from '../../app.ts';
import { scheduleFixture, type ScheduleFixture } from '../../testing/schedule-fixture.ts';
import { assertInert, connect, EVIL, form, get } from '../../testing/admin-pages.ts';
import { upsertCommandStatement } from '../../db/commands.ts';

const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

let f: ScheduleFixture;
let app: ReturnType<typeof createApp>;
let aula: number;
let foyer: number;
const open: AbortController[] = [];

test.before(async () => {
  f = await scheduleFixture();
  app = createApp({
    config: f.config, db: f.db, writer: f.writer, fleet: f.fleet, screenshots: f.screenshots, bus: f.bus, commands: f.commands,
    bulkRuns: f.bulkRuns, scheduler: f.scheduler, brokerStatus: () => ({ connected: true }), now: () => f.clock.t, ...f.parts,
  });
  aula = (await f.call('admin', 'POST', '/api/groups', { name: 'Aula' })).body.id;
  foyer = (await f.call('admin', 'POST', '/api/groups', { name: 'Foyer' })).body.id;
  const ev = await f.call('editor', 'POST', '/api/events', {
    groupId: aula, title: `Assembly ${EVIL}`, eventType: 'video', start: '2026-03-02T09:30:00Z', end: '2026-03-02T11:00:00Z',
    video: { url: 'https://cdn.example/a.mp4', volume: 0.5 },
  });
  assert.is(ev.status, 201, JSON.stringify(ev.body));
  for (let i = 1; i <= 6; i++) f.fleet.put({ uuid: uuid(i), groupId: aula, status: 'offline', description: `Room ${i}` });
  f.fleet.put({ uuid: uuid(7), groupId: aula, status: 'healthy' });
  f.fleet.put({ uuid: uuid(8), groupId: foyer, status: 'healthy' });
});
test.after(async () => {
  for (const ac of open) ac.abort();
  await f.close();
});

const card = (html: string, id: number) => {
  const start = html.indexOf(`id="g-${id}"`);
  assert.ok(start > 0, `card g-${id}`);
  return html.slice(start, html.indexOf('</section>', start));
};

test("overview cards: the group's active event (type, title, until when) or none; the restart button for admins only", async () => {
  const adminHtml = await (await get(app, '/', f.cookies.admin)).text();
  assertInert(adminHtml);
  const a = card(adminHtml, aula);
  assert.match(a, /Video<\/span> <strong>Assembly &lt;script&gt;/);
  assert.match(a, /until /);
  assert.match(a, new RegExp(`href="/groups/${aula}/restart">Restart offline screens \\(6\\)`));
  const b = card(adminHtml, foyer);
  assert.match(b, /No event scheduled now/);
  assert.not.match(b, /\/restart"/, 'no offline screen: no button');
  const userHtml = await (await get(app, '/', f.cookies.user)).text();
  assert.match(card(userHtml, aula), /Assembly/);
  assert.not.match(userHtml, /\/restart"/);
  const de = await (await get(app, '/', f.cookies.admin, { 'accept-language': 'de' })).text();
  assert.ok(de.includes('Offline-Bildschirme neu starten (6)'), 'German');
  assert.ok(de.includes('Gerade kein Termin geplant'), 'German');
});

test("live overview: when a group's event changes (its clients change in place), only its event line is re-sent", async () => {
  const live = await connect(app, '/live/overview', f.cookies.user, open);
  await live.until(new RegExp(`id="g-${foyer}-event"[^>]*>\\s*data: \\s*No event scheduled now`));
  live.take();
  const ev = await f.call('editor', 'POST', '/api/events', {
    groupId: foyer, title: 'Concert', eventType: 'website', start: '2026-03-02T09:00:00Z', end: '2026-03-02T12:00:00Z',
    website: { url: 'https://example.org/concert' },
  });
  assert.is(ev.status, 201, JSON.stringify(ev.body));
  f.bus.emit({ type: 'client-changed', uuid: uuid(8) }); // what EXPECTED_EVENT does to each client of the group
  await live.until(new RegExp(`hx-target="#g-${foyer}-event"[\\s\\S]*Concert`));
  assert.not.match(live.s.text, new RegExp(`hx-target="#g-${foyer}"`), 'not the whole card');
  live.take();
  f.bus.emit({ type: 'client-changed', uuid: uuid(8) });
  await new Promise((r) => setTimeout(r, 400));
  assert.not.match(live.s.text, /-event"/, 'unchanged event: nothing re-sent');
});

test('reason form: admin only, reason required, confirmation step without JavaScript, then the run starts', async () => {
  assert.is((await get(app, `/groups/${aula}/restart`, f.cookies.user)).status, 403);
  assert.is((await form(app, `/groups/${aula}/restart`, { reason: 'x', confirm: '1' }, f.cookies.user)).status, 403);
  assert.is((await get(app, '/groups/999/restart', f.cookies.admin)).status, 404);
  const page = await (await get(app, `/groups/${aula}/restart`, f.cookies.admin)).text();
  assert.match(page, /6 screens of this group are offline/);
  assert.match(page, /x-data="commandForm"/);
  const empty = await form(app, `/groups/${aula}/restart`, { reason: '  ', confirm: '1' }, f.cookies.admin);
  assert.is(empty.status, 400);
  assert.match(await empty.text(), /Enter a reason/);
  assert.is(f.bulkRuns.list().length, 0);
  const ask = await form(app, `/groups/${aula}/restart`, { reason: `storm ${EVIL}` }, f.cookies.admin);
  const askHtml = await ask.text();
  assertInert(askHtml);
  assert.match(askHtml, /Reboot device on 6 offline screens of Aula\?/);
  assert.match(askHtml, /name="confirm" value="1"/);
  assert.is(f.bulkRuns.list().length, 0, 'nothing started before the confirmation');
  const go = await form(app, `/groups/${aula}/restart`, { reason: 'storm', confirm: '1' }, f.cookies.admin);
  assert.is(go.status, 303);
  const [run] = f.bulkRuns.list();
  assert.is(go.headers.get('location'), `/bulk-runs/${run.id}`);
  assert.equal([run.groupId, run.action, run.reason, run.targets, run.requestedBy], [aula, 'reboot_host', 'storm', 6, f.ids.admin]);
});

test('run page: progress over SSE as commands finish, Abort stops issuing; the list shows the run', async () => {
  const [run] = f.bulkRuns.list();
  const page = await (await get(app, `/bulk-runs/${run.id}`, f.cookies.admin)).text();
  assert.match(page, /hx-sse:connect="\/live\/bulk-runs\//);
  // The run's stream carries only the run: toasts come over /live/toasts, opened beside it.
  assert.match(page, /<div id="live-toasts" class="live" hx-sse:connect="\/live\/toasts"/);
  assert.match(page, /0 of 6 finished/);
  assert.match(page, /Abort run/);
  assert.is((await get(app, `/bulk-runs/${run.id}`, f.cookies.user)).status, 403);
  assert.is((await get(app, '/bulk-runs/nope', f.cookies.admin)).status, 404);

  const live = await connect(app, `/live/bulk-runs/${run.id}`, f.cookies.admin, open);
  await live.until(/0 of 6 finished/);
  live.take();

  const aborted = await form(app, `/bulk-runs/${run.id}/abort`, { reason: 'wrong group' }, f.cookies.admin, { 'hx-request': 'true' });
  const html = await aborted.text();
  assert.match(html, /Stopped: aborted by admin: wrong group/);
  assert.not.match(html, /Abort run/);
  assert.is(f.bulkRuns.get(run.id)!.counts.skipped, 1, 'the sixth screen never got its command');
  await live.until(/stopping/);
  const first = f.commands.get(f.bulkRuns.get(run.id)!.commandIds[0])!;
  f.commands.ack(first.clientUuid, { commandId: first.commandId, status: 'completed', errorCode: null, errorMessage: null }, f.commandClock.now());
  await live.until(/1 of 6 finished/);
  assert.match(live.s.text, /hx-target="#bulk-run-commands"/);
  assert.is(f.bulkRuns.get(run.id)!.commandIds.length, 5, 'a finished command no longer makes room for the sixth');
  const again = await form(app, `/bulk-runs/${run.id}/abort`, {}, f.cookies.admin);
  assert.is(again.headers.get('location'), `/bulk-runs/${run.id}?aborted=0`);

  const list = await (await get(app, '/bulk-runs', f.cookies.admin)).text();
  assert.match(list, new RegExp(`href="/bulk-runs/${run.id}"`));
  assert.match(list, /<td data-label="Group">Aula<\/td>/);
  assert.match(list, /<td data-label="By">admin<\/td>/);
  assert.match(list, /stopping/);
  assert.match(list, /href="\/bulk-runs" aria-current="page"/, 'nav link');
  assert.is((await get(app, '/bulk-runs', f.cookies.user)).status, 403);
  assert.not.match(await (await get(app, '/', f.cookies.user)).text(), /href="\/bulk-runs"/);
});

test('a run the server no longer holds (restarted) still has its page, from its commands; no live stream, no Abort', async () => {
  const [run] = f.bulkRuns.list();
  const rec = { ...f.commands.get(run.commandIds[1])!, bulkRunId: 'run-before-restart' }; // [0] completed: no longer live
  f.writer.enqueue(upsertCommandStatement({ ...rec, commandId: crypto.randomUUID(), status: 'completed', completedAt: rec.createdAt }));
  const res = await get(app, '/bulk-runs/run-before-restart', f.cookies.admin);
  assert.is(res.status, 200);
  const html = await res.text();
  assert.match(html, /id="bulk-run-progress" data-status="interrupted"/);
  assert.match(html, /the server restarted during this run/);
  assert.not.match(html, /hx-sse:connect="\/live\/bulk-runs/);
  assert.match(html, /hx-sse:connect="\/live\/toasts"/, 'no run stream, the toasts still come');
  assert.not.match(html, /Abort run/);
  assert.is((await get(app, '/live/bulk-runs/run-before-restart', f.cookies.admin)).status, 404);
});

test('German: a timed-out command of a run shows its reason in German, never the stored English text', async () => {
  const [run] = f.bulkRuns.list();
  const rec = f.commands.get(run.commandIds[1])!;
  f.writer.enqueue(upsertCommandStatement({
    ...rec, bulkRunId: 'run-timed-out', commandId: crypto.randomUUID(), status: 'timed_out', completedAt: rec.createdAt,
    errorReason: 'no_ack', errorCode: 'stage_timeout', errorMessage: 'no acknowledgement from the client (offline?)',
  }));
  const html = await (await get(app, '/bulk-runs/run-timed-out', f.cookies.admin, { 'accept-language': 'de' })).text();
  assert.match(html, /<span class="cmd-error">keine Bestätigung vom Bildschirm \(offline\?\)<\/span>/);
  assert.not.match(html, /no acknowledgement/);
});

test.run();
