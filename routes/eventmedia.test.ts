import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readFileSync } from 'node:fs';
import { insertGroupStatement } from '../db/groups.ts';
import { insertEventStatement } from '../db/events.ts';
import { mediaKit, multipart, type MediaKit } from '../testing/media-kit.ts';
import { urlWindow } from '../services/media/signing.ts';

let k: MediaKit;
let cookie: string;
test.before.each(async () => {
  k = await mediaKit({ maxBytes: 64 * 1024, allowed: ['mp4', 'pdf', 'pptx', 'odp', 'fodp'] });
  cookie = await k.login('editor');
});
test.after.each(async () => k.done());

const bytes = (n: number, seed = 7) => Uint8Array.from({ length: n }, (_, i) => (i * 31 + seed) & 0xff);
const upload = (name: string, data: Uint8Array | string, fields: Record<string, string> = {}, c = cookie) => k.mediaApp.request('/api/eventmedia', multipart({ name, bytes: data }, fields, c));

test('upload → 201 with id and SHA-256; the same content again is the same item (200), one file on disk', async () => {
  const data = bytes(10_000);
  const res = await upload('intro.mp4', data, { folder: 'school/2026' });
  assert.is(res.status, 201);
  const item = await res.json();
  assert.type(item.id, 'number');
  assert.is(item.name, 'intro.mp4');
  assert.is(item.folder, 'school/2026');
  assert.is(item.size, 10_000);
  assert.is(item.mimeType, 'video/mp4');
  const digest = Buffer.from(await crypto.subtle.digest('SHA-256', data)).toString('hex');
  assert.is(item.fileHash, digest);
  const again = await upload('copy.mp4', data);
  assert.is(again.status, 200);
  assert.is((await again.json()).id, item.id);
  assert.is(k.objectFiles().length, 1);
  assert.equal(k.tempFiles(), []);
  const list = await (await k.mediaApp.request('/api/eventmedia', { headers: { cookie } })).json();
  assert.equal(list.map((i: { id: number }) => i.id), [item.id]);
});

test('two uploads of the same file at once → one item', async () => {
  const data = bytes(30_000, 3);
  const [a, b] = await Promise.all([upload('a.mp4', data), upload('b.mp4', data)]);
  const ids = [(await a.json()).id, (await b.json()).id];
  assert.is(ids[0], ids[1]);
  assert.equal([a.status, b.status].sort(), [200, 201]);
  assert.is(k.objectFiles().length, 1);
  assert.equal(k.tempFiles(), []);
});

test('over the size limit → 413 and no file left; a type not allowed → 415; bad names → 400', async () => {
  const big = await upload('big.mp4', bytes(64 * 1024 + 1));
  assert.is(big.status, 413);
  assert.match((await big.json()).error, /limit/);
  assert.equal(k.tempFiles(), []);
  assert.equal(k.objectFiles(), []);
  const exe = await upload('tool.exe', bytes(10));
  assert.is(exe.status, 415);
  assert.match((await exe.json()).error, /\.exe is not an allowed type/);
  for (const name of ['../etc.mp4', 'a/b.mp4', 'bell\u0007.mp4', '..mp4']) {
    const res = await upload(name, bytes(10));
    assert.is(res.status, 400, name);
  }
  const folder = await upload('ok.mp4', bytes(10), { folder: '../up' });
  assert.is(folder.status, 400);
  assert.equal(k.tempFiles(), []);
  assert.equal(k.objectFiles(), []);
  const none = await k.mediaApp.request('/api/eventmedia', multipart(null, { folder: 'x' }, cookie));
  assert.is(none.status, 400);
});

test('users below editor and anonymous callers get nothing', async () => {
  assert.is((await upload('a.mp4', bytes(10), {}, await k.login('user'))).status, 403);
  assert.is((await k.mediaApp.request('/api/eventmedia')).status, 401);
});

