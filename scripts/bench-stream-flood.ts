/**
 * `npm run bench:streams`: one signed-in `user` floods the server with stream connections
 * (docs/reliability.md "Live streams under load"). The real server (runtime, embedded broker, file
 * database restored with N clients) behind a real HTTP server; one session opens `--streams`
 * `/api/stream` connections at once and keeps the accepted ones for `--seconds`, half of them read,
 * half paused (never read). A prober thread requests `/health` all along.
 *
 * Prints the 200 / 429 counts, `/health` latency p50 / p99 / max during the flood, and the
 * server's RSS. `--unlimited` lifts the stream limits (what the server did before them).
 * Target (issue 15): all but STREAM_MAX_PER_SESSION refused, `/health` p99 < 200 ms with 10,000 clients.
 *
 *   npm run bench:streams -- --clients 10000 --streams 300 --seconds 20
 */
import { Worker } from 'node:worker_threads';
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { parseCli } from './cli.ts';
import { loadConfig } from '../config.ts';
import { startRuntime } from '../runtime.ts';
import { setQuiet } from '../lib/logger.ts';
import { seedFleet } from './bench/seed-fleet.ts';

const USAGE = `usage: npm run bench:streams -- [--clients 10000] [--streams 300] [--seconds 20] [--unlimited]

One session opens many /api/stream connections at once against a fleet of N clients; prints how
many were accepted and refused, /health latency during the flood, and the server's memory.

  --clients N   clients in the database (10000)
  --streams N   stream connections opened at once by one session (300)
  --seconds N   how long the accepted streams are held (20)
  --unlimited   lift the stream limits (the server before them), for comparison
  -h, --help    this text`;

const { values } = parseCli(USAGE, {
  options: {
    clients: { type: 'string', default: '10000' },
    streams: { type: 'string', default: '300' },
    seconds: { type: 'string', default: '20' },
    unlimited: { type: 'boolean', default: false },
  },
});
const N = Number(values.clients);
const STREAMS = Number(values.streams);
const SECONDS = Number(values.seconds);
const PASSWORD = 'bench-password';

setQuiet(true);
const pct = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]! : NaN);
const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const rssMiB = () => process.memoryUsage().rss / 2 ** 20;

console.log(`bench:streams on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown cpu'}), Node ${process.version}${values.unlimited ? ', limits lifted' : ''}`);
const dir = await mkdtemp(join(tmpdir(), 'bench-streams-'));
await seedFleet(`${dir}/bench.db`, N);
const lifted = values.unlimited ? { STREAM_MAX_PER_SESSION: '10000', STREAM_MAX_PER_USER: '10000', STREAM_MAX_TOTAL: '10000', STREAM_STALL_SECONDS: '3600' } : {};
const rt = await startRuntime(
  loadConfig({ ENV: 'test', DATABASE_URL: `file:${dir}/bench.db`, DATA_DIR: dir, MQTT_EMBEDDED_PORT: '0', MQTT_ALLOW_ANONYMOUS: 'true', DEFAULT_SUPERADMIN_PASSWORD: PASSWORD, ...lifted }),
);
const server = serve({ fetch: rt.app.fetch, port: 0, hostname: '127.0.0.1' });
await new Promise<void>((r) => server.once('listening', () => r()));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

// The attacker: a plain `user` account, one session.
const json = (body: unknown, cookie?: string) => ({ method: 'POST', headers: { 'content-type': 'application/json', ...(cookie ? { cookie } : {}) }, body: JSON.stringify(body) });
const sid = (res: Response) => /sid=[^;]+/.exec(res.headers.get('set-cookie') ?? '')![0];
const admin = sid(await fetch(`${base}/api/auth/login`, json({ username: 'superadmin', password: PASSWORD })));
const made = await fetch(`${base}/api/users`, json({ username: 'flood', password: PASSWORD, role: 'user' }, admin));
if (made.status !== 201) throw new Error(`creating the user: HTTP ${made.status} ${await made.text()}`);
const cookie = sid(await fetch(`${base}/api/auth/login`, json({ username: 'flood', password: PASSWORD })));
console.log(`${f(rt.supervisor.size)} clients restored; RSS ${f(rssMiB())} MiB before the flood`);

const tsxApi = import.meta.resolve('tsx/esm/api');
const probe = new Worker(
  `import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(new URL('./bench/health-probe.ts', import.meta.url).href)}); });`,
  { eval: true, workerData: { url: `${base}/health`, everyMs: 20 } },
);
const next = () => new Promise<any>((resolve, reject) => (probe.once('message', resolve), probe.once('error', reject)));
await next(); // started
await new Promise((r) => setTimeout(r, 5000)); // start-up work settles; a quiet baseline

const ac = new AbortController();
const floodAt = Date.now();
const t0 = performance.now();
const answers = await Promise.all(
  Array.from({ length: STREAMS }, async (_, i) => {
    try {
      const res = await fetch(`${base}/api/stream`, { headers: { cookie, accept: 'text/event-stream' }, signal: ac.signal });
      if (res.status !== 200) await res.body?.cancel();
      else if (i % 2 === 0) void res.body!.pipeTo(new WritableStream()).catch(() => {}); // a reader; odd ones are paused
      return res.status;
    } catch {
      return 0;
    }
  }),
);
const answeredMs = performance.now() - t0;
const count = (s: number) => answers.filter((a) => a === s).length;
await new Promise((r) => setTimeout(r, SECONDS * 1000));
const rssFlood = rssMiB();
const resultP = next();
probe.postMessage('stop');
const { lats, failed } = (await resultP) as { lats: [number, number][]; failed: number };
ac.abort();

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return `${f(s.length)} requests, p50 ${f(pct(s, 50), 1)} ms, p99 ${f(pct(s, 99), 1)} ms, max ${f(s.at(-1) ?? NaN, 1)} ms`;
};
const baseline = lats.filter(([at]) => at >= floodAt - 3000 && at < floodAt).map(([, ms]) => ms); // the last 3 s before the flood
const flood = lats.filter(([at]) => at >= floodAt).map(([, ms]) => ms);
console.log(`\n${f(STREAMS)} /api/stream attempts from one session against ${f(N)} clients (answered in ${f(answeredMs)} ms):`);
console.log(`  200: ${count(200)}   429: ${count(429)}   other: ${STREAMS - count(200) - count(429)}`);
console.log(`  accepted streams held ${SECONDS} s (half read, half paused); RSS ${f(rssFlood)} MiB`);
console.log(`  /health before the flood: ${stats(baseline)}`);
console.log(`  /health from the first attempt on: ${stats(flood)}; ${failed} failed in all`);

await probe.terminate();
(server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.();
server.close();
await rt.close();
await rm(dir, { recursive: true, force: true });
process.exit(0);
