/**
 * One server-sent-events connection bound to the live hub (docs/http.md "Live updates"). A view turns
 * hub batches into frames; this module owns the stream: the (re)connect resync, the keep-alive
 * comment, ordering (a view may render asynchronously; frames still leave in batch order) and
 * backpressure (a browser that cannot keep up loses its backlog and gets one resync instead, so a
 * slow phone never holds the server's memory or falls further and further behind), and the limits
 * of stream-gate.ts: a slot per stream (429 past the bounds) and a reader whose write stays
 * unfinished longer than `stallMs` is dropped, its memory freed (docs/reliability.md "Live streams
 * under load").
 */
import type { Context } from 'hono';
import { streamSSE, type SSEStreamingApi } from 'hono/streaming';
import type { Batch, LiveHub } from './live-hub.ts';
import { takeSlot, type StreamGate } from './stream-gate.ts';

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
 * every 25 s; it ends when the browser leaves or `stop()` is called, or is dropped when a write
 * stays unfinished longer than the gate's `stallMs` (checked at each keep-alive).
 */
export function eventStream(c: Context, gate: StreamGate | null, body: (write: (chunk: string) => Promise<void>, stop: () => void) => () => void): Response {
  const slot = takeSlot(c, gate);
  if (slot instanceof Response) return slot;
  c.header('X-Accel-Buffering', 'no');
  c.header('Cache-Control', 'no-store');
  return streamSSE(c, async (stream) => {
    let finish!: () => void;
    const finished = new Promise<void>((r) => (finish = r));
    stream.onAbort(() => finish());
    let writingSince: number | null = null;
    let stalled = false;
    const write = async (chunk: string) => {
      if (stream.aborted || stream.closed || stalled) return finish();
      writingSince ??= Date.now();
      await stream.write(chunk);
      writingSince = null;
    };
    try {
      await write(': connected\n\n'); // headers out now: the page shows "live" at once
      const ping = setInterval(() => {
        if (gate && writingSince !== null && Date.now() - writingSince > gate.limits.stallMs) {
          stalled = true;
          return finish();
        }
        void write(': keep-alive\n\n').catch(() => finish());
      }, KEEP_ALIVE_MS);
      const cleanup = body(write, finish);
      await finished;
      clearInterval(ping);
      cleanup();
      if (stalled) dropStalled(c, stream, gate);
    } finally {
      slot.release();
    }
  });
}

/**
 * A reader that stopped reading: abort the stream (its queue and the chunk in flight are freed)
 * and, on Node, destroy the socket, whose send buffer would otherwise hold the unsent bytes until
 * the peer reads or TCP gives up (minutes). An EventSource reconnects and gets a resync.
 */
function dropStalled(c: Context, stream: SSEStreamingApi, gate: StreamGate | null): void {
  if (gate) gate.counts.stalled++;
  stream.abort();
  (c.env as { outgoing?: { destroy?: () => void } } | undefined)?.outgoing?.destroy?.();
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
export function liveStream(c: Context, hub: LiveHub, view: StreamView, knownVersion: number | null, gate: StreamGate | null): Response {
  const slot = takeSlot(c, gate);
  if (slot instanceof Response) return slot;
  c.header('X-Accel-Buffering', 'no'); // a proxy must not buffer the stream
  return streamSSE(c, async (stream) => {
    try {
      await connection(c, stream, hub, view, knownVersion, gate);
    } finally {
      slot.release();
    }
  });
}

/** One hub connection, from subscribe to the end of the stream. */
async function connection(c: Context, stream: SSEStreamingApi, hub: LiveHub, view: StreamView, knownVersion: number | null, gate: StreamGate | null) {
  let finish!: () => void;
  const finished = new Promise<void>((r) => (finish = r));
  stream.onAbort(() => finish());
  let stalled = false;
  const out = new Outbox(stream, finish, () => run(resync), gate?.limits.stallMs ?? Infinity, () => {
    stalled = true;
    finish();
  });

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
    out.push(encodedResync(frames, version));
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
  if (stalled) dropStalled(c, stream, gate);
}

/**
 * A view that answers the same `Frame[]` to every connection of a resync window (the JSON stream's
 * snapshot of the whole fleet) shares its encoded bytes too: 300 connections of a 10,000-client
 * fleet cost one encoding and one copy of the bytes, not 300.
 */
const encoded = new WeakMap<Frame[], { version: number; bytes: Uint8Array }>();
function encodedResync(frames: Frame[], version: number): Uint8Array {
  const hit = encoded.get(frames);
  if (hit && hit.version === version) return hit.bytes;
  const bytes = new TextEncoder().encode(frames.map((f) => formatFrame(f, version)).join(''));
  encoded.set(frames, { version, bytes });
  return bytes;
}

/**
 * Serialises writes; drops the backlog (and flags `behind`) when the browser falls behind; reports a
 * reader whose write has been unfinished for longer than `stallMs` (checked whenever something is
 * queued, at the latest with the hub's keep-alive).
 */
class Outbox {
  #queue: (string | Uint8Array)[] = [];
  #bytes = 0; // length of what is queued (UTF-16 units or bytes: close enough for a bound)
  #writingSince: number | null = null;
  #stopped = false;
  behind = false;
  constructor(
    private readonly stream: SSEStreamingApi,
    private readonly onClosed: () => void,
    /** The backlog was dropped and the last write has gone out: time to resync. */
    private readonly onBehindDrained: () => void,
    private readonly stallMs: number,
    private readonly onStalled: () => void,
  ) {}

  push(frame: string | Uint8Array): void {
    if (this.#stopped) return;
    if (this.#writingSince !== null && Date.now() - this.#writingSince > this.stallMs) {
      this.stop();
      return this.onStalled();
    }
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
    if (this.#writingSince !== null) return;
    this.#writingSince = Date.now();
    try {
      while (this.#queue.length && !this.#stopped) {
        // Everything queued so far goes out in one write (a shared resync as its own bytes).
        const queued = this.#queue;
        this.#queue = [];
        this.#bytes = 0;
        for (const chunk of joinStrings(queued)) {
          this.#writingSince = Date.now();
          await this.stream.write(chunk);
          if (this.stream.aborted || this.stream.closed) return this.onClosed();
        }
      }
    } finally {
      this.#writingSince = null;
    }
    if (this.behind && !this.#stopped) this.onBehindDrained();
  }
}

/** Neighbouring strings joined into one; encoded (shared) chunks kept as they are. */
function joinStrings(queued: (string | Uint8Array)[]): (string | Uint8Array)[] {
  const out: (string | Uint8Array)[] = [];
  let text: string[] = [];
  for (const q of queued) {
    if (typeof q === 'string') text.push(q);
    else {
      if (text.length) out.push(text.join(''));
      text = [];
      out.push(q);
    }
  }
  if (text.length) out.push(text.join(''));
  return out;
}
