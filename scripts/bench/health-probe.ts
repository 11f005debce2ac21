/**
 * `/health` prober for bench:streams, in its own thread so its clock does not share the server's
 * event loop: one request at a time, every `everyMs`, until the main thread says stop; answers
 * every request as [start (epoch ms), latency ms], and how many failed.
 */
import { parentPort, workerData } from 'node:worker_threads';

const { url, everyMs } = workerData as { url: string; everyMs: number };
const lats: [number, number][] = [];
let failed = 0;
let stop = false;
parentPort!.once('message', () => (stop = true));
parentPort!.postMessage({ type: 'started' });
while (!stop) {
  const at = Date.now();
  const t0 = performance.now();
  try {
    const res = await fetch(url, { signal: AbortSignal.timeout(120_000) });
    await res.arrayBuffer();
    if (res.status !== 200) failed++;
  } catch {
    failed++;
  }
  lats.push([at, performance.now() - t0]);
  await new Promise((r) => setTimeout(r, everyMs));
}
parentPort!.postMessage({ type: 'result', lats, failed });
