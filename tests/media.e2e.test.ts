/**
 * The media library over a real HTTP server (docs/media.md): a real video made by ffmpeg, uploaded
 * by fetch, probed by the real ffprobe, then streamed with byte ranges (seeking) over a signed URL
 * without a session; and a real full disk (a small tmpfs) during an upload. Skipped, never passed,
 * without ffmpeg, or (the disk test) where tmpfs cannot be mounted.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { serve, type ServerType } from '@hono/node-server';
import { makeVideo, mediaKit, multipart, toolTests, type MediaKit } from '../testing/media-kit.ts';
import { urlWindow } from '../services/media/signing.ts';

const ffTest = toolTests(test, ['ffmpeg', 'ffprobe'], 'tests/media.e2e (video)');

async function listen(k: MediaKit): Promise<{ base: string; server: ServerType }> {
  return new Promise((resolve) => {
    const server = serve({ fetch: k.mediaApp.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) =>
      resolve({ base: `http://127.0.0.1:${info.port}`, server }),
    );
  });
}

ffTest('a real video: upload over HTTP, ffprobe metadata, ranges over a signed URL without a session', async () => {
  const k = await mediaKit();
  const { base, server } = await listen(k);
  try {
    const cookie = await k.login('editor');
    const path = makeVideo(k.dir, 'clip.mp4', 2);
    const data = new Uint8Array(readFileSync(path));
    const res = await fetch(`${base}/api/eventmedia`, { ...multipart({ name: 'clip.mp4', bytes: data, type: 'video/mp4' }, { folder: 'videos' }, cookie), headers: { cookie, origin: base } });
    assert.is(res.status, 201);
    const item = await res.json();
    assert.is(item.width, 64);
    assert.is(item.height, 48);
    assert.ok(Math.abs(item.duration - 2) < 0.2, `duration ${item.duration}`);
    assert.ok(item.bitrate > 0);
    assert.is(item.metadataError, null);
    const w = urlWindow(Date.now(), 3600);
    k.clock.t = Date.now();
    const url = `${base}${item.streamUrl}?${await k.signer.query(item.id, w.expires)}`;
    const head = await fetch(url, { method: 'HEAD' });
    assert.is(head.status, 200);
    assert.is(head.headers.get('content-length'), String(data.length));
    assert.is(head.headers.get('accept-ranges'), 'bytes');
    // Seeking: the last kilobyte, then a slice from the middle.
    const tail = await fetch(url, { headers: { range: 'bytes=-1024' } });
    assert.is(tail.status, 206);
    assert.equal(new Uint8Array(await tail.arrayBuffer()), data.slice(data.length - 1024));
    const mid = await fetch(url, { headers: { range: 'bytes=100-1099' } });
    assert.is(mid.headers.get('content-range'), `bytes 100-1099/${data.length}`);
    assert.equal(new Uint8Array(await mid.arrayBuffer()), data.slice(100, 1100));
    assert.is((await fetch(url, { headers: { range: `bytes=${data.length}-` } })).status, 416);
    assert.is((await fetch(`${base}${item.streamUrl}`)).status, 401);
  } finally {
    server.close();
    await k.done();
  }
});

/** A 256 KiB tmpfs (root only); null where mounting is not allowed. */
function smallDisk(dir: string): string | null {
  const at = join(dir, 'small-disk');
  mkdirSync(at, { recursive: true });
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', at], { stdio: 'ignore' });
    return at;
  } catch {
    return null;
  }
}

const probeDir = join(process.env.TMPDIR ?? '/tmp', `media-disk-probe-${process.pid}`);
const disk = smallDisk(probeDir);
if (disk) execFileSync('umount', [disk]);
rmSync(probeDir, { recursive: true, force: true });
const diskTest = disk ? test : (console.log('NOTICE: tmpfs cannot be mounted here (not root): the full-disk test skipped'), test.skip);

diskTest('the disk fills during an upload → 507 with a clear error, no partial file, the server goes on', async () => {
  const probe = await mediaKit();
  const root = smallDisk(probe.dir)!;
  await probe.done().catch(() => {});
  const k = await mediaKit({ root: join(root, 'media'), maxBytes: 8 * 1024 * 1024 });
  try {
    const cookie = await k.login('editor');
    const big = Uint8Array.from({ length: 1024 * 1024 }, (_, i) => i & 0xff);
    const res = await k.mediaApp.request('/api/eventmedia', multipart({ name: 'big.mp4', bytes: big }, {}, cookie));
    assert.is(res.status, 507);
    assert.match((await res.json()).error, /disk is full/);
    assert.equal(k.tempFiles(), []);
    assert.equal(k.objectFiles(), []);
    const small = await k.mediaApp.request('/api/eventmedia', multipart({ name: 'small.pdf', bytes: '%PDF-1.4\n' }, {}, cookie));
    assert.is(small.status, 201);
  } finally {
    await k.done();
    execFileSync('umount', [root]);
  }
});

test.run();
