import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { getMediaByHash, insertMediaStatement, type MediaDraft } from '../../../db/media.ts';
import { fixture, json, type Fixture } from '../../../testing/route-fixture.ts';

// The event form's library pickers and period select (docs/schedule-pages.md "Library items and periods").
let f: Fixture;
let editor: string;
let admin: string;
let group = 0;
const ids = { video: 0, pdf: 0, deck: 0, image: 0, active: 0, other: 0 };

const form = (path: string, body: Record<string, string | string[]>, cookie: string, lang = 'en') => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(body)) for (const one of Array.isArray(v) ? v : [v]) p.append(k, one);
  return f.app.request(path, {
    method: 'POST', body: p.toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost', cookie, 'accept-language': lang },
  });
};
const page = async (path: string, lang = 'en') => (await f.app.request(path, { headers: { cookie: editor, 'accept-language': lang } })).text();
const event = async (id: number) => (await f.app.request(`/api/events/${id}`, { headers: { cookie: editor } })).json();
const base = (over: Record<string, string | string[]>) => ({
  groupId: String(group), title: 'Library', date: '2026-03-16', startTime: '08:00', endTime: '09:00', timezone: 'Europe/Vienna', active: 'on', freq: 'none', ...over,
});
/** The id of the newest event of the group (the form answers with a redirect, not the id). */
const newest = async () => {
  const list = await (await f.app.request(`/api/events?group_id=${group}`, { headers: { cookie: editor } })).json();
  return Math.max(...list.map((e: { id: number }) => e.id));
};

async function item(name: string, folder: string, mediaType: MediaDraft['mediaType'], mimeType: string): Promise<number> {
  const fileHash = name.padEnd(64, '0');
  await f.writer.write(insertMediaStatement({ name, folder, mediaType, mimeType, size: 100, fileHash, storagePath: `objects/${fileHash}`, uploadedBy: null }, 0));
  return (await getMediaByHash(f.db, fileHash))!.id;
}

test.before(async () => {
  f = await fixture();
  [editor, admin] = await Promise.all([f.login('editor'), f.login('admin')]);
  group = (await (await f.app.request('/api/groups', json('POST', { name: 'Aula' }, admin))).json()).id;
  ids.video = await item('news.mp4', 'aula', 'video', 'video/mp4');
  ids.pdf = await item('plan.pdf', '', 'pdf', 'application/pdf');
  ids.deck = await item('deck.odp', 'aula', 'presentation', 'application/vnd.oasis.opendocument.presentation');
  ids.image = await item('logo.png', '', 'image', 'image/png');
  const period = async (name: string, startDate: string, endDate: string) =>
    (await (await f.app.request('/api/academic_periods', json('POST', { name, startDate, endDate, periodType: 'semester' }, admin))).json()).id;
  ids.other = await period('Autumn 2025', '2025-09-01', '2026-01-31'); // starts first: listed first unless one is active
  ids.active = await period('Spring 2026', '2026-02-01', '2026-06-30');
  assert.is((await f.app.request(`/api/academic_periods/${ids.active}/activate`, json('POST', {}, admin))).status, 200);
});
test.after(async () => {
  await f.close();
});

test('the new event form offers library items of the right type by folder, and the periods with the active one first, none chosen', async () => {
  const html = await page(`/schedule/events/new?group=${group}&date=2026-03-16`);
  const video = html.match(/<select id="ev-video"[\s\S]*?<\/select>/)![0];
  assert.match(video, /<option value="" selected>None: play the address above<\/option><optgroup label="aula"><option value="\d+">news\.mp4<\/option><\/optgroup>/);
  const docs = html.match(/<select id="ev-documents"[^>]*multiple[\s\S]*?<\/select>/)![0];
  assert.match(docs, new RegExp(`<optgroup label="Top level"><option value="${ids.pdf}">plan\\.pdf</option></optgroup><optgroup label="aula"><option value="${ids.deck}">deck\\.odp \\(presentation, shown once converted to PDF\\)</option></optgroup>`));
  assert.not.match(html, /logo\.png/, 'an image is neither a video nor a document');
  const periods = html.match(/<select id="ev-period"[\s\S]*?<\/select>/)![0];
  const order = [...periods.matchAll(/<option value="(\d*)"( selected)?>([^<]*)</g)].map((m) => [m[1], !!m[2], m[3]]);
  assert.equal(order, [
    ['', true, 'None'],
    [String(ids.active), false, 'Spring 2026 (01/02/2026 – 30/06/2026) (active)'],
    [String(ids.other), false, 'Autumn 2025 (01/09/2025 – 31/01/2026)'],
  ]);
  const de = await page(`/schedule/events/new?group=${group}&date=2026-03-16`, 'de');
  assert.match(de, /Video aus der Medienbibliothek/);
  assert.match(de, /<optgroup label="Oberste Ebene">/);
  assert.match(de, /Spring 2026 \(01\.02\.2026 – 30\.06\.2026\) \(aktiv\)/);
});

