/**
 * One server-sent-events connection bound to the live hub (docs/http.md "Live updates"). A view turns
 * hub batches into frames; this module owns the stream: the (re)connect resync, the keep-alive
 * comment, ordering (a view may render asynchronously; frames still leave in batch order) and
 * backpressure (a browser that cannot keep up loses its backlog and gets one resync instead, so a
 * slow phone never holds the server's memory or falls further and further behind).
 */
import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { Batch, LiveHub } from './live-hub.ts';

export interface Frame {
  event?: string;
  data: string;
}

export interface StreamView {
  /** The current state, as frames (sent on connect unless the browser is already current). */
  resync(): Promise<Frame[]> | Frame[];
  /**
   * The browser already shows the current state (no resync): set up what `update` compares
   * against (which rows are on the page) without sending anything.
   */
  prime?(): Promise<void> | void;
  /** What this browser must see of a batch (nothing is fine). */
  update(batch: Batch): Promise<Frame[]> | Frame[];
}

/** Queue entries (a whole batch, a whole resync, or a keep-alive) unsent before the connection is considered behind. */
export const MAX_BACKLOG = 64;
/**
 * …or unsent bytes: 64 batches of a large fleet are tens of megabytes per stalled phone. A single
 * entry larger than this (a resync of a very large fleet) still goes out when nothing else waits.
 */
export const MAX_BACKLOG_BYTES = 8 * 1024 * 1024;

/** Keep-alive comment interval of the streams that are not hub streams (a proxy closes idle ones). */
const KEEP_ALIVE_MS = 25_000;

/**
 * A stream that is not fed by the live hub (the inspector's, a bulk run's): `body` gets `write`
 * and `stop` and answers its cleanup. Headers go out at once (": connected"), a keep-alive comment
 * every 25 s; it ends when the browser leaves or `stop()` is called.
 */
export function eventStream(c: Context, body: (write: (chunk: string) => Promise<void>, stop: () => void) => () => void): Response {
  c.header('X-Accel-Buffering', 'no');
  c.header('Cache-Control', 'no-store');
  return streamSSE(c, async (stream) => {
    let finish!: () => void;
    const finished = new Promise<void>((r) => (finish = r));
    stream.onAbort(() => finish());
    const write = async (chunk: string) => {
      if (stream.aborted || stream.closed) return finish();
      await stream.write(chunk);
    };
    await write(': connected\n\n'); // headers out now: the page shows "live" at once
    const ping = setInterval(() => void write(': keep-alive\n\n').catch(() => finish()), KEEP_ALIVE_MS);
    const cleanup = body(write, finish);
    await finished;
    clearInterval(ping);
    cleanup();
  });
}

/** `event:`/`id:`/`data:` lines; multi-line data becomes several `data:` lines (SSE spec). */
export function formatFrame(f: Frame, id?: number): string {
  const lines: string[] = [];
  if (f.event) lines.push(`event: ${f.event.replace(/[\r\n]/g, '')}`);
  for (const line of f.data.split(/\r\n|\r|\n/)) lines.push(`data: ${line}`);
  if (id !== undefined) lines.push(`id: ${id}`);
  return lines.join('\n') + '\n\n';
}

/**
 * Answers the SSE response. `knownVersion` is what the browser already shows: the page's render
 * version on first connect (`?v=`), the last frame id (`Last-Event-ID`) on reconnect.
 */
export function liveStream(c: Context, hub: LiveHub, view: StreamView, knownVersion: number | null): Response {
  c.header('X-Accel-Buffering', 'no'); // a proxy must not buffer the stream
  return streamSSE(c, async (stream) => {
    let finish!: () => void;
    const finished = new Promise<void>((r) => (finish = r));
    stream.onAbort(() => finish());
    const out = new Outbox(stream, finish, () => run(resync));

    // Work for this connection runs one at a time, in order (views may await a database read).
    let chain: Promise<void> = Promise.resolve();
    const run = (work: () => Promise<void>) => {
      chain = chain.then(work).catch((err) => {
        console.error('[live] stream view failed', err);
        finish();
      });
    };
    const resync = async () => {
      const version = hub.version;
      const frames = await view.resync();
      out.reset();
      // One queue entry, one write: a resync is as long as the fleet is large (one frame per
      // client), so counting its frames against MAX_BACKLOG would flag every resync of a fleet
      // over 64 clients as "behind" and answer it with the next resync, forever.
      out.push(frames.map((f) => formatFrame(f, version)).join(''));
    };

    const unsubscribe = hub.subscribe({
      deliver: (batch) =>
        run(async () => {
          if (out.behind) return; // a resync is on its way (onBehindDrained)
          // One queue entry per batch, like a resync: a batch lists every client it touched (the
          // JSON stream sends one frame each), so frame by frame one busy batch of a large fleet
          // would count as "behind" and cost every reader a full resync.
          const frames = await view.update(batch);
          if (frames.length) out.push(frames.map((f) => formatFrame(f, batch.version)).join(''));
        }),
      ping: () => out.push(': keep-alive\n\n'),
      close: () => finish(),
    });
    // Headers leave with the first write (Node buffers them until then): write one at once, so the
    // browser shows "live" while a resync is still being rendered (it may wait for the database).
    out.push(': connected\n\n');
    if (knownVersion === null || knownVersion !== hub.version) run(resync);
    else if (view.prime) run(async () => void (await view.prime!()));
    await finished;
    unsubscribe();
    out.stop();
  });
}

/** Serialises writes; drops the backlog (and flags `behind`) when the browser falls behind. */
class Outbox {
  #queue: string[] = [];
  #bytes = 0; // length of what is queued (UTF-16 units: close enough for a bound)
  #writing = false;
  #stopped = false;
  behind = false;
  constructor(
    private readonly stream: SSEStreamingApi,
    private readonly onClosed: () => void,
    /** The backlog was dropped and the last write has gone out: time to resync. */
    private readonly onBehindDrained: () => void,
  ) {}

  push(frame: string): void {
    if (this.#stopped) return;
    if (this.#queue.length >= MAX_BACKLOG || (this.#queue.length > 0 && this.#bytes + frame.length > MAX_BACKLOG_BYTES)) {
      this.#queue = [];
      this.#bytes = 0;
      this.behind = true; // the next batch resyncs this connection instead
      return;
    }
    this.#queue.push(frame);
    this.#bytes += frame.length;
    void this.#pump();
  }

  /** Before a resync: nothing queued is worth sending any more. */
  reset(): void {
    this.#queue = [];
    this.#bytes = 0;
    this.behind = false;
  }

  stop(): void {
    this.#stopped = true;
    this.#queue = [];
    this.#bytes = 0;
  }

  async #pump(): Promise<void> {
    if (this.#writing) return;
    this.#writing = true;
    try {
      while (this.#queue.length && !this.#stopped) {
        // Everything queued so far goes out in one write.
        const chunk = this.#queue.join('');
        this.#queue = [];
        this.#bytes = 0;
        await this.stream.write(chunk);
        if (this.stream.aborted || this.stream.closed) return this.onClosed();
      }
    } finally {
      this.#writing = false;
    }
    if (this.behind && !this.#stopped) this.onBehindDrained();
  }
}
