/**
 * `npm run bench:commands`: the real server (embedded broker, file database, HTTP app in-process)
 * against simulated clients that ack at once (scripts/bench/ack-worker.ts, own thread). Commands
 * are issued through `POST /api/clients/{uuid}/restart_app`, like an operator would.
 *
 *   A. in flight: N commands published and held unanswered: heap per live command actor;
 *      then every client answers at once: time until all N completed.
 *   B. burst: N commands issued at once, clients answer immediately: issue → completed.
 *   C. paced: N commands at --rate per second: issue → completed without self-made queueing.
 * Latency is issue (before the HTTP request) → the command's `completed` bus event; with zero
 * client think time this is the server's own overhead plus the broker hops, split at the moment
 * the client received the command. Ends with a "no command lost or stuck" check.
 *
 *   npm run bench:commands -- --commands 1000 --rate 100 --connections 4
 * Target: p99 < 20 ms overhead, no command lost or stuck.
 */
import { Worker } from 'node:worker_threads';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { parseCli } from './cli.ts';
import { loadConfig } from '../config.ts';
import { startRuntime } from '../runtime.ts';
import { setQuiet } from '../lib/logger.ts';

const USAGE = `usage: npm run bench:commands -- [--commands 1000] [--rate 100] [--connections 4]

The real server (embedded broker, file database) against simulated clients that ack at once:
issue -> completed latency of commands in flight, in a burst and paced; memory per live command;
a final "no command lost or stuck" check.

  --commands N      commands per phase (1000)
  --rate N          commands per second of the paced phase (100)
  --connections N   MQTT connections of the simulated clients (4)
  -h, --help        this text`;

const { values } = parseCli(USAGE, {
  options: {
    commands: { type: 'string', default: '1000' },
    rate: { type: 'string', default: '100' },
    connections: { type: 'string', default: '4' },
  },
});
const N = Number(values.commands);
const RATE = Number(values.rate);
const CONNECTIONS = Number(values.connections);

setQuiet(true);
const nowUs = () => (performance.timeOrigin + performance.now()) * 1000;
const pct = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN);
const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const gc = () => (globalThis as { gc?: () => void }).gc?.();
const mib = (b: number) => f(b / 2 ** 20, 1);

console.log(`bench:commands on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown cpu'}), Node ${process.version}; ${f(N)} commands per phase`);

const dir = await mkdtemp(join(tmpdir(), 'bench-commands-'));
const PASSWORD = 'bench-commands-password';
const rt = await startRuntime(
  loadConfig({
    ...process.env, // e.g. WRITE_FLUSH_MS=50 npm run bench:commands
    ENV: 'test', DATABASE_URL: `file:${dir}/bench.db`, DATA_DIR: dir, MQTT_EMBEDDED_PORT: '0', MQTT_BROKER_HOST: undefined,
    DEFAULT_SUPERADMIN_PASSWORD: PASSWORD, MQTT_ALLOW_ANONYMOUS: 'true',
  }),
);
while (!rt.broker.connection.connected) await sleep(20);
const login = await rt.app.request('/api/auth/login', {
  method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'superadmin', password: PASSWORD }),
});
const cookie = /(sid=[^;]*)/.exec(login.headers.get('set-cookie') ?? '')![1];

