/**
 * The schedule pages in a real browser: headless Chromium (playwright-core with
 * Debian's chromium) against the real runtime behind a real HTTP server. Creates a group, builds a
 * weekly event (Monday + Wednesday) with the recurrence builder (Alpine shows the weekday boxes
 * only for "weekly"), sees the 10-occurrence preview refresh without a reload, saves, and finds
 * the occurrences on the week timeline. At 360×740 /schedule, the event form and /groups never
 * scroll sideways; no CSP violation anywhere. Screenshots go to test-artifacts/.
 */
import { test as uvuTest } from 'uvu';
import * as assert from 'uvu/assert';
import { BrowserKit, browserTests, DESKTOP, PHONE, shot, sidewaysScroll } from '../testing/browser-kit.ts';

const test = browserTests(uvuTest);

const TZ = 'Europe/Vienna';
const TITLE = '<b>Morning</b> news';

const kit = new BrowserKit({ name: 'browser test', prefix: 'infoscreen-schedule-browser-', env: { SCHEDULE_TIMEZONE: TZ }, locale: 'en-GB' });

/** Monday of the current week in the schedule's zone, as YYYY-MM-DD (the server's "this week"). */
function mondayThisWeek(): string {
  const local = new Date(new Date().toLocaleString('en-US', { timeZone: TZ }));
  const d = new Date(Date.UTC(local.getFullYear(), local.getMonth(), local.getDate()));
  d.setUTCDate(d.getUTCDate() - ((d.getUTCDay() + 6) % 7));
  return d.toISOString().slice(0, 10);
}

test.before(async () => {
  await kit.start();
});

test.after(async () => {
  await kit.close();
});

test('create a group, build a weekly event with the preview, see it on the week timeline', async () => {
  const page = await kit.newPage();
  await kit.login(page, '/groups');
  await page.fill('#g-new-name', 'Aula');
  await page.click('.group-new button[type=submit]');
  await page.waitForSelector('.group-card h2:text("Aula")');
  assert.match((await page.textContent('#groups-body .notice')) ?? '', /Group created/);

  await page.click('.group-card a:text("Schedule")');
  await page.waitForURL(/\/schedule\?group=\d+/);
  await Promise.all([page.waitForURL(/\/schedule\/events\/new/), page.click('a:text("New event")')]);
  const monday = mondayThisWeek();
  await page.fill('#ev-title', TITLE);
  await page.fill('#ev-url', 'https://example.org/news');
  await page.fill('#ev-date', monday);
  await page.fill('#ev-start', '08:00');
  await page.fill('#ev-end', '09:00');
  // Alpine: the weekday boxes and the end options only show for a repeating rule.
  assert.not.ok(await page.isVisible('fieldset.weekdays'), 'weekday boxes hidden while "does not repeat"');
  assert.ok(await page.isVisible('#ev-url'), 'URL shown for a website');
  assert.not.ok(await page.isVisible('#ev-text'), 'message text hidden for a website');
  await page.selectOption('#rec-freq', 'weekly');
  await page.waitForSelector('fieldset.weekdays', { state: 'visible' });
  assert.ok(await page.isChecked('input[name=byDay][value="0"]'), 'Monday preselected (the start date)');
  await page.click('fieldset.weekdays label:has(input[value="2"])'); // the chip's label: the box itself is visually hidden
  assert.ok(await page.isChecked('input[name=byDay][value="2"]'));
  // The preview refreshes on change (htmx, no reload): ten occurrences, all 08:00 local.
  await page.evaluate(() => ((window as unknown as { marker: number }).marker = 7));
  await page.waitForFunction(() => document.querySelectorAll('#preview .preview-list li').length === 10, undefined, { timeout: 5000 });
  const items = await page.$$eval('#preview .preview-list li', (lis) => lis.map((li) => li.textContent ?? ''));
  assert.ok(items.every((t) => /08:00 – 09:00/.test(t)), items.join(' | '));
  assert.ok(items.some((t) => /^Mon/.test(t)) && items.some((t) => /^Wed/.test(t)), items.join(' | '));
  await page.click('button:text("Preview")');
  await page.waitForSelector('#preview .preview-list li');
  assert.is(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 7, 'same document: no reload');
  await shot(page, 'event-form-desktop');

  await Promise.all([page.waitForURL(/\/schedule\?group=\d+&view=week&date=.*done=created/), page.click('button:text("Create event")')]);
  assert.match((await page.textContent('#schedule-body .notice')) ?? '', /Event created/);
  const blocks = page.locator('.tl-view-week .tl-occ');
  assert.is(await blocks.count(), 2, 'Monday and Wednesday on the week grid');
  assert.ok(await blocks.first().isVisible());
  assert.match((await blocks.first().textContent()) ?? '', /08:00–09:00\s*<b>Morning<\/b> news/);
  assert.is(await page.locator('.agenda-item').count(), 2);
  await shot(page, 'schedule-week-desktop');
  await page.close();
});

