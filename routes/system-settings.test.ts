import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { scheduleFixture, type ScheduleFixture } from '../testing/schedule-fixture.ts';

let f: ScheduleFixture;
test.before(async () => {
  f = await scheduleFixture();
});
test.after(async () => f?.close());

const DEFAULTS = {
  presentation_interval: 10, presentation_page_progress: true, presentation_auto_progress: true,
  video_autoplay: true, video_loop: true, video_volume: 0.8, video_muted: false, supplement_table_url: '',
};

test('admin only; GET answers the defaults of docs/scheduler.md', async () => {
  assert.is((await f.call('editor', 'GET', '/api/system-settings')).status, 403);
  assert.equal((await f.call('admin', 'GET', '/api/system-settings')).body, DEFAULTS);
});

test('POST sets typed values, null resets one; unknown keys and wrong types are 400', async () => {
  const r = await f.call('admin', 'POST', '/api/system-settings', { video_volume: 0.25, supplement_table_url: 'https://untis.example/plan' });
  assert.equal(r.body, { ...DEFAULTS, video_volume: 0.25, supplement_table_url: 'https://untis.example/plan' });
  const back = await f.call('admin', 'POST', '/api/system-settings', { video_volume: null });
  assert.is(back.body.video_volume, 0.8);
  for (const bad of [{ video_volume: 2 }, { video_muted: 'yes' }, { presentation_interval: 0 }, { colour: 'red' }, { supplement_table_url: 'javascript:alert(1)' }]) {
    const res = await f.call('admin', 'POST', '/api/system-settings', bad);
    assert.is(res.status, 400, JSON.stringify(bad));
  }
});

test('a webuntis event takes supplement_table_url; a settings change republishes at once', async () => {
  const g = (await f.call('admin', 'POST', '/api/groups', { name: 'Lehrerzimmer' })).body.id;
  await f.call('editor', 'POST', '/api/events', { groupId: g, title: 'Plan', eventType: 'webuntis', start: '2026-03-02T09:00:00Z', end: '2026-03-02T12:00:00Z' });
  const last = () => JSON.parse(f.schedulePublisher.published.filter((p) => p.topic === `infoscreen/events/${g}`).at(-1)!.payload);
  assert.equal(last()[0].website, { type: 'browser', url: 'https://untis.example/plan' });
  await f.call('admin', 'POST', '/api/system-settings', { supplement_table_url: 'https://untis.example/v2' });
  assert.equal(last()[0].website, { type: 'browser', url: 'https://untis.example/v2' });
});

test.run();
