import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { memoryDb } from '../../testing/db.ts';
import { IdAllocator } from '../../db/ids.ts';
import { periodService } from './service.ts';

// 1 September 2026, 23:30 UTC is already 2 September in Vienna: "today" is the schedule zone's day.
const setup = async (now = Date.parse('2026-09-01T23:30:00Z')) => {
  const { db, writer } = await memoryDb();
  return { db, writer, s: periodService({ db, writer, ids: new IdAllocator(db), now: () => now, config: { SCHEDULE_TIMEZONE: 'Europe/Vienna' } }) };
};

test('start-up activation: no periods, none covering today, the one covering today (in the schedule zone), one already active', async () => {
  const { db, writer, s } = await setup();
  assert.is((await s.activateForToday()).outcome, 'no_periods');
  const a = await s.create({ name: 'SJ 2025/26', startDate: '2025-09-01', endDate: '2026-09-01', periodType: 'schuljahr' });
  assert.equal(await s.activateForToday(), { outcome: 'none_covers', period: null, today: '2026-09-02' });
  const b = await s.create({ name: 'SJ 2026/27', startDate: '2026-09-02', endDate: '2027-07-02', periodType: 'schuljahr' });
  assert.ok(a.ok && b.ok);
  const r = await s.activateForToday();
  assert.equal([r.outcome, r.period?.id, r.period?.isActive], ['activated', b.ok && b.value.id, true]);
  assert.is((await s.activate(a.ok ? a.value.id : 0)).ok, true);
  const again = await s.activateForToday();
  assert.equal([again.outcome, again.period?.id], ['already_active', a.ok && a.value.id]);
  assert.equal((await s.list()).filter((p) => p.isActive).length, 1);
  await writer.stop();
  db.close();
});

test.run();
