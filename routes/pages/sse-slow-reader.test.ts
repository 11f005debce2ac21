/**
 * A reader that stops reading (a phone in a tunnel, a stalled proxy) falls behind: its backlog is
 * dropped and it gets exactly one resync once it reads again, then plain updates; never a loop.
 * A real Hono app and hub; the hub flushes every event at once so batches pile up quickly.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Hono } from 'hono';
import { EventBus } from '../../lib/bus.ts';
import { LiveHub } from './live-hub.ts';
import { MAX_BACKLOG, MAX_BACKLOG_BYTES, liveStream, type StreamView } from './sse.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const count = (text: string, needle: string) => text.split(needle).length - 1;

/** A live stream of `view` on a real Hono app and hub (every event flushed at once), and its reader. */
async function openStream(view: StreamView) {
  const bus = new EventBus();
  const hub = new LiveHub(bus, { flushMs: 1, seenFlushMs: 1, keepAliveMs: 60_000 });
  const app = new Hono();
  app.get('/s', (c) => liveStream(c, hub, view, null, null));
  const ac = new AbortController();
  const res = await app.request('/s', { signal: ac.signal });
  return { bus, hub, ac, reader: res.body!.getReader() };
}

test('a slow reader gets one resync after falling behind, then updates', async () => {
  // A resync as large as a fleet's; an update names the clients of its batch.
  const { bus, hub, ac, reader } = await openStream({
    resync: () => Array.from({ length: 300 }, (_, i) => ({ event: i ? 'row' : 'resync', data: `client ${i}` })),
    update: (b) => [...b.changed].map((uuid) => ({ event: 'update', data: uuid })),
  });
  const decoder = new TextDecoder();
  let text = '';
  // A read that loses the race with the timer stays pending and is awaited next time (its chunk
  // must not be lost).
  let pending: ReturnType<typeof reader.read> | null = null;
  const readFor = async (ms: number) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      pending ??= reader.read();
      const r = await Promise.race([pending, sleep(end - Date.now()).then(() => null)]);
      if (!r) break;
      pending = null;
      if (r.done) return;
      text += decoder.decode(r.value, { stream: true });
    }
  };
  try {
    await readFor(300);
    assert.is(count(text, 'event: resync'), 1, 'the connect-time resync');

    // Not reading: writes block, batches queue up past the limit.
    const batches = MAX_BACKLOG * 2;
    for (let i = 0; i < batches; i++) {
      bus.emit({ type: 'client-changed', uuid: `stalled-${i}` });
      await sleep(3);
    }
    await sleep(100);
    await readFor(1000); // reading again: whatever was in flight, then one resync
    assert.is(count(text, 'event: resync'), 2, 'one more resync after falling behind');
    assert.ok(count(text, 'event: update') < batches, 'the dropped backlog is not sent');

    // Caught up: further batches are updates, even batches of more frames than the limit, and
    // nothing resyncs again.
    text = '';
    const perBatch = MAX_BACKLOG + 36;
    for (let i = 0; i < 10; i++) {
      for (let k = 0; k < perBatch; k++) bus.emit({ type: 'client-changed', uuid: `live-${i}-${k}` });
      await sleep(20);
    }
    await readFor(800);
    assert.is(count(text, 'event: resync'), 0, text.slice(0, 300));
    assert.is(count(text, 'data: live-'), 10 * perBatch);
  } finally {
    ac.abort();
    hub.close();
  }
});

test('a stalled reader of large batches falls behind on bytes, long before 64 batches', async () => {
  const MiB = 'x'.repeat(1024 * 1024);
  const { bus, hub, ac, reader } = await openStream({
    resync: () => [{ event: 'resync', data: 'state' }],
    update: (b) => [...b.changed].map((uuid) => ({ event: 'update', data: `${uuid} ${MiB}` })),
  });
  const decoder = new TextDecoder();
  let text = '';
  try {
    // The stream opens with a comment (headers out at once, sse.ts), then the connect-time resync.
    while (!text.includes('event: resync')) text += decoder.decode((await reader.read()).value, { stream: true });
    assert.is(count(text, 'event: resync'), 1);
    const batches = Math.ceil(MAX_BACKLOG_BYTES / MiB.length) + 4; // far fewer than MAX_BACKLOG
    assert.ok(batches < MAX_BACKLOG);
    for (let i = 0; i < batches; i++) {
      bus.emit({ type: 'client-changed', uuid: `big-${i}` });
      await sleep(5);
    }
    await sleep(100);
    const end = Date.now() + 3000;
    while (count(text, 'event: resync') < 2 && Date.now() < end) {
      const r = await Promise.race([reader.read(), sleep(end - Date.now()).then(() => null)]);
      if (!r || r.done) break;
      text += decoder.decode(r.value, { stream: true });
    }
    assert.is(count(text, 'event: resync'), 2, 'behind on bytes: one resync instead of the backlog');
    assert.ok(count(text, 'event: update') < batches, 'the dropped backlog is not sent');
  } finally {
    ac.abort();
    hub.close();
  }
});

test.run();