test('phone 360×740: no sideways scroll on /schedule (week and day), the event form and /groups', async () => {
  const page = await kit.newPage(PHONE);
  await kit.login(page, '/schedule');
  const monday = mondayThisWeek();
  for (const [name, path] of [
    ['schedule-week', `/schedule?view=week&date=${monday}`],
    ['schedule-day', `/schedule?view=day&date=${monday}`],
    ['event-form', `/schedule/events/new?date=${monday}`],
    ['groups', '/groups'],
  ] as const) {
    await page.goto(`${kit.base}${path}`);
    assert.ok((await sidewaysScroll(page)) <= 0, `${name} scrolls sideways`);
    await shot(page, `${name}-phone`);
  }
  // The week grid gives way to the agenda on a phone; the day grid stays.
  await page.goto(`${kit.base}/schedule?view=week&date=${monday}`);
  assert.not.ok(await page.isVisible('.tl-view-week'));
  assert.ok(await page.isVisible('.agenda-item'));
  await page.goto(`${kit.base}/schedule?view=day&date=${monday}`);
  assert.ok(await page.isVisible('.tl-view-day .tl-occ'));
  await page.close();
  assert.equal(kit.problems, [], 'no CSP violation, no script error, no injected dialog');
});

test('the date field writes dates day first as the page does (en dd/mm/yyyy, de dd.mm.yyyy) and reads a typed one', async () => {
  for (const [locale, shown, typed, range] of [
    ['en-GB', '23/03/2026', '25/03/2026', /23\/03\/2026 – 29\/03\/2026/],
    ['de-AT', '23.03.2026', '25.03.2026', /23\.03\.2026 – 29\.03\.2026/],
  ] as const) {
    const page = kit.watch(await kit.browser.newPage({ viewport: DESKTOP, locale }));
    await kit.login(page, '/schedule?view=week&date=2026-03-23');
    assert.is(await page.inputValue('.sched-filter input[name=date]'), shown, `${locale}: the field as the page writes dates`);
    await page.fill('.sched-filter input[name=date]', typed);
    await Promise.all([page.waitForURL(/date=/), page.click('.sched-filter button[type=submit]')]);
    assert.match((await page.textContent('#schedule-body')) ?? '', range, `${locale}: the typed date's week`);
    assert.is(await page.inputValue('.sched-filter input[name=date]'), typed);
    await page.close();
  }
  assert.equal(kit.problems, []);
});

test('all groups side by side: a column per group on a desktop, an agenda per group on a phone', async () => {
  const monday = mondayThisWeek();
  const desk = await kit.newPage();
  await kit.login(desk, `/schedule/all?view=day&date=${monday}`);
  assert.ok(await desk.isVisible('.tl.res-day'));
  assert.ok((await desk.locator('.res-day .tl-dayname').allTextContents()).includes('Aula'));
  assert.match((await desk.locator('.res-day .tl-occ').first().textContent()) ?? '', /08:00–09:00\s*<b>Morning<\/b> news/);
  assert.not.ok(await desk.isVisible('.res-agenda'));
  await shot(desk, 'schedule-all-day-desktop');
  await desk.goto(`${kit.base}/schedule/all?view=week&date=${monday}`);
  assert.is(await desk.locator('.res-week .res-occ').count(), 2, 'Monday and Wednesday in the week table');
  await shot(desk, 'schedule-all-week-desktop');
  await desk.close();
  const phone = await kit.newPage(PHONE);
  await kit.login(phone, `/schedule/all?view=week&date=${monday}`);
  assert.ok((await sidewaysScroll(phone)) <= 0, 'all groups (week) scrolls sideways');
  assert.not.ok(await phone.isVisible('.res-week'));
  assert.is(await phone.locator('.res-agenda .agenda-item').count(), 2);
  await phone.goto(`${kit.base}/schedule/all?view=day&date=${monday}`);
  assert.ok((await sidewaysScroll(phone)) <= 0, 'all groups (day) scrolls sideways');
  await shot(phone, 'schedule-all-day-phone');
  await phone.close();
  assert.equal(kit.problems, [], 'no CSP violation, no script error');
});

test.run();
