/**
 * Browser test (real Chromium, real runtime): /periods shows each period's badges and, before an
 * action, its exact blockers: the active period's and a semester's archive buttons are disabled
 * and say why (the active period; "3 recurring events still have future occurrences: …"). Then
 * the semester is activated, the old period archived, shown among the archived and deleted. In English.
 */
import { test as uvuTest } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { BrowserKit, browserTests, shot } from '../testing/browser-kit.ts';

const test = browserTests(uvuTest);
const kit = new BrowserKit({ name: 'periods browser test', prefix: 'infoscreen-browser-periods-', locale: 'en-GB' });
let page: Page;
const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
const ids = { year: 0, sem: 0 };

test.before(async () => {
  if (!(await kit.start())) return;
  const send = kit.h.send;
  ids.year = (await send('POST', '/api/academic_periods', { name: 'School year', startDate: day(-100), endDate: day(100), periodType: 'schuljahr' })).body.id;
  ids.sem = (await send('POST', '/api/academic_periods', { name: 'Spring semester', startDate: day(-10), endDate: day(60), periodType: 'semester' })).body.id;
  await send('POST', `/api/academic_periods/${ids.year}/activate`);
  const group = (await send('POST', '/api/groups', { name: 'Hall' })).body.id;
  for (const title of ['Assembly', 'Lunch menu', 'Bus times']) {
    const r = await send('POST', '/api/events', {
      groupId: group, title, eventType: 'message', message: { text: title }, academicPeriodId: ids.sem,
      start: `${day(1)}T07:00:00Z`, end: `${day(1)}T08:00:00Z`, recurrenceRule: 'FREQ=WEEKLY',
    });
    assert.is(r.status, 201);
  }
  page = await kit.newPage();
  await kit.login(page, '/');
});

test.after(async () => {
  await kit.close();
});

const submit = (selector: string) => Promise.all([page.waitForLoadState('load'), page.click(selector)]);

test('the page shows badges and the exact blockers before an action', async () => {
  await page.click('.nav-more > summary');
  await Promise.all([page.waitForURL(/\/periods$/), page.click('.nav a[href="/periods"]')]);
  const year = `#period-${ids.year}`;
  const sem = `#period-${ids.sem}`;
  assert.is(await page.textContent(`${year} [data-badge=active]`), 'Active');
  assert.is(await page.textContent(`${year} [data-badge=type]`), 'School year');
  assert.is(await page.textContent(`${sem} [data-badge=type]`), 'Semester');
  assert.is(await page.locator(`${sem} [data-badge=active]`).count(), 0);
  assert.match(await page.textContent(`${sem}`) ?? '', '3 events · 0 holidays · 0 media');

  assert.ok(await page.isDisabled(`#archive-${ids.year}`));
  assert.is(await page.textContent(`#archive-block-${ids.year}`), 'This is the active period: activate another one first.');
  assert.ok(await page.isDisabled(`#archive-${ids.sem}`));
  const why = (await page.textContent(`#archive-block-${ids.sem}`)) ?? '';
  assert.match(why, /^3 recurring events still have future occurrences: "Assembly" \(next .+\), "Lunch menu" \(next .+\), "Bus times" \(next .+\)$/);
  assert.is(await page.getAttribute(`#archive-${ids.sem}`, 'aria-describedby'), `archive-block-${ids.sem}`);
  assert.ok(await page.isEnabled(`#activate-${ids.sem}`));
  await shot(page, 'periods-blockers');
  assert.equal(kit.problems, []);
});

test('activate the semester, archive the school year, find it among the archived and delete it', async () => {
  await submit(`#activate-${ids.sem}`);
  assert.is(await page.textContent('#periods-notice'), 'Period "Spring semester" is now active.');
  assert.is(await page.textContent(`#period-${ids.sem} [data-badge=active]`), 'Active');
  assert.ok(await page.isEnabled(`#archive-${ids.year}`), 'no longer active, no events: nothing blocks');
  await submit(`#archive-${ids.year}`);
  assert.is(await page.textContent('#periods-notice'), 'Period "School year" archived.');
  assert.is(await page.locator(`#period-${ids.year}`).count(), 0);
  await submit('#periods-archived-toggle');
  assert.is(await page.textContent(`#period-${ids.year} [data-badge=archived]`), 'Archived');
  assert.ok(await page.isEnabled(`#delete-${ids.year}`));
  await submit(`#delete-${ids.year}`);
  assert.is(await page.textContent('#periods-notice'), 'Period "School year" deleted.');
  assert.is(await page.locator(`#period-${ids.year}`).count(), 0);
  assert.equal(kit.problems, []);
});

test.run();
