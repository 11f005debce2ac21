/**
 * Start-up activation of academic periods (docs/periods.md "Start-up"), end to end: the real
 * runtime on a simulated clock and a file database, restarted. With no active period the one
 * covering today becomes active; a period an admin activated stays active across a restart.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedClock } from 'xstate';
import { embeddedTarget, startHarness, tempDir, type Harness } from '../testing/helpers.ts';

const tmp = tempDir('infoscreen-e2e-periods-');
const clock = () => {
  const c = new SimulatedClock();
  c.set(Date.parse('2026-03-02T10:00:00Z'));
  return c;
};
let h: Harness | null = null;
const start = async () => (h = await startHarness(tmp.dir, embeddedTarget(), {}, { clock: clock() }));
const stop = async () => {
  await h?.close();
  h = null;
};
test.after(async () => {
  await stop();
  tmp.remove();
});

test('no active period: the one covering today is activated at start-up; an active one stays', async () => {
  let rt = await start();
  assert.is((await rt.get('/api/academic_periods/active')).status, 404);
  const now = await rt.send('POST', '/api/academic_periods', { name: 'Schuljahr 2025/26', startDate: '2025-09-01', endDate: '2026-07-03', periodType: 'schuljahr' });
  const later = await rt.send('POST', '/api/academic_periods', { name: 'Schuljahr 2026/27', startDate: '2026-09-07', endDate: '2027-07-02', periodType: 'schuljahr' });
  assert.equal([now.status, later.status], [201, 201]);
  assert.is((await rt.get('/api/academic_periods/active')).status, 404, 'creating activates nothing');
  await stop();

  rt = await start();
  const active = await rt.get('/api/academic_periods/active');
  assert.equal([active.status, active.body.id], [200, now.body.id]);
  assert.is((await rt.send('POST', `/api/academic_periods/${later.body.id}/activate`)).status, 200);
  await stop();

  rt = await start();
  assert.is((await rt.get('/api/academic_periods/active')).body.id, later.body.id, "an admin's choice outlives a restart");
  const list = (await rt.get('/api/academic_periods')).body;
  assert.equal(list.filter((p: { isActive: boolean }) => p.isActive).length, 1);
});

test.run();
