/**
 * SSE readers for bench:dashboard, in their own thread so reading does not share the server's
 * event loop: `readers` streams of `path`, signed in with `cookie`. Every frame is scanned for
 * probe markers (`probe <epoch ms>`, a client description the main thread keeps changing); the lag
 * of a frame is its arrival time minus the newest marker in it. Reports per-reader lags.
 */
import { parentPort, workerData } from 'node:worker_threads';

const { url, cookie, readers, seconds } = workerData as { url: string; cookie: string; readers: number; seconds: number };
const MARK = /probe (\d{13})/g;

interface Reader {
  lags: number[];
  bytes: number;
  frames: number;
  resyncs: number; // `resync` frames of /api/stream (one on connect; more mean the reader fell behind)
  connected: boolean;
}

/** Bytes per swapped fragment kind (`#groups`, `#c-…` rows, `#seen-…` times, …), all readers. */
const byTarget: Record<string, number> = {};
const all: Reader[] = Array.from({ length: readers }, () => ({ lags: [], bytes: 0, frames: 0, resyncs: 0, connected: false }));
const ctl = new AbortController();
let measuring = false;

async function read(r: Reader, i: number): Promise<void> {
  const res = await fetch(url, { headers: { cookie, accept: 'text/event-stream', 'accept-language': i % 2 ? 'de' : 'en' }, signal: ctl.signal });
  if (res.status !== 200 || !res.body) throw new Error(`reader ${i}: HTTP ${res.status}`);
  r.connected = true;
  const decoder = new TextDecoder();
  let buf = '';
  try {
    for await (const chunk of res.body) {
      const at = Date.now();
      buf += decoder.decode(chunk as Uint8Array, { stream: true });
      let end: number;
      while ((end = buf.indexOf('\n\n')) >= 0) {
        const frame = buf.slice(0, end);
        buf = buf.slice(end + 2);
        r.frames++;
        r.bytes += frame.length;
        if (frame.startsWith('event: resync')) r.resyncs++;
        if (measuring) {
          for (const part of frame.split('<hx-partial ')) {
            const t = /^hx-target="#([a-z]+)/.exec(part)?.[1];
            if (t) byTarget[t] = (byTarget[t] ?? 0) + part.length;
          }
        }
        let newest = 0;
        for (const m of frame.matchAll(MARK)) newest = Math.max(newest, Number(m[1]));
        if (newest && measuring) r.lags.push(at - newest);
      }
    }
  } catch (err) {
    if (!ctl.signal.aborted) throw err;
  }
}

const done = all.map((r, i) => read(r, i).catch((err) => console.error(String(err))));
while (all.some((r) => !r.connected)) await new Promise((r) => setTimeout(r, 50));
parentPort!.postMessage({ type: 'connected' });
await new Promise((r) => parentPort!.once('message', r)); // main: resyncs are over, measure now
measuring = true;
await new Promise((r) => setTimeout(r, seconds * 1000));
measuring = false;
ctl.abort();
await Promise.all(done);
parentPort!.postMessage({ type: 'result', readers: all.map((r) => ({ lags: r.lags, frames: r.frames, bytes: r.bytes, resyncs: r.resyncs })), byTarget });
