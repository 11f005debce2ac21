/**
 * The client page's "now" card (issue 15 item 5): the events a screen should play and reports
 * playing are named by title (the id small), from a real SchedulerService; what the screen
 * reported is marked "last reported" while it is not reporting.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createApp } from '../../app.ts';
import { scheduleFixture, type ScheduleFixture } from '../../testing/schedule-fixture.ts';
import { EVIL, get } from '../../testing/admin-pages.ts';

const ONLINE = '00000000-0000-4000-8000-000000000001';
const GONE = '00000000-0000-4000-8000-000000000002';
const de = { 'accept-language': 'de-AT' };

let f: ScheduleFixture;
let app: ReturnType<typeof createApp>;
let eventId: number;

test.before(async () => {
  f = await scheduleFixture();
  app = createApp({
    config: f.config, db: f.db, writer: f.writer, fleet: f.fleet, screenshots: f.screenshots, bus: f.bus, commands: f.commands,
    bulkRuns: f.bulkRuns, scheduler: f.scheduler, brokerStatus: () => ({ connected: true }), now: () => f.clock.t, ...f.parts,
  });
  const group = (await f.call('admin', 'POST', '/api/groups', { name: 'Aula' })).body.id;
  const ev = await f.call('editor', 'POST', '/api/events', {
    groupId: group, title: `Morgenandacht ${EVIL}`, eventType: 'video', start: '2026-03-02T09:30:00Z', end: '2026-03-02T11:00:00Z',
    video: { url: 'https://cdn.example/a.mp4', volume: 0.5 },
  });
  assert.is(ev.status, 201, JSON.stringify(ev.body));
  eventId = ev.body.id;
  const t = f.clock.t;
  const playing = { groupId: group, expectedEventId: String(eventId), currentEventId: String(eventId), statusReasons: [] };
  f.fleet.put({ uuid: ONLINE, hostname: 'aula-links', status: 'healthy', connectivity: 'online', lastAlive: t, ...playing }, t);
  f.fleet.put({ uuid: GONE, hostname: 'aula-rechts', status: 'offline', connectivity: 'offline', lastAlive: t - 600_000, ...playing, currentEventId: '999' }, t);
});
test.after(async () => {
  await f.close();
});

const nowCard = async (uuid: string) => {
  const html = await (await get(app, `/clients/${uuid}`, f.cookies.user, de)).text();
  return /<section id="client-now"[\s\S]*?<\/section>/.exec(html)![0];
};

test('a screen that reports: the event by title with its id small, no "last reported"', async () => {
  const card = await nowCard(ONLINE);
  const playing = /<dd id="client-playing">([\s\S]*?)<\/dd>/.exec(card)![1];
  assert.match(playing, /Morgenandacht &lt;script&gt;/, 'the title, escaped');
  assert.match(playing, new RegExp(`<small class="muted event-id">#${eventId}</small>`));
  assert.match(/<dd id="client-expected">([\s\S]*?)<\/dd>/.exec(card)![1], /Morgenandacht/);
  assert.not.match(card, /zuletzt gemeldet/);
});

test('an offline screen: its last report is marked, an unknown event id is named as such', async () => {
  const card = await nowCard(GONE);
  const playing = /<dd id="client-playing">([\s\S]*?)<\/dd>/.exec(card)![1];
  assert.match(playing, /Termin 999 \(nicht im Plan\)/);
  assert.match(playing, /zuletzt gemeldet/);
  assert.not.match(/<dd id="client-expected">([\s\S]*?)<\/dd>/.exec(card)![1], /zuletzt gemeldet/, 'the expected event is the server\'s own');
});

test.run();
