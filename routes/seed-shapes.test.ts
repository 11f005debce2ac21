/**
 * Requests shaped like the original system's, accepted beside our own: string values in system
 * settings, a plain array as the group order, and a calendar date naming an occurrence to skip
 * or detach (the occurrence on that local day in the event's zone).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scheduleFixture, type ScheduleFixture } from '../testing/schedule-fixture.ts';

let f: ScheduleFixture;
test.before(async () => {
  f = await scheduleFixture();
});
test.after(async () => f?.close());

test('system settings: "30", "true", "0.5" are read as their types; other strings still answer 400', async () => {
  const r = await f.call('admin', 'POST', '/api/system-settings', { presentation_interval: '30', video_muted: 'true', video_volume: '0.5' });
  assert.is(r.status, 200, JSON.stringify(r.body));
  assert.equal([r.body.presentation_interval, r.body.video_muted, r.body.video_volume], [30, true, 0.5]);
  for (const bad of [{ presentation_interval: 'thirty' }, { video_muted: 'yes' }, { video_volume: '2' }]) {
    assert.is((await f.call('admin', 'POST', '/api/system-settings', bad)).status, 400, JSON.stringify(bad));
  }
});

test('group order: a plain array works like {order: [...]}', async () => {
  const a = (await f.call('admin', 'POST', '/api/groups', { name: 'A' })).body.id;
  const b = (await f.call('admin', 'POST', '/api/groups', { name: 'B' })).body.id;
  const r = await f.call('admin', 'POST', '/api/groups/order', [b, a]);
  assert.is(r.status, 200, JSON.stringify(r.body));
  assert.equal(r.body.order.slice(0, 2), [b, a]);
  assert.is((await f.call('admin', 'POST', '/api/groups/order', ['x'])).status, 400);
});

test('skip and detach by date: the occurrence on that local day', async () => {
  const g = (await f.call('admin', 'POST', '/api/groups', { name: 'Dates' })).body.id;
  // Daily at 00:30 Vienna = 23:30Z the day before: the local date is what counts.
  const ev = (await f.call('editor', 'POST', '/api/events', {
    groupId: g, title: 'Night', eventType: 'message', start: '2026-03-02T23:30:00Z', end: '2026-03-03T00:00:00Z',
    recurrenceRule: 'FREQ=DAILY;COUNT=10', message: { text: 'hi' },
  })).body;
  const skipped = await f.call('editor', 'POST', `/api/events/${ev.id}/occurrences/2026-03-05/skip`);
  assert.is(skipped.status, 200, JSON.stringify(skipped.body));
  assert.equal(skipped.body.skippedDates, ['20260304T233000Z']);
  const detached = await f.call('editor', 'POST', `/api/events/${ev.id}/occurrences/2026-03-07/detach`);
  assert.is(detached.status, 201, JSON.stringify(detached.body));
  assert.is(detached.body.event.start, '2026-03-06T23:30:00.000Z');
  assert.is((await f.call('editor', 'POST', `/api/events/${ev.id}/occurrences/2026-04-30/skip`)).status, 404, 'no occurrence that day');
});

test.run();
