import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { FODP, mediaKit, multipart, toolTests, type MediaKit } from '../../testing/media-kit.ts';
import { libreOffice, type Converter } from './libreoffice.ts';
import { ConversionQueue } from './queue.ts';
import { getConversionById } from '../../db/conversions.ts';

const sofficeTest = toolTests(test, ['soffice'], 'services/conversion (LibreOffice)');

async function uploadAs(k: MediaKit, name: string, bytes: string | Uint8Array) {
  const res = await k.mediaApp.request('/api/eventmedia', multipart({ name, bytes }, {}, await k.login('editor')));
  return res.json();
}

const api = async (k: MediaKit, method: string, path: string) => {
  const res = await k.mediaApp.request(path, { method, headers: { cookie: await k.login('editor'), origin: 'http://localhost' } });
  return { status: res.status, body: await res.json() };
};

sofficeTest('a real LibreOffice converts a presentation; a corrupt one fails with its reason; asking again converts nothing new', async () => {
  const k = await mediaKit();
  try {
    const item = await uploadAs(k, 'welcome.fodp', FODP);
    const bad = await uploadAs(k, 'broken.pptx', 'this is no presentation');
    let r = await api(k, 'POST', `/api/conversions/${item.id}/pdf`);
    assert.is(r.status, 202);
    assert.ok(['pending', 'processing'].includes(r.body.status));
    await api(k, 'POST', `/api/conversions/${bad.id}/pdf`);
    await k.queue.whenIdle();
    r = await api(k, 'GET', `/api/conversions/${item.id}/status`);
    assert.is(r.body.status, 'ready', r.body.errorMessage);
    const pdf = await k.service.get(r.body.pdfMediaId);
    assert.is(pdf.name, 'welcome.pdf');
    assert.is(pdf.mimeType, 'application/pdf');
    assert.is(pdf.pageCount, 2);
    assert.ok(readFileSync(k.files.absolute(pdf.storagePath)).subarray(0, 5).toString() === '%PDF-');
    // The PDF streams like any item.
    const stream = await k.mediaApp.request(`/api/eventmedia/stream/${pdf.id}/welcome.pdf`, { headers: { cookie: await k.login('editor'), range: 'bytes=0-4' } });
    assert.is(stream.status, 206);
    assert.is(await stream.text(), '%PDF-');
    const failed = await api(k, 'GET', `/api/conversions/${bad.id}/status`);
    assert.is(failed.body.status, 'failed');
    assert.match(failed.body.errorMessage, /could not be loaded/);
    // Same source, same content: nothing new is converted.
    r = await api(k, 'POST', `/api/conversions/${item.id}/pdf`);
    assert.is(r.status, 200);
    assert.is(r.body.status, 'ready');
    assert.is((await k.db.execute('SELECT COUNT(*) AS n FROM conversions')).rows[0].n, 2);
  } finally {
    await k.done();
  }
});

test('a hung converter is killed at the timeout and its job fails with the reason', async () => {
  const k0 = await mediaKit();
  const script = join(k0.dir, 'hang.sh');
  const pidFile = join(k0.dir, 'hang.pid');
  writeFileSync(script, `#!/bin/sh\necho $$ > ${pidFile}\nexec sleep 600\n`, { mode: 0o755 });
  const k = await mediaKit({ convert: libreOffice({ soffice: script, listDir: async () => [] }), timeoutMs: 300 });
  try {
    const item = await uploadAs(k, 'slow.odp', 'PK whatever');
    await k.queue.ensure(await k.service.get(item.id));
    await k.queue.whenIdle();
    const r = await api(k, 'GET', `/api/conversions/${item.id}/status`);
    assert.is(r.body.status, 'failed');
    assert.match(r.body.errorMessage, /did not finish within 0 s and was killed|was killed/);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(!alive(pid), 'the converter process is gone');
  } finally {
    await k.done();
    await k0.done();
  }
});

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('unique per source, format and hash; a job caught in processing by a stop runs again after a restart; only presentations', async () => {
  const seen: string[] = [];
  const fake: Converter = async (input, work) => {
    seen.push(input);
    const out = join(work, 'out.pdf');
    writeFileSync(out, '%PDF-1.4\n<</Type /Pages /Count 1>>\n');
    return { ok: true, pdf: out };
  };
  const k = await mediaKit({ convert: fake });
  try {
    const item = await uploadAs(k, 'deck.pptx', 'PK deck');
    const src = await k.service.get(item.id);
    await k.queue.ensure(src);
    await k.queue.ensure(src);
    assert.is((await k.db.execute('SELECT COUNT(*) AS n FROM conversions')).rows[0].n, 1);
    // Simulate a crash mid-run: the job stays in `processing` and the queue is gone.
    k.queue.stop();
    await k.queue.whenIdle();
    await k.db.execute("UPDATE conversions SET status = 'processing', target_media_id = NULL, target_path = NULL");
    const restarted = new ConversionQueue({ ...k.queue.d });
    await restarted.start();
    await restarted.whenIdle();
    const job = (await getConversionById(k.db, 1))!;
    assert.is(job.status, 'ready');
    assert.ok(existsSync(k.files.absolute(job.targetPath!)));
    assert.ok(seen.every((p) => p.endsWith('.pptx')), 'the converter gets the real extension');
    const pdf = await uploadAs(k, 'plain.pdf', '%PDF-1.4\n');
    assert.is((await api(k, 'POST', `/api/conversions/${pdf.id}/pdf`)).status, 415);
    assert.is((await api(k, 'GET', `/api/conversions/${pdf.id}/status`)).status, 404);
    restarted.stop();
  } finally {
    await k.done();
  }
});

test.run();
