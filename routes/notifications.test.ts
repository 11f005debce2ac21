import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedClock } from 'xstate';
import { createApp } from '../app.ts';
import { listAudit } from '../db/audit.ts';
import { NotificationService } from '../services/notifications/service.ts';
import { httpReceiver, type HttpReceiver } from '../testing/notify-receivers.ts';
import { cookieOf, fixture, json, PASSWORD, type Fixture } from '../testing/route-fixture.ts';

let f: Fixture;
let app: ReturnType<typeof createApp>;
let admin: string;
let user: string;
let rx: HttpReceiver;

test.before(async () => {
  f = await fixture();
  const clock = new SimulatedClock();
  clock.set(f.clock.t);
  const notifications = new NotificationService({ db: f.db, ids: f.parts.ids, writer: f.writer, clock, bus: f.bus, client: () => undefined, clients: () => [], timers: false, timeoutMs: 500 });
  await notifications.start();
  app = createApp({ config: f.config, db: f.db, writer: f.writer, fleet: f.fleet, screenshots: f.screenshots, bus: f.bus, brokerStatus: () => ({ connected: true }), now: () => f.clock.t, notifications, ...f.parts });
  const login = async (username: string) => cookieOf(await app.request('/api/auth/login', json('POST', { username, password: PASSWORD })));
  admin = await login('admin');
  user = await login('user');
  rx = await httpReceiver();
});
test.after(async () => {
  await rx.close();
  await f.close();
});

test('channels: created with 201 {id}; the listing never shows the URL path, token or credentials', async () => {
  const res = await app.request('/api/notifications/channels', json('POST', { name: 'Alertmanager', type: 'webhook', url: `http://bob:hunter2@${new URL(rx.url).host}/hooks/T0123/B456/s3cr3tT0ken?key=abc` }, admin));
  assert.is(res.status, 201);
  const { id } = await res.json();
  assert.type(id, 'number');
  const list = await app.request('/api/notifications/channels', { headers: { cookie: admin } });
  const text = await list.text();
  for (const secret of ['s3cr3tT0ken', 'hunter2', 'bob', 'key=abc', 'T0123']) assert.not.match(text, secret);
  assert.is(JSON.parse(text).channels[0].target, `http://${new URL(rx.url).host}/…`);
  const audit = JSON.stringify(await listAudit(f.db, {}));
  assert.match(audit, 'notifications.channel.create');
  assert.not.match(audit, 's3cr3tT0ken');
});

test('bad channel input: non-HTTP URL, missing recipients, unknown type → 400 naming the field', async () => {
  for (const [body, field] of [
    [{ name: 'x', type: 'webhook', url: 'ftp://example.org/hook' }, 'url'],
    [{ name: 'x', type: 'slack', url: 'not a url' }, 'url'],
    [{ name: 'x', type: 'email' }, 'to'],
    [{ name: 'x', type: 'pager', url: 'https://example.org' }, 'type'],
    [{ name: '', type: 'discord', url: 'https://example.org' }, 'name'],
  ] as const) {
    const res = await app.request('/api/notifications/channels', json('POST', body, admin));
    assert.is(res.status, 400, JSON.stringify(body));
    assert.match((await res.json()).error, field);
  }
});

