import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mediaKit, multipart, type MediaKit } from '../../testing/media-kit.ts';

let k: MediaKit;
let cookie: string;
test.before.each(async () => {
  k = await mediaKit({ maxBytes: 4096, allowed: ['mp4', 'pdf', 'odp'] });
  cookie = await k.login('editor');
});
test.after.each(async () => k.done());

const html = async (path: string, lang = 'en') => (await k.mediaApp.request(path, { headers: { cookie, 'accept-language': lang } })).text();
const post = (path: string, fields: Record<string, string>) =>
  k.mediaApp.request(path, { method: 'POST', headers: { cookie, origin: 'http://localhost', 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(fields).toString() });

test('the page uploads into a folder, lists with metadata, renames, refuses in the reader language, deletes', async () => {
  let res = await post('/media/folders', { parent: '', name: 'aula' });
  assert.is(res.status, 303);
  res = await k.mediaApp.request('/media/upload?folder=aula', multipart({ name: 'doc.pdf', bytes: '%PDF-1.4\n<</Type /Pages /Count 2>>\n' }, { folder: 'aula' }, cookie));
  assert.is(res.status, 303);
  assert.is(res.headers.get('location'), '/media?folder=aula&done=uploaded');
  let page = await html('/media?folder=aula&done=uploaded');
  assert.match(page, /The file was uploaded\./);
  assert.match(page, /doc\.pdf/);
  assert.match(page, /2 pages/);
  // Too large and wrong type: the page says why, in German for a German reader.
  res = await k.mediaApp.request('/media/upload', { ...multipart({ name: 'big.mp4', bytes: new Uint8Array(5000) }, {}, cookie), headers: { cookie, origin: 'http://localhost', 'accept-language': 'de' } });
  assert.is(res.status, 413);
  assert.match(await res.text(), /größer als die Grenze von 0 MiB/);
  res = await k.mediaApp.request('/media/upload', multipart({ name: 'x.exe', bytes: 'MZ' }, {}, cookie));
  assert.is(res.status, 415);
  assert.match(await res.text(), /This file type is not allowed\. Allowed: mp4, odp, pdf\./);
  const id = (await k.service.all())[0].id;
  res = await post(`/media/${id}/update`, { current: 'aula', name: 'plan.pdf', folder: '' });
  assert.is(res.status, 303);
  page = await html('/media');
  assert.match(page, /plan\.pdf/);
  res = await post(`/media/${id}/update`, { current: '', name: '../plan.pdf', folder: '' });
  assert.is(res.status, 400);
  res = await post(`/media/${id}/delete`, { current: '' });
  assert.is(res.status, 303);
  assert.equal(await k.service.all(), []);
  page = await html('/media/conversions', 'de');
  assert.match(page, /Noch keine Umwandlungen/);
});

test.run();