test('a video event with a library video keeps autoplay, loop, volume, muted and links the period', async () => {
  const res = await form('/schedule/events', base({ eventType: 'video', videoMediaId: String(ids.video), autoplay: 'yes', loop: 'no', volume: '80', muted: 'no', academicPeriodId: String(ids.active) }), editor);
  assert.is(res.status, 303, await res.clone().text());
  const ev = await event(await newest());
  assert.equal(ev.video, { url: '', eventMediaId: ids.video, autoplay: true, loop: false, volume: 0.8, muted: false });
  assert.is(ev.academicPeriodId, ids.active);
  const edit = await page(`/schedule/events/${ev.id}`);
  assert.match(edit, new RegExp(`<option value="${ids.video}" selected>news\\.mp4`));
  assert.match(edit, new RegExp(`<option value="${ids.active}" selected>Spring 2026`));
  // Saved with "None": the link goes, as the select shows.
  const saved = await form(`/schedule/events/${ev.id}`, base({ eventType: 'video', videoMediaId: String(ids.video), academicPeriodId: '' }), editor);
  assert.is(saved.status, 303);
  assert.is((await event(ev.id)).academicPeriodId, null);
});

test('a presentation event with library PDFs and presentations besides URLs', async () => {
  const res = await form('/schedule/events', base({ eventType: 'presentation', files: 'https://example.org/a.pdf', presentationMediaIds: [String(ids.pdf), String(ids.deck)], academicPeriodId: String(ids.other) }), editor);
  assert.is(res.status, 303, await res.clone().text());
  const ev = await event(await newest());
  assert.equal(ev.presentation.files, ['https://example.org/a.pdf']);
  assert.equal(ev.presentation.eventMediaIds, [ids.pdf, ids.deck]);
  assert.is(ev.academicPeriodId, ids.other);
  const edit = await page(`/schedule/events/${ev.id}`);
  assert.match(edit, new RegExp(`<option value="${ids.pdf}" selected>plan\\.pdf`));
  assert.match(edit, new RegExp(`<option value="${ids.deck}" selected>deck\\.odp`));
  // Library items alone are enough.
  const only = await form('/schedule/events', base({ eventType: 'presentation', presentationMediaIds: String(ids.pdf) }), editor);
  assert.is(only.status, 303);
  assert.equal((await event(await newest())).presentation.files, []);
});

test('refusals name the field in the reader language: both sources, none, the wrong type, a bad period', async () => {
  let res = await form('/schedule/events', base({ eventType: 'video', videoMediaId: String(ids.video), url: 'https://example.org/v.mp4' }), editor);
  assert.is(res.status, 400);
  assert.match(await res.text(), /Either a library video or an address, not both\./);
  res = await form('/schedule/events', base({ eventType: 'video' }), editor, 'de');
  assert.is(res.status, 400);
  assert.match(await res.text(), /Bitte eine Adresse angeben oder ein Video der Medienbibliothek wählen\./);
  res = await form('/schedule/events', base({ eventType: 'presentation' }), editor);
  assert.match(await res.text(), /Give at least one URL or choose a file of the media library\./);
  // Past the form: the scheduler's own check (a PDF is no video), named on the picker.
  res = await form('/schedule/events', base({ eventType: 'video', videoMediaId: String(ids.pdf) }), editor, 'de');
  assert.is(res.status, 400);
  const html = await res.text();
  assert.match(html, new RegExp(`Video aus der Medienbibliothek: Medium ${ids.pdf} ist kein Video der Mediathek`));
  assert.match(html, /<select id="ev-video" name="videoMediaId" aria-invalid="true"/);
  res = await form('/schedule/events', base({ eventType: 'message', text: 'Hi', academicPeriodId: '999' }), editor);
  assert.is(res.status, 400);
  assert.match(await res.text(), /Academic period: academic period 999 does not exist/);
});

test('an event of a period archived since keeps its link when the form is saved', async () => {
  const res = await form('/schedule/events', base({ eventType: 'message', text: 'Old', academicPeriodId: String(ids.other) }), editor);
  assert.is(res.status, 303);
  const id = await newest();
  assert.is((await f.app.request(`/api/academic_periods/${ids.other}/archive`, json('POST', {}, admin))).status, 200);
  const edit = await page(`/schedule/events/${id}`);
  assert.match(edit, new RegExp(`<option value="${ids.other}" selected>Autumn 2025 \\(01/09/2025 – 31/01/2026\\) \\(archived\\)`));
  assert.not.match(await page(`/schedule/events/new?group=${group}`), /Autumn 2025/, 'not offered for new events');
  const saved = await form(`/schedule/events/${id}`, base({ eventType: 'message', text: 'Old, edited', academicPeriodId: String(ids.other) }), editor);
  assert.is(saved.status, 303, await saved.clone().text());
  assert.is((await event(id)).academicPeriodId, ids.other);
});

test.run();
