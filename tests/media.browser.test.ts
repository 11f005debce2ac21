/**
 * The media library in a real browser (headless Chromium, the real runtime behind a real HTTP
 * server, MEDIA_MAX_UPLOAD_MB=1): a PDF chosen in the file input of /media is listed with its type,
 * size and pages; a file over the limit answers the 413 sentence in the page's language (English
 * while streaming past the limit, German when the declared length is refused up front). Then a
 * presentation event picks that PDF (and a period) in the event form of /schedule and is listed.
 */
import { test as uvuTest } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { BrowserKit, browserTests, DESKTOP, shot } from '../testing/browser-kit.ts';

const test = browserTests(uvuTest);
const kit = new BrowserKit({ name: 'media browser test', prefix: 'infoscreen-browser-media-', env: { MEDIA_MAX_UPLOAD_MB: '1' }, locale: 'en-GB' });
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <</Type /Pages /Count 3>> endobj\n%%EOF\n');
const MiB = 1024 * 1024;
let page: Page;

test.before(async () => {
  if (!(await kit.start())) return;
  page = await kit.newPage();
  await kit.login(page, '/media');
});
test.after(async () => {
  await kit.close();
});

/** Chooses a file in the upload form and submits it; resolves once the answer page has loaded. */
async function upload(p: Page, name: string, mimeType: string, buffer: Buffer): Promise<void> {
  await p.setInputFiles('#media-file', { name, mimeType, buffer });
  await Promise.all([p.waitForEvent('load'), p.click('#media-upload button[type=submit]')]);
}

test('upload on /media: the PDF is listed with its type, size and pages; too large says so (English)', async () => {
  await upload(page, 'plan.pdf', 'application/pdf', PDF);
  assert.match(page.url(), /\/media\?done=uploaded$/);
  assert.is(await page.textContent('.notice'), 'The file was uploaded.');
  const row = page.locator('.media-table tr', { has: page.locator('a', { hasText: 'plan.pdf' }) });
  assert.equal((await row.locator('td').allTextContents()).slice(0, 3).map((s) => s.trim()), ['plan.pdf', 'PDF', `${PDF.length} B`]);
  assert.match((await row.locator('td').nth(3).textContent()) ?? '', /3 pages/);
  // Just past the limit (within the up-front allowance): refused while streaming, nothing stored.
  await upload(page, 'long.mp4', 'video/mp4', Buffer.alloc(MiB + 10 * 1024, 1));
  assert.is(await page.textContent('#media-error'), 'The file is larger than the limit of 1 MiB.');
  assert.is(await page.locator('.media-table a', { hasText: 'long.mp4' }).count(), 0);
  await shot(page, 'media-upload-desktop');
  assert.equal(kit.problems, []);
});

test('too large in German: the declared length is refused up front, in the page language', async () => {
  const de = kit.watch(await kit.browser.newPage({ viewport: DESKTOP, locale: 'de-AT' }));
  await kit.login(de, '/media');
  await upload(de, 'lang.mp4', 'video/mp4', Buffer.alloc(2 * MiB, 1));
  assert.is(await de.textContent('#media-error'), 'Die Datei ist größer als die Grenze von 1 MiB.');
  assert.is(await de.locator('.media-table a', { hasText: 'plan.pdf' }).count(), 1, 'the page still lists the library');
  await de.close();
  assert.equal(kit.problems, []);
});

test('a presentation event picks the uploaded PDF on /schedule and is listed', async () => {
  const group = (await kit.h.send('POST', '/api/groups', { name: 'Aula' })).body.id;
  const today = new Date().toISOString().slice(0, 10);
  const year = new Date().getUTCFullYear();
  const period = (await kit.h.send('POST', '/api/academic_periods', { name: 'This year', startDate: `${year}-01-01`, endDate: `${year}-12-31`, periodType: 'schuljahr' })).body.id;
  await page.goto(`${kit.base}/schedule?group=${group}`);
  await Promise.all([page.waitForURL(/\/schedule\/events\/new/), page.click('a:text("New event")')]);
  assert.is(await page.inputValue('#ev-period'), '', 'no period preselected');
  await page.fill('#ev-title', 'Timetable slides');
  await page.fill('#ev-date', today);
  await page.selectOption('#ev-type', 'presentation');
  // Alpine shows the presentation fields (the picker among them) once the type says so.
  await page.waitForSelector('#ev-documents', { state: 'visible' });
  assert.not.ok(await page.isVisible('#ev-url'), 'no address for a presentation');
  assert.equal(await page.locator('#ev-documents optgroup').evaluateAll((gs) => gs.map((g) => g.getAttribute('label'))), ['Top level']);
  await page.selectOption('#ev-documents', { label: 'plan.pdf' });
  await page.selectOption('#ev-period', String(period));
  await shot(page, 'event-form-library-desktop');
  await Promise.all([page.waitForURL(/\/schedule\?group=\d+&view=week&date=.*done=created/), page.click('button:text("Create event")')]);
  assert.match((await page.textContent('#schedule-body .notice')) ?? '', /Event created/);
  assert.match((await page.locator('.agenda-item').allTextContents()).join(' | '), /Timetable slides/);
  const events = (await kit.h.get(`/api/events?group_id=${group}`)).body as Array<{ presentation: { files: string[]; eventMediaIds: number[] }; academicPeriodId: number }>;
  const pdf = ((await kit.h.get('/api/eventmedia')).body as Array<{ id: number; name: string }>).find((m) => m.name === 'plan.pdf')!;
  assert.is(events.length, 1);
  assert.equal(events[0].presentation.eventMediaIds, [pdf.id]);
  assert.equal(events[0].presentation.files, []);
  assert.is(events[0].academicPeriodId, period);
  assert.equal(kit.problems, []);
});

test.run();