test('rename, move, folders; delete refused while an event uses the item, naming it', async () => {
  const item = await (await upload('clip.mp4', bytes(2000))).json();
  const pdf = await (await upload('slides.pdf', '%PDF-1.4\n1 0 obj <</Type /Pages /Kids [] /Count 3>> endobj\n')).json();
  assert.is(pdf.pageCount, 3);
  const json = (method: string, body: unknown) => ({ method, headers: { cookie, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  let res = await k.mediaApp.request(`/api/eventmedia/${item.id}`, json('PATCH', { name: 'news.mp4', folder: 'aula' }));
  assert.is(res.status, 200);
  assert.is((await res.json()).folder, 'aula');
  res = await k.mediaApp.request(`/api/eventmedia/${item.id}`, json('PATCH', { name: 'news.mov' }));
  assert.is(res.status, 400);
  res = await k.mediaApp.request(`/api/eventmedia/${item.id}`, json('PATCH', { name: '../x.mp4' }));
  assert.is(res.status, 400);
  assert.is((await k.mediaApp.request('/api/eventmedia/folders', json('POST', { path: 'empty/one' }))).status, 201);
  const top = await (await k.mediaApp.request('/api/eventmedia/folders', { headers: { cookie } })).json();
  assert.equal(top.folders, ['aula', 'empty']);
  assert.is((await k.mediaApp.request('/api/eventmedia/folders?path=aula', { method: 'DELETE', headers: { cookie, origin: 'http://localhost' } })).status, 409);
  assert.is((await k.mediaApp.request('/api/eventmedia/folders?path=empty/one', { method: 'DELETE', headers: { cookie, origin: 'http://localhost' } })).status, 204);
  // An event uses the video: the delete is refused and names it.
  const at = k.clock.t;
  k.writer.enqueue(insertGroupStatement(1, { name: 'Aula', description: null, displayOrder: 0 }, at));
  k.writer.enqueue(insertEventStatement(7, { groupId: 1, title: 'Morning news', description: null, eventType: 'video', start: at, end: at + 3600_000, timezone: 'UTC', recurrenceRule: null, skipHolidays: false, isActive: true, fields: { video: { url: '', eventMediaId: item.id, autoplay: true, loop: true, volume: 0.5, muted: false } } }, at));
  await k.writer.write(insertEventStatement(8, { groupId: 1, title: 'Slides', description: null, eventType: 'presentation', start: at, end: at + 3600_000, timezone: 'UTC', recurrenceRule: null, skipHolidays: false, isActive: true, fields: { presentation: { files: [], eventMediaIds: [pdf.id], slideInterval: 10, pageProgress: true, autoProgress: true } } }, at));
  res = await k.mediaApp.request(`/api/eventmedia/${item.id}`, { method: 'DELETE', headers: { cookie, origin: 'http://localhost' } });
  assert.is(res.status, 409);
  const body = await res.json();
  assert.match(body.error, /Morning news \(#7\)/);
  assert.equal(body.events, [{ id: 7, title: 'Morning news', groupId: 1 }]);
  assert.is((await k.mediaApp.request(`/api/eventmedia/${pdf.id}`, { method: 'DELETE', headers: { cookie, origin: 'http://localhost' } })).status, 409);
  // Free again: gone, with its file.
  await k.db.execute('DELETE FROM events WHERE id = 7');
  assert.is((await k.mediaApp.request(`/api/eventmedia/${item.id}`, { method: 'DELETE', headers: { cookie, origin: 'http://localhost' } })).status, 204);
  assert.is((await k.mediaApp.request(`/api/eventmedia/${item.id}`, { headers: { cookie } })).status, 404);
  assert.is(k.objectFiles().length, 1); // the PDF's
});

test('stream: whole file, ranges (206), open-ended and suffix ranges; malformed or past the end → 416', async () => {
  const data = bytes(5000);
  const item = await (await upload('clip.mp4', data)).json();
  const get = (range?: string) => k.mediaApp.request(item.streamUrl, { headers: { cookie, ...(range ? { range } : {}) } });
  let res = await get();
  assert.is(res.status, 200);
  assert.is(res.headers.get('accept-ranges'), 'bytes');
  assert.equal(new Uint8Array(await res.arrayBuffer()), data);
  res = await get('bytes=100-199');
  assert.is(res.status, 206);
  assert.is(res.headers.get('content-range'), 'bytes 100-199/5000');
  assert.equal(new Uint8Array(await res.arrayBuffer()), data.slice(100, 200));
  res = await get('bytes=4990-');
  assert.equal(new Uint8Array(await res.arrayBuffer()), data.slice(4990));
  res = await get('bytes=-10');
  assert.is(res.headers.get('content-range'), 'bytes 4990-4999/5000');
  await res.body?.cancel();
  res = await get('bytes=4000-9999'); // an end past the file is cut to it
  assert.is(res.headers.get('content-range'), 'bytes 4000-4999/5000');
  await res.body?.cancel();
  for (const bad of ['bytes=5000-', 'bytes=abc', 'bytes=10-5', 'items=0-1', 'bytes=0-1,5-6', 'bytes=-0']) {
    res = await get(bad);
    assert.is(res.status, 416, bad);
    assert.is(res.headers.get('content-range'), 'bytes */5000');
  }
});

test('stream without a session: a signed URL opens it (with ranges) until it expires; tampered or expired → 403, none → 401', async () => {
  const data = bytes(3000);
  const item = await (await upload('clip.mp4', data)).json();
  const w = urlWindow(k.clock.t, 3600);
  const signed = `${item.streamUrl}?${await k.signer.query(item.id, w.expires)}`;
  let res = await k.mediaApp.request(signed, { headers: { range: 'bytes=0-9' } });
  assert.is(res.status, 206);
  assert.equal(new Uint8Array(await res.arrayBuffer()), data.slice(0, 10));
  assert.is((await k.mediaApp.request(item.streamUrl)).status, 401);
  assert.is((await k.mediaApp.request(signed.replace(/sig=./, 'sig=0'))).status, 403);
  assert.is((await k.mediaApp.request(signed.replace(/expires=\d+/, `expires=${w.expires + 3600}`))).status, 403);
  // Another item's signature does not open this one.
  const other = await (await upload('other.mp4', bytes(100, 9))).json();
  assert.is((await k.mediaApp.request(`${other.streamUrl}?${signed.split('?')[1]}`)).status, 403);
  k.clock.t = w.expires * 1000 - 1;
  res = await k.mediaApp.request(signed);
  assert.is(res.status, 200); // still valid up to its expiry
  await res.body?.cancel();
  k.clock.t = w.expires * 1000;
  assert.is((await k.mediaApp.request(signed)).status, 403);
});

test('a PDF upload reads its page count; the upload streams a body larger than the 1 MiB JSON limit', async () => {
  const k2 = await mediaKit({ maxBytes: 8 * 1024 * 1024 });
  try {
    const c2 = await k2.login('editor');
    const big = bytes(3 * 1024 * 1024, 5);
    const res = await k2.mediaApp.request('/api/eventmedia', multipart({ name: 'long.webm', bytes: big }, {}, c2));
    assert.is(res.status, 201);
    const item = await res.json();
    assert.is(item.size, big.length);
    const stored = readFileSync(k2.files.absolute((await k2.service.get(item.id)).storagePath));
    assert.ok(Buffer.compare(stored, Buffer.from(big)) === 0);
  } finally {
    await k2.done();
  }
});

test('events choose library items: a video item for a video, PDFs or presentations for a presentation; anything else → 400', async () => {
  const video = await (await upload('clip.mp4', bytes(100))).json();
  const pdf = await (await upload('deck.pdf', '%PDF-1.4\n')).json();
  const at = k.clock.t;
  await k.writer.write(insertGroupStatement(1, { name: 'Aula', description: null, displayOrder: 0 }, at));
  const admin = await k.login('admin');
  const post = (body: unknown) => k.mediaApp.request('/api/events', { method: 'POST', headers: { cookie: admin, 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const base = { groupId: 1, title: 'News', start: '2026-03-02T10:00:00Z', end: '2026-03-02T11:00:00Z' };
  let res = await post({ ...base, eventType: 'video', video: { eventMediaId: video.id, loop: false } });
  assert.is(res.status, 201);
  const ev = await res.json();
  assert.is(ev.video.eventMediaId, video.id);
  assert.is(ev.video.loop, false);
  res = await post({ ...base, eventType: 'video', video: { eventMediaId: pdf.id } });
  assert.is(res.status, 400);
  assert.match((await res.json()).error, /not a video/);
  res = await post({ ...base, eventType: 'presentation', presentation: { eventMediaIds: [pdf.id] } });
  assert.is(res.status, 201);
  res = await post({ ...base, eventType: 'presentation', presentation: { eventMediaIds: [video.id] } });
  assert.is(res.status, 400);
  res = await post({ ...base, eventType: 'video', video: {} });
  assert.is(res.status, 400);
});

test.run();
