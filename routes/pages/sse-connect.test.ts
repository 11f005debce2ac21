/**
 * The stream opens at once (issue 15 item 11d): the browser's "Live" indicator turns on when the
 * response headers arrive, and Node sends those with the first write. So the first bytes must not
 * wait for the connect-time resync, which may wait for the database (writer.settled).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Hono } from 'hono';
import { EventBus } from '../../lib/bus.ts';
import { LiveHub } from './live-hub.ts';
import { liveStream } from './sse.ts';

test('headers and a first comment go out while the resync is still pending; the resync follows', async () => {
  const hub = new LiveHub(new EventBus(), { keepAliveMs: 60_000 });
  let finishResync!: () => void;
  const resyncDone = new Promise<void>((r) => (finishResync = r));
  const app = new Hono();
  app.get('/s', (c) =>
    liveStream(c, hub, { resync: async () => (await resyncDone, [{ event: 'resync', data: 'rows' }]), update: () => [] }, null, null),
  );
  const ac = new AbortController();
  const res = await app.request('/s', { signal: ac.signal });
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  try {
    // Generous: without the early write this read waits for the resync, i.e. forever here.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const first = await Promise.race([reader.read(), new Promise<null>((r) => (timer = setTimeout(() => r(null), 5000)))]);
    clearTimeout(timer);
    assert.ok(first && !first.done, 'a first chunk before the resync finished');
    assert.is(decoder.decode(first!.value), ': connected\n\n');
    finishResync();
    const next = await reader.read();
    assert.match(decoder.decode(next.value), /event: resync\ndata: rows/);
  } finally {
    ac.abort();
    await reader.cancel().catch(() => {});
    hub.close();
  }
});

test.run();
