import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { SimulatedClock } from 'xstate';
import { SchedulerService } from './scheduler.ts';
import { openDatabase, type Db } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { insertGroupStatement } from '../db/groups.ts';
import { insertEventStatement } from '../db/events.ts';
import { insertMediaStatement } from '../db/media.ts';
import { ensureConversionStatement } from '../db/conversions.ts';
import type { EventDraft } from '../lib/schedule/types.ts';
import { setQuiet } from '../lib/logger.ts';
import { MediaDirectory } from '../services/media/directory.ts';
import { UrlSigner } from '../services/media/signing.ts';

setQuiet(true);
const t = (s: string) => Date.parse(s);
const START = t('2026-04-01T05:58:00Z');
const RENEW = 3600;

class Recorder {
  connected = true;
  sent: Array<{ topic: string; payload: string }> = [];
  async publish(topic: string, payload: string | Uint8Array) {
    this.sent.push({ topic, payload: String(payload) });
  }
  lists() {
    return this.sent.splice(0).filter((m) => m.topic === 'infoscreen/events/12').map((m) => JSON.parse(m.payload));
  }
}

const at = (over: Partial<EventDraft>): EventDraft => ({
  groupId: 12, title: 'Morning news', description: null, eventType: 'video', start: t('2026-04-01T06:00:00Z'), end: t('2026-04-01T18:00:00Z'),
  timezone: 'UTC', recurrenceRule: null, skipHolidays: false, isActive: true, fields: {}, ...over,
});

async function setup(): Promise<{ db: Db; clock: SimulatedClock; pub: Recorder; svc: SchedulerService; signer: UrlSigner; directory: MediaDirectory }> {
  const db = await openDatabase('file::memory:');
  await migrate(db);
  const media = (name: string, mediaType: 'video' | 'pdf' | 'presentation', mimeType: string, hash: string, extra = {}) =>
    insertMediaStatement({ name, folder: '', mediaType, mimeType, size: 1234, fileHash: hash, storagePath: `objects/${hash}`, uploadedBy: null, ...extra }, START);
  await db.batch([
    insertGroupStatement(12, { name: 'Aula', description: null, displayOrder: 0 }, START),
    media('news.mp4', 'video', 'video/mp4', 'a'.repeat(64), { duration: 12.5, width: 64, height: 48 }),
    media('deck.pptx', 'presentation', 'application/vnd.openxmlformats-officedocument.presentationml.presentation', 'b'.repeat(64)),
    media('deck.pdf', 'pdf', 'application/pdf', 'c'.repeat(64), { pageCount: 4 }),
    ensureConversionStatement(2, 'pdf', 'b'.repeat(64), START),
    { sql: "UPDATE conversions SET status = 'ready', target_media_id = 3, target_path = 'objects/ccc'", args: [] },
    insertEventStatement(148, at({ fields: { video: { url: '', eventMediaId: 1, autoplay: true, loop: true, volume: 0.8, muted: false } } }), START),
    insertEventStatement(149, at({ title: 'Slides', eventType: 'presentation', fields: { presentation: { files: ['https://cdn.example/x.pdf'], eventMediaIds: [2], slideInterval: 10, pageProgress: true, autoProgress: true } } }), START),
  ], 'write');
  const clock = new SimulatedClock();
  clock.set(START);
  const pub = new Recorder();
  const signer = new UrlSigner(new TextEncoder().encode('k'));
  const directory = new MediaDirectory({ db, signer, baseUrl: 'https://screens.example', renewSeconds: RENEW });
  await directory.reload();
  const svc = new SchedulerService({
    clock, db, publisher: pub, pollSeconds: 30, refreshSeconds: 0, windowDays: 7, media: directory,
    powerIntent: { enabled: false, heartbeat: false, expiryMultiplier: 3, minExpirySeconds: 90 },
  });
  await svc.start();
  await svc.whenIdle();
  return { db, clock, pub, svc, signer, directory };
}

test('library items go out as signed URLs with mime_type, size, accept_ranges, duration; renewed a step before they expire', async () => {
  const { clock, pub, svc, signer } = await setup();
  const poll = async () => (clock.increment(30_000), await svc.whenIdle());
  pub.lists(); // start-up: nothing active yet
  while (clock.now() < t('2026-04-01T06:00:00Z')) await poll();
  const [list] = pub.lists();
  const video = list.find((e: { id: number }) => e.id === 148).video;
  assert.match(video.url, /^https:\/\/screens\.example\/api\/eventmedia\/stream\/1\/news\.mp4\?expires=\d+&sig=[0-9a-f]{64}$/);
  assert.equal(Object.keys(video), ['url', 'autoplay', 'loop', 'volume', 'muted', 'mime_type', 'size', 'accept_ranges', 'duration']);
  assert.equal([video.mime_type, video.size, video.accept_ranges, video.duration], ['video/mp4', 1234, true, 12.5]);
  const slides = list.find((e: { id: number }) => e.id === 149).presentation;
  assert.is(slides.files.length, 2);
  assert.is(slides.files[0], 'https://cdn.example/x.pdf');
  assert.match(slides.files[1], /\/stream\/3\/deck\.pdf\?/); // the presentation shows as its converted PDF
  assert.equal(slides.files_metadata, [{ url: slides.files[1], mime_type: 'application/pdf', size: 1234, accept_ranges: true, duration: null, page_count: 4 }]);
  const expires = Number(/expires=(\d+)/.exec(video.url)![1]);
  const sig = /sig=([0-9a-f]+)/.exec(video.url)![1];
  assert.ok(await signer.verify(1, String(expires), sig, clock.now()));
  // Unchanged polls publish nothing; the URL stays byte-identical within its grid step.
  const stepEnd = (Math.floor(clock.now() / (RENEW * 1000)) + 1) * RENEW * 1000;
  while (clock.now() + 30_000 < stepEnd) await poll();
  assert.equal(pub.lists(), []);
  // The first poll of the next step publishes fresh URLs; the old one still holds a full step.
  await poll();
  const [next] = pub.lists();
  const renewed = next.find((e: { id: number }) => e.id === 148).video.url;
  assert.is.not(renewed, video.url);
  assert.is(Number(/expires=(\d+)/.exec(renewed)![1]), expires + RENEW);
  assert.ok(expires * 1000 - clock.now() >= (RENEW - 30) * 1000, 'the old URL outlives its replacement by about a step');
  assert.ok(await signer.verify(1, String(expires), sig, clock.now()));
  svc.stop();
});

test.run();
