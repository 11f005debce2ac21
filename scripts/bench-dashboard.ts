/**
 * `npm run bench:dashboard`: the real server (runtime, embedded broker, file
 * database restored with N clients in 20 groups, a realistic mix of offline, crashed, failed and
 * black screens).
 *
 * 1. Render time of the dashboard pages with N clients: server time of `app.request()` (session
 *    lookup, data, Eta render), p50 / p95 over `--runs` requests. Target: < 100 ms at p50.
 * 2. SSE fan-out: `--readers` streams of `/live/overview` (signed in, half English, half German,
 *    in a worker thread) while a load thread publishes `--rate` msgs/s of health and logs over MQTT.
 *    A probe client's description carries a timestamp, changed every 200 ms; a reader's lag is
 *    frame arrival − that timestamp. Target: no reader more than 1 s behind.
 *
 *   npm run bench:dashboard -- --clients 10000 --readers 200 --rate 2000 --seconds 20 --runs 30
 */
import { Worker } from 'node:worker_threads';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseCli } from './cli.ts';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { loadConfig } from '../config.ts';
import { startRuntime } from '../runtime.ts';
import { setQuiet } from '../lib/logger.ts';
import { benchUuid as uuid, seedFleet } from './bench/seed-fleet.ts';

const USAGE = `usage: npm run bench:dashboard -- [--clients 10000] [--readers 200] [--json-readers 20] [--rate 2000] [--seconds 20] [--runs 30]

Page render time with N clients, then SSE fan-out to many readers while ingesting over MQTT:
lag per reader of /live/overview, and resyncs and bytes of /api/stream readers.

  --clients N       clients in the database (10000)
  --readers N       readers of /live/overview (200)
  --json-readers N  readers of /api/stream at the same time (20; 0 = none)
  --rate N          MQTT messages per second during the fan-out phase (2000)
  --seconds N       measured seconds (20)
  --runs N          requests per page for the render times (30)
  -h, --help        this text`;

const { values } = parseCli(USAGE, {
  options: {
    clients: { type: 'string', default: '10000' },
    readers: { type: 'string', default: '200' },
    'json-readers': { type: 'string', default: '20' },
    rate: { type: 'string', default: '2000' },
    seconds: { type: 'string', default: '20' },
    runs: { type: 'string', default: '30' },
  },
});
const N = Number(values.clients);
const READERS = Number(values.readers);
const JSON_READERS = Number(values['json-readers']);
const RATE = Number(values.rate);
const SECONDS = Number(values.seconds);
const RUNS = Number(values.runs);
const GROUPS = 20;
const PASSWORD = 'bench-password';

setQuiet(true);
const pct = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : NaN);
const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const PROBE = uuid(0);

console.log(`bench:dashboard on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown cpu'}), ${f(totalmem() / 2 ** 30, 1)} GiB RAM, Node ${process.version}`);

// ── the fleet: N client rows in GROUPS groups, restored into actors at start ──────────────────
const dir = await mkdtemp(join(tmpdir(), 'bench-dashboard-'));
await seedFleet(`${dir}/bench.db`, N, GROUPS);

const rt = await startRuntime(
  loadConfig({
    ENV: 'test', DATABASE_URL: `file:${dir}/bench.db`, DATA_DIR: dir, MQTT_EMBEDDED_PORT: '0', MQTT_ALLOW_ANONYMOUS: 'true', DEFAULT_SUPERADMIN_PASSWORD: PASSWORD,
    // Every reader uses the one session: lifted so the fan-out, not the gate, is measured (bench:streams measures the gate).
    STREAM_MAX_PER_SESSION: '10000', STREAM_MAX_PER_USER: '10000', STREAM_MAX_TOTAL: '10000',
  }),
);
while (!rt.broker.connection.connected) await new Promise((r) => setTimeout(r, 20));
const login = await rt.app.request('/api/auth/login', {
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ username: 'superadmin', password: PASSWORD }),
});
const cookie = /sid=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
const c = rt.fleet.counts();
console.log(`\n${f(rt.supervisor.size)} clients restored in ${f(rt.restoreMs)} ms: ${c.online} online, ${c.offline} offline, ${c.warning} warning, ${c.critical} critical`);

// ── 1. render time ──────────────────────────────────────────────────────────────────────────
const PAGES: [string, Record<string, string>?][] = [
  ['/'],
  ['/?filter=warnings'],
  ['/?q=room%201', { 'hx-request': 'true' }],
  ['/monitoring'],
  ['/monitoring?page=50', { 'hx-request': 'true' }],
  ['/search?q=10.0.1'],
  [`/clients/${uuid(1234)}`],
  ['/api/monitoring/export?format=csv'],
];
console.log(`\n1. Render time with ${f(N)} clients (server time of app.request, ${RUNS} runs after 3 warm-ups):`);
for (const [path, headers] of PAGES) {
  const times: number[] = [];
  let bytes = 0;
  for (let i = 0; i < RUNS + 3; i++) {
    const t0 = performance.now();
    const res = await rt.app.request(path, { headers: { cookie, ...headers } });
    const body = await res.text();
    const ms = performance.now() - t0;
    if (res.status !== 200) throw new Error(`${path}: HTTP ${res.status}`);
    if (i >= 3) times.push(ms);
    bytes = body.length;
  }
  times.sort((a, b) => a - b);
  const label = `${path}${headers ? ' (htmx fragment)' : ''}`.padEnd(44);
  console.log(`  ${label} p50 ${f(pct(times, 50), 1).padStart(6)} ms   p95 ${f(pct(times, 95), 1).padStart(6)} ms   ${f(bytes / 1024)} KiB`);
}