test('test send: 200 {ok, status, latencyMs}; a failing receiver 502 {ok: false, error}; listed in the outbox', async () => {
  const { id } = await (await app.request('/api/notifications/channels', json('POST', { name: 'chat', type: 'slack', url: `${rx.url}/chat` }, admin))).json();
  const ok = await app.request(`/api/notifications/channels/${id}/test`, json('POST', undefined, admin));
  assert.is(ok.status, 200);
  const okBody = await ok.json();
  assert.equal([okBody.ok, okBody.status, typeof okBody.latencyMs], [true, 200, 'number']);
  rx.script.push(500);
  const bad = await app.request(`/api/notifications/channels/${id}/test`, json('POST', undefined, admin));
  assert.is(bad.status, 502);
  const badBody = await bad.json();
  assert.is(badBody.ok, false);
  assert.match(badBody.error, 'answered HTTP 500');
  const outbox = await (await app.request('/api/notifications/outbox', { headers: { cookie: admin } })).json();
  const mine = outbox.items.filter((i: { channelId: number }) => i.channelId === id);
  assert.equal(mine.map((i: { status: string; attempts: number; kind: string }) => [i.kind, i.status, i.attempts]), [['test', 'failed', 1], ['test', 'sent', 1]]);
  assert.is((await app.request('/api/notifications/channels/9999/test', json('POST', undefined, admin))).status, 404);
});

test('German page: a failed test send and the outbox read in German, never the stored English sentence', async () => {
  const { id } = await (await app.request('/api/notifications/channels', json('POST', { name: 'hook', type: 'webhook', url: `${rx.url}/hook` }, admin))).json();
  rx.script.push(500);
  const de = { cookie: admin, 'accept-language': 'de', origin: 'http://localhost' };
  const res = await app.request(`/settings/notifications/channels/${id}/test`, { method: 'POST', headers: de });
  const html = await res.text();
  assert.match(html, /id="notif-error">Test fehlgeschlagen: [^<]+ hat mit HTTP 500 geantwortet/);
  assert.not.match(html, /answered HTTP/, 'neither the error nor the outbox line is English');
  assert.match(html, /HTTP 500[^<]* · [^<]+ hat mit HTTP 500 geantwortet/, 'the outbox line');
});

test('rules: 201 {id} with defaults; unknown channel 400; mutes are audited', async () => {
  const { id: channelId } = await (await app.request('/api/notifications/channels', json('POST', { name: 'mail', type: 'email', to: 'it@school.example' }, admin))).json();
  const res = await app.request('/api/notifications/rules', json('POST', { channelId }, admin));
  assert.is(res.status, 201);
  const rules = (await (await app.request('/api/notifications/rules', { headers: { cookie: admin } })).json()).rules;
  const rule = rules.find((r: { channelId: number }) => r.channelId === channelId);
  assert.equal([rule.kinds, rule.minSeverity, rule.delaySeconds, rule.notifyResolved, rule.repeatSeconds, rule.respectSchedule, rule.quietHours], [null, 'warning', null, true, null, true, null]);
  assert.is((await app.request('/api/notifications/rules', json('POST', { channelId: 4242 }, admin))).status, 400);
  const qh = await app.request('/api/notifications/rules', json('POST', { channelId, quietHours: { start: '25:00', end: '07:00', timeZone: 'Europe/Vienna' } }, admin));
  assert.is(qh.status, 400);
  // From a socket address, as @hono/node-server hands it to the app: the audit row says where from.
  const from = { incoming: { socket: { remoteAddress: '203.0.113.9' } } };
  const mute = await app.request('/api/notifications/mutes', json('POST', { targetType: 'group', targetId: '3', until: '2026-03-02T12:00:00Z', reason: 'firmware update' }, admin), from);
  assert.is(mute.status, 201);
  const muted = (await listAudit(f.db, {})).find((e) => e.action === 'notifications.mute');
  assert.match(JSON.stringify(muted), 'firmware update');
  assert.is(muted?.address, '203.0.113.9');
  // The maintenance window names its target in the reader's language.
  const de = await (await app.request('/settings/notifications', { headers: { cookie: admin, 'accept-language': 'de' } })).text();
  assert.match(de, /Gruppe 3 stumm bis [^<]+ von admin \(firmware update\)/);
  assert.not.match(de, /group 3/);
});

test('admin only', async () => {
  assert.is((await app.request('/api/notifications/channels', { headers: { cookie: user } })).status, 403);
  assert.is((await app.request('/api/notifications/outbox')).status, 401);
});

test.run();
