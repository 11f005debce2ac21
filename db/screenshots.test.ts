/** Screenshot files in a temp dir (docs/clients.md "Logs, screenshots, retention"). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ScreenshotStore } from './screenshots.ts';

const U = '9b8d1856-ff34-4864-a726-12de072d0f77';
const T0 = Date.UTC(2026, 3, 5, 8, 0, 0);
const TTL = 120_000;
const img = (n: number) => new Uint8Array([0xff, 0xd8, 0xff, n & 0xff, n >> 8, 0xff, 0xd9]);

let root = '';
const clock = { t: T0 };
const store = (history = 3) => new ScreenshotStore(root, { history, priorityTtlMs: TTL, now: () => clock.t });

test.before(async () => {
  root = await mkdtemp(join(tmpdir(), 'shots-'));
});
test.after(async () => {
  await rm(root, { recursive: true, force: true });
});

test('latest, bounded history (newest first), nothing else left behind', async () => {
  const s = store(3);
  assert.is(await s.latest(U), null);
  assert.equal(await s.history(U), []);
  for (let i = 0; i < 5; i++) await s.save(U, img(i), 'periodic', {}, T0 + i * 1000);
  assert.equal(await s.latest(U), img(4));
  const h = await s.history(U);
  assert.equal(h.map((x) => x.at), [T0 + 4000, T0 + 3000, T0 + 2000]);
  assert.equal(h[0], { name: '20260405T080004.000Z_periodic.jpg', at: T0 + 4000, captureType: 'periodic' });
  assert.equal(await s.historyImage(U, h[2].name), img(2));
  assert.is(await s.historyImage(U, '../latest.jpg'), null);
  assert.equal((await readdir(join(root, U))).sort(), ['history', 'latest.jpg'], 'no tmp files, no priority files');
});

test('identical detection compares consecutive periodic captures only', async () => {
  const u = '00000000-0000-4000-8000-000000000001';
  const s = store();
  assert.is((await s.save(u, img(1), 'periodic', {}, T0)).identicalToPrevious, false, 'first one');
  assert.is((await s.save(u, img(1), 'periodic', {}, T0 + 1)).identicalToPrevious, true);
  assert.is((await s.save(u, img(1), 'event_start', {}, T0 + 2)).identicalToPrevious, false, 'priority captures are not compared');
  assert.is((await s.save(u, img(1), 'periodic', {}, T0 + 3)).identicalToPrevious, true, 'an event capture in between does not reset it');
  assert.is((await s.save(u, img(2), 'periodic', {}, T0 + 4)).identicalToPrevious, false);
  assert.is((await s.save(u, img(1), 'periodic', {}, T0 + 5)).identicalToPrevious, false, 'only the previous one counts');
});

test('identical detection survives a restart: a fresh store compares to the newest periodic file', async () => {
  const u = '00000000-0000-4000-8000-000000000004';
  await store().save(u, img(5), 'periodic', {}, T0);
  await store().save(u, img(6), 'event_start', {}, T0 + 1);
  assert.is((await store().save(u, img(5), 'periodic', {}, T0 + 2)).identicalToPrevious, true, 'restarted: same picture as before');
  assert.is((await store().save(u, img(7), 'periodic', {}, T0 + 3)).identicalToPrevious, false);
});

test('priority: event_start/event_stop keep priority.jpg + metadata, active for the TTL', async () => {
  const u = '00000000-0000-4000-8000-000000000002';
  const s = store();
  await s.save(u, img(1), 'periodic', {}, T0);
  assert.is(await s.priority(u), null);
  assert.is(await s.priorityActive(u), false);
  await s.save(u, img(2), 'event_start', { metadata: { capture: { type: 'event_start' } } }, T0 + 10);
  await s.save(u, img(3), 'periodic', {}, T0 + 20);
  assert.equal(await s.priority(u), img(2));
  assert.equal(await s.latest(u), img(3));
  assert.equal(await s.priorityInfo(u), { captureType: 'event_start', at: T0 + 10, metadata: { metadata: { capture: { type: 'event_start' } } } });
  assert.equal(JSON.parse(await readFile(join(root, u, 'priority.json'), 'utf8')).at, T0 + 10);
  assert.is(await s.priorityActive(u, T0 + 10 + TTL - 1), true);
  assert.is(await s.priorityActive(u, T0 + 10 + TTL), false);
  assert.equal(await s.activePriority(u, T0 + 10 + TTL - 1), img(2));
  assert.is(await s.activePriority(u, T0 + 10 + TTL), null, 'expired: none, the route falls back to the latest');
  clock.t = T0 + 11;
  assert.is(await s.priorityActive(u), true, 'defaults to the store clock');
  // A fresh store (restart) reads priority.json back.
  assert.equal((await store().priorityInfo(u))?.at, T0 + 10);
  await s.save(u, img(4), 'event_stop', {}, T0 + 30);
  assert.equal(await s.priority(u), img(4));
  assert.is((await s.priorityInfo(u))?.captureType, 'event_stop');
});

test('concurrent saves of one client are serialized; remove deletes everything', async () => {
  const u = '00000000-0000-4000-8000-000000000003';
  const s = store(20);
  await Promise.all(Array.from({ length: 10 }, (_, i) => s.save(u, img(i), 'periodic', {}, T0 + i)));
  assert.equal(await s.latest(u), img(9), 'the last save wins');
  assert.is((await s.history(u)).length, 10);
  await s.save(u, img(1), 'event_stop', {}, T0 + 100);
  await s.remove(u);
  assert.is(await s.latest(u), null);
  assert.is(await s.priority(u), null);
  assert.is(await s.priorityInfo(u), null);
  assert.equal(await s.history(u), []);
  assert.is((await s.save(u, img(9), 'periodic', {}, T0 + 200)).identicalToPrevious, false, 'hash forgotten');
});

test('uuids are validated before they become paths; upper case is the same client', async () => {
  const s = store();
  for (const bad of ['../x', '..', '', `${U}/../../etc`, 'a'.repeat(36)]) {
    await assert.not.throws(() => s.latest(bad));
    assert.is(await s.latest(bad), null);
    assert.throws(() => s.save(bad, img(1), 'periodic', {}, T0), /uuid/);
    assert.throws(() => s.remove(bad), /uuid/);
  }
  assert.equal(await s.latest(U.toUpperCase()), img(4));
});

test.run();