// ── 2. SSE fan-out during ingest ────────────────────────────────────────────────────────────
const server = serve({ fetch: rt.app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise<void>((r) => server.once('listening', () => r()));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const tsxApi = import.meta.resolve('tsx/esm/api');
const worker = (file: string, workerData: unknown) =>
  new Worker(`import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(new URL(file, import.meta.url).href)}); });`, {
    eval: true,
    workerData,
  });

const readers = worker('./bench/sse-readers.ts', { url: `${base}/live/overview`, cookie, readers: READERS, seconds: SECONDS });
// Readers of the JSON stream at the same time: each gets one resync of N client-status frames on
// connect; a stream that resynced again and again would show many times N here.
const jsonReaders = JSON_READERS > 0 ? worker('./bench/sse-readers.ts', { url: `${base}/api/stream`, cookie, readers: JSON_READERS, seconds: SECONDS }) : null;
const next = (w: Worker) => new Promise<any>((resolve, reject) => (w.once('message', resolve), w.once('error', reject)));
// Both listeners before either worker can answer: a message with no listener yet is lost.
await Promise.all([next(readers), jsonReaders ? next(jsonReaders) : null]); // connected
await new Promise((r) => setTimeout(r, 3000)); // let the connect-time resyncs go out
const in0 = rt.stats.messagesIn;
const loadStarted = performance.now();
const load = worker('./bench/load-worker.ts', { url: rt.broker.url, clients: N, seconds: SECONDS + 4 + N / RATE + 3, connections: 2, probeEveryMs: 1e9, probeUuids: [uuid(1)], rate: RATE });
const loadDone = next(load);
// One full round of the fleet (N / rate s) first: the seeded problems (offline, crashed, black) all
// report healthy once, which is a reconnect storm, not the steady ingest this measures.
await new Promise((r) => setTimeout(r, Math.max(2000, (N / RATE) * 1000 + 3000)));
const loop = monitorEventLoopDelay({ resolution: 10 });
loop.enable();
const t0 = performance.now();
const probe = setInterval(() => void rt.fleet.updateClient(PROBE, { description: `probe ${Date.now()}` }), 200);
const results = Promise.all([next(readers), jsonReaders ? next(jsonReaders) : null]);
readers.postMessage('measure');
jsonReaders?.postMessage('measure');
const [overviewResult, jsonAnswer] = await results;
const jsonResult = jsonAnswer as { readers: { frames: number; bytes: number; resyncs: number }[] } | null;
const result = overviewResult as { readers: { lags: number[]; frames: number; bytes: number }[]; byTarget: Record<string, number> };
const elapsed = (performance.now() - t0) / 1000;
clearInterval(probe);
loop.disable();
await loadDone;
const ingestRate = (rt.stats.messagesIn - in0) / ((performance.now() - loadStarted) / 1000);

const all = result.readers.flatMap((r) => r.lags).sort((a, b) => a - b);
const worst = result.readers.map((r) => Math.max(...r.lags, -Infinity));
const behind = worst.filter((w) => w > 1000).length;
const silent = result.readers.filter((r) => r.lags.length === 0).length;
const frames = result.readers.reduce((s, r) => s + r.frames, 0);
const mib = result.readers.reduce((s, r) => s + r.bytes, 0) / 2 ** 20;
console.log(`\n2. SSE fan-out: ${READERS} readers of /live/overview while ingesting ~${f(RATE)} msgs/s over MQTT (${SECONDS} s measured):`);
console.log(`  ingested ${f(ingestRate)} msgs/s on average; event-loop delay p50 ${f(loop.percentile(50) / 1e6, 1)} ms, p99 ${f(loop.percentile(99) / 1e6, 1)} ms, max ${f(loop.max / 1e6, 1)} ms`);
console.log(`  ${f(all.length)} probe updates received (${f(all.length / READERS / elapsed, 1)} per reader per s), ${f(frames)} frames, ${f(mib, 1)} MiB in total`);
const kinds = Object.entries(result.byTarget).sort((a, b) => b[1] - a[1]);
console.log(`  by fragment: ${kinds.map(([k, b]) => `#${k}… ${f(b / 2 ** 20, 1)} MiB`).join(', ')}`);
console.log(`  lag probe change → reader: p50 ${f(pct(all, 50))} ms, p99 ${f(pct(all, 99))} ms, max ${f(all.at(-1) ?? NaN)} ms`);
console.log(`  readers more than 1 s behind at any time: ${behind} of ${READERS}${silent ? ` (${silent} received no probe at all)` : ''}`);
if (jsonResult) {
  const resyncs = jsonResult.readers.map((r) => r.resyncs).sort((a, b) => a - b);
  const jsonMib = jsonResult.readers.reduce((s, r) => s + r.bytes, 0) / 2 ** 20 / JSON_READERS;
  console.log(`  ${JSON_READERS} readers of /api/stream at the same time: resyncs per reader (1 = only the one on connect) min ${resyncs[0] ?? 0}, max ${resyncs.at(-1) ?? 0}; ${f(jsonMib, 1)} MiB per reader`);
}
console.log(`  RSS ${f(process.memoryUsage().rss / 2 ** 20)} MiB (server + reader and load threads)`);

(server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
server.close();
await rt.close();
await rm(dir, { recursive: true, force: true });
process.exit(behind || silent ? 1 : 0);