// ── simulated clients ───────────────────────────────────────────────────────────────────────
const uuids = Array.from({ length: N }, (_, i) => `be0c0000-0000-4000-8000-${String(i).padStart(12, '0')}`);
const entry = new URL('./bench/ack-worker.ts', import.meta.url).href;
const tsxApi = import.meta.resolve('tsx/esm/api');
const worker = new Worker(`import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, {
  eval: true,
  workerData: { url: rt.broker.url, uuids, connections: CONNECTIONS },
});
const ask = <T>(msg: object, reply: string) =>
  new Promise<T>((resolve) => {
    const on = (m: { type: string }) => m.type === reply && (worker.off('message', on), resolve(m as T));
    worker.on('message', on);
    worker.postMessage(msg);
  });
await new Promise((resolve, reject) => (worker.once('message', resolve), worker.once('error', reject)));
while (rt.fleet.size() < N) await sleep(50);

// ── completions from the bus ────────────────────────────────────────────────────────────────
const completedAt = new Map<string, number>(); // command id → µs
const terminalOther = new Map<string, string>();
rt.bus.on((e) => {
  if (e.type !== 'command') return;
  if (e.to === 'completed') completedAt.set(e.commandId, nowUs());
  else if (['failed', 'expired', 'timed_out', 'canceled', 'blocked_safety', 'manual_intervention_required'].includes(e.to)) terminalOther.set(e.commandId, e.to);
});

interface Issued {
  id: string;
  t0: number; // µs before the request
  t202: number; // µs when the 202 arrived
}
async function issue(uuid: string): Promise<Issued> {
  const t0 = nowUs();
  const res = await rt.app.request(`/api/clients/${uuid}/restart_app`, {
    method: 'POST', headers: { 'content-type': 'application/json', cookie }, body: JSON.stringify({ reason: 'bench' }),
  });
  const body = (await res.json()) as { command: { commandId: string } };
  if (res.status !== 202) throw new Error(`issue for ${uuid}: HTTP ${res.status} ${JSON.stringify(body)}`);
  return { id: body.command.commandId, t0, t202: nowUs() };
}
async function allDone(ids: string[], what: string, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (ids.some((id) => !completedAt.has(id) && !terminalOther.has(id))) {
    if (Date.now() > deadline) throw new Error(`${what}: ${ids.filter((id) => !completedAt.has(id)).length} commands not completed after ${ms} ms`);
    await sleep(5);
  }
}
async function report(label: string, issued: Issued[]) {
  const { receivedAt } = await ask<{ receivedAt: Array<[string, number]> }>({ type: 'times' }, 'times');
  const recv = new Map(receivedAt);
  const ms = (xs: number[]) => xs.sort((a, b) => a - b);
  const total = ms(issued.map((i) => (completedAt.get(i.id)! - i.t0) / 1000));
  const http = ms(issued.map((i) => (i.t202 - i.t0) / 1000));
  const out = ms(issued.map((i) => (recv.get(i.id)! - i.t0) / 1000));
  const back = ms(issued.map((i) => (completedAt.get(i.id)! - recv.get(i.id)!) / 1000));
  const line = (name: string, xs: number[]) => `    ${name.padEnd(34)} p50 ${f(pct(xs, 50), 2).padStart(8)} ms   p99 ${f(pct(xs, 99), 2).padStart(8)} ms   max ${f(xs.at(-1)!, 2).padStart(8)} ms`;
  console.log(`\n${label}`);
  console.log(line('issue → completed (total)', total));
  console.log(line('  issue → 202 (PUBACK confirmed)', http));
  console.log(line('  issue → client received it', out));
  console.log(line('  client received → completed', back));
  return total;
}

const all: string[] = [];

// ── A. N in flight, then every client answers at once ───────────────────────────────────────
worker.postMessage({ type: 'mode', mode: 'hold' });
gc();
await sleep(200);
gc();
const heap0 = process.memoryUsage().heapUsed;
const rss0 = process.memoryUsage().rss;
const heldIssued = await Promise.all(uuids.map(issue));
all.push(...heldIssued.map((i) => i.id));
while ((await ask<{ n: number }>({ type: 'count' }, 'count')).n < N) await sleep(20);
await rt.writer.settled();
gc();
await sleep(200);
gc();
const heap1 = process.memoryUsage().heapUsed;
const rss1 = process.memoryUsage().rss;
console.log(`\nA. ${f(rt.commands.liveCount)} commands in flight (published, every client holding its answer):`);
console.log(`    heap +${mib(heap1 - heap0)} MiB → ${f((heap1 - heap0) / N / 1024, 1)} KiB per live command; RSS ${mib(rss1)} MiB (+${mib(rss1 - rss0)} MiB, server + client thread)`);
const released = nowUs();
worker.postMessage({ type: 'mode', mode: 'ack' });
worker.postMessage({ type: 'release' });
await allDone(heldIssued.map((i) => i.id), 'phase A');
const lastA = Math.max(...heldIssued.map((i) => completedAt.get(i.id) ?? 0));
console.log(`    all answer at once: ${f(N)} completed ${f((lastA - released) / 1000, 1)} ms after the release (${f(N / ((lastA - released) / 1e6))} commands/s)`);

// ── B. burst ────────────────────────────────────────────────────────────────────────────────
const burst = await Promise.all(uuids.map(issue));
all.push(...burst.map((i) => i.id));
await allDone(burst.map((i) => i.id), 'phase B');
await report(`B. burst: ${f(N)} commands issued at once, clients answer immediately (queueing included):`, burst);

// ── C. paced ────────────────────────────────────────────────────────────────────────────────
const pending: Promise<Issued>[] = [];
const startC = performance.now();
for (let i = 0; i < N; i++) {
  const due = startC + (i * 1000) / RATE;
  const wait = due - performance.now();
  if (wait > 1) await sleep(wait);
  pending.push(issue(uuids[i]));
}
const paced = await Promise.all(pending);
all.push(...paced.map((i) => i.id));
await allDone(paced.map((i) => i.id), 'phase C');
const total = await report(`C. paced: ${f(N)} commands at ${f(RATE)}/s, clients answer immediately:`, paced);

// ── no command lost or stuck ────────────────────────────────────────────────────────────────
await sleep(300);
await rt.writer.settled();
const rows = await rt.db.execute('SELECT status, COUNT(*) AS n FROM client_commands GROUP BY status');
const byStatus = Object.fromEntries(rows.rows.map((r) => [String(r.status), Number(r.n)]));
const problems: string[] = [];
const notCompleted = all.filter((id) => !completedAt.has(id));
if (notCompleted.length) problems.push(`${notCompleted.length} without a completed event (${[...new Set(notCompleted.map((id) => terminalOther.get(id) ?? 'live'))].join(', ')})`);
if (rt.commands.liveCount !== 0) problems.push(`${rt.commands.liveCount} command actors still live`);
if (byStatus.completed !== all.length || Object.keys(byStatus).length !== 1) problems.push(`database: ${JSON.stringify(byStatus)}`);
console.log(`\nno command lost or stuck: ${problems.length ? `FAILED: ${problems.join('; ')}` : `OK (${f(all.length)} issued, ${f(all.length)} completed in memory and in the database, 0 live actors)`}`);
console.log(`target p99 < 20 ms (paced): ${pct(total, 99) < 20 ? 'met' : 'NOT met'} (${f(pct(total, 99), 2)} ms); writer failures: ${rt.writer.stats.failedStatements}`);
if (problems.length) process.exitCode = 1;

await ask({ type: 'close' }, 'closed');
await worker.terminate();
await rt.close();
await rm(dir, { recursive: true, force: true });
