/** A maintenance window is shown on the muted group's card and on the muted screen's page, in English and German. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedClock } from 'xstate';
import { createApp } from '../../app.ts';
import { insertGroupStatement } from '../../db/groups.ts';
import { NotificationService } from '../../services/notifications/service.ts';
import { cookieOf, fixture, json, PASSWORD, UUID_A, UUID_B, type Fixture } from '../../testing/route-fixture.ts';

let f: Fixture;
let app: ReturnType<typeof createApp>;
let admin: string;
let user: string;

const page = async (path: string, cookie: string, lang = 'en') => {
  const res = await app.request(path, { headers: { cookie, 'accept-language': lang } });
  assert.is(res.status, 200, path);
  return res.text();
};
/** The card of one group on /groups. */
const card = (html: string, id: number) => {
  const from = html.indexOf(`id="g-${id}"`);
  assert.ok(from > 0, `group ${id} has a card`);
  const next = html.indexOf('class="card group-card"', from);
  return html.slice(from, next < 0 ? undefined : next);
};

test.before(async () => {
  f = await fixture();
  const clock = new SimulatedClock();
  clock.set(f.clock.t);
  const notifications = new NotificationService({ db: f.db, ids: f.parts.ids, writer: f.writer, clock, bus: f.bus, client: () => undefined, clients: () => [], timers: false });
  await notifications.start();
  app = createApp({ config: f.config, db: f.db, writer: f.writer, fleet: f.fleet, screenshots: f.screenshots, bus: f.bus, brokerStatus: () => ({ connected: true }), now: () => f.clock.t, notifications, ...f.parts });
  await f.writer.write(insertGroupStatement(3, { name: 'Aula', description: null, displayOrder: 0 }, f.clock.t), insertGroupStatement(4, { name: 'Mensa', description: null, displayOrder: 1 }, f.clock.t));
  f.fleet.put({ uuid: UUID_A, description: 'Eingang', groupId: 3 });
  f.fleet.put({ uuid: UUID_B, description: 'Kantine', groupId: 4 });
  const login = async (username: string) => cookieOf(await app.request('/api/auth/login', json('POST', { username, password: PASSWORD })));
  admin = await login('admin');
  user = await login('user');
});
test.after(async () => {
  await f.close();
});

test('nothing muted: no notice on the group cards or the screen page', async () => {
  assert.not.match(await page('/groups', user), 'muted until');
  assert.not.match(await page(`/clients/${UUID_A}`, user), 'muted until');
});

test('a muted group: its card says until when and by whom (EN + DE); the other card does not', async () => {
  const res = await app.request('/api/notifications/mutes', json('POST', { targetType: 'group', targetId: '3', until: '2026-03-02T12:00:00Z', reason: '<b>firmware</b> update' }, admin));
  assert.is(res.status, 201);
  const en = await page('/groups', user);
  const aula = card(en, 3);
  assert.match(aula, 'Notifications muted until');
  assert.match(aula, 'by admin');
  assert.match(aula, 'Reason: &lt;b&gt;firmware&lt;/b&gt; update', 'the reason is escaped');
  assert.not.match(aula, '/settings/notifications', 'the manage link is for admins');
  assert.not.match(card(en, 4), 'muted until');
  assert.match(card(await page('/groups', admin), 3), 'href="/settings/notifications#notif-mutes"');
  const de = card(await page('/groups', user, 'de'), 3);
  assert.match(de, 'Benachrichtigungen stummgeschaltet bis');
  assert.match(de, 'von admin');
  // The screen in that group says so too, naming the group; the other screen does not.
  assert.match(await page(`/clients/${UUID_A}`, user), 'Notifications for group Aula muted until');
  assert.match(await page(`/clients/${UUID_A}`, user, 'de'), 'Benachrichtigungen für die Gruppe Aula stummgeschaltet bis');
  assert.not.match(await page(`/clients/${UUID_B}`, user), 'muted until');
});

test('a muted screen: its page says until when and by whom; ended → gone', async () => {
  const res = await app.request('/api/notifications/mutes', json('POST', { targetType: 'client', targetId: UUID_B, until: '2026-03-02T11:30:00Z' }, admin));
  assert.is(res.status, 201);
  const { id } = (await res.json()) as { id: number };
  const en = await page(`/clients/${UUID_B}`, user);
  assert.match(en, 'Notifications muted until');
  assert.match(en, 'by admin');
  assert.match(await page(`/clients/${UUID_B}`, user, 'de'), 'Benachrichtigungen stummgeschaltet bis');
  assert.not.match(card(await page('/groups', user), 4), 'muted until', 'a screen mute is not a group mute');
  assert.ok((await app.request(`/api/notifications/mutes/${id}`, json('DELETE', undefined, admin))).ok);
  assert.not.match(await page(`/clients/${UUID_B}`, user), 'muted until');
});

test.run();
