/**
 * `npm run bench:ingest`: drives the real server (embedded broker, file database) at saturation
 * and prints ingest throughput, rows persisted, publish → actor-state latency; then publishes at a
 * fixed rate (`--rate`, below saturation: at saturation queues grow and latency only measures the
 * backlog) and prints the latency there; and, in fresh child processes, RSS and start-up restore
 * time with 10,000 and 50,000 client actors.
 *
 *   npm run bench:ingest -- --clients 10000 --seconds 10 --connections 4 --rate 10000 --sizes 10000,50000
 *   npm run bench:ingest -- --inspector off   # without the actor inspector's feed (its cost)
 *   npm run bench:ingest -- --hanging-receiver --clients 2000 --seconds 5 --rate 2000 --sizes ''
 *     # the ingest figures twice: as is, then with deliveries hanging (docs/notifications.md "Delivery")
 *
 * Targets: ≥ 10,000 msgs/s on 2 cores, p99 < 100 ms, 50,000 actors
 * < 1 GiB RSS, restore < 3 s.
 */
import { Worker } from 'node:worker_threads';
import { performance } from 'node:perf_hooks';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir, cpus } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { parseCli } from './cli.ts';
import { loadConfig } from '../config.ts';
import { startRuntime } from '../runtime.ts';
import { openDatabase } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { upsertClientStatement } from '../db/clients.ts';
import { emptyRecord } from '../domain/client.types.ts';
import { setQuiet } from '../lib/logger.ts';
import { hangingReceiver, type StormStats } from './bench/hanging-receiver.ts';

const USAGE = `usage: npm run bench:ingest -- [--clients 10000] [--seconds 10] [--connections 4] [--rate 10000] [--sizes 10000,50000] [--inspector on|off] [--hanging-receiver]

Ingest throughput at saturation, publish -> actor latency at a fixed rate, rows persisted, and
(in child processes) RSS and restore time with 10,000 and 50,000 client actors.

  --clients N       simulated clients (10000)
  --seconds N       seconds of the saturation phase (10)
  --connections N   MQTT connections of the load generator (4)
  --rate N          messages per second of the fixed-rate phase (10000; 0 skips it)
  --sizes A,B       fleet sizes for the memory and restore phase (10000,50000)
  --inspector on|off  the actor inspector's feed (on, as the server runs by default)
  --hanging-receiver  run the ingest phases twice, the second time with 4 webhook channels at a
                    loopback receiver that never answers and 100 alerts/s raised for them
  -h, --help        this text`;

const { values } = parseCli(USAGE, {
  options: {
    clients: { type: 'string', default: '10000' },
    seconds: { type: 'string', default: '10' },
    connections: { type: 'string', default: '4' },
    sizes: { type: 'string', default: '10000,50000' },
    rate: { type: 'string', default: '10000' }, // msgs/s of the fixed-rate phase; 0 skips it
    inspector: { type: 'string', default: 'on' }, // on | off: the actor inspector's feed (runtime default: on)
    'hanging-receiver': { type: 'boolean', default: false },
  },
});
const clients = Number(values.clients);
const seconds = Number(values.seconds);
const connections = Number(values.connections);
const sizes = values.sizes!.split(',').filter(Boolean).map(Number);
const rate = Number(values.rate);

setQuiet(true);
const micros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);
const pct = (xs: number[], p: number) => (xs.length ? xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))] : NaN);
const f = (n: number, d = 0) => n.toLocaleString('en-US', { maximumFractionDigits: d, minimumFractionDigits: d });

console.log(`bench:ingest on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown cpu'}), Node ${process.version}`);
const inspectorOn = values.inspector !== 'off';
console.log(`actor inspector feed: ${inspectorOn ? 'on' : 'off'} (--inspector on|off)`);

// ── 1. throughput and latency (twice with --hanging-receiver: without, then with) ──────────────
for (const hanging of values['hanging-receiver'] ? [false, true] : [false]) {
  if (values['hanging-receiver']) console.log(`\n═══ ${hanging ? 'WITH a hanging receiver: 4 webhook channels, 100 alerts/s' : 'without notifications'} ═══`);
  const dir = await mkdtemp(join(tmpdir(), 'bench-ingest-'));
  const rt = await startRuntime(
    loadConfig({ ENV: 'test', DATABASE_URL: `file:${dir}/bench.db`, DATA_DIR: dir, MQTT_EMBEDDED_PORT: '0', MQTT_ALLOW_ANONYMOUS: 'true', DEFAULT_SUPERADMIN_PASSWORD: 'bench-password', WRITE_FLUSH_MS: process.env.WRITE_FLUSH_MS }),
    { inspector: inspectorOn },
  );
  while (!rt.broker.connection.connected) await new Promise((r) => setTimeout(r, 20));
  const receiver = hanging ? await hangingReceiver(rt, 4) : null;
  const probeUuids = Array.from({ length: 20 }, (_, i) => `ffffffff-0000-4000-8000-${String(i).padStart(12, '0')}`);
  const probes = new Set(probeUuids);
  let latencies: number[] = [];
  rt.bus.on((e) => {
    if (e.type !== 'client-changed' || !probes.has(e.uuid)) return;
    const pid = rt.supervisor.get(e.uuid)?.processPid ?? 0;
    if (pid > 1e15) latencies.push((micros() - pid) / 1000);
  });

  /** One load run (`rate` 0: saturation): what was sent, ingested and persisted, and the probe latencies. */
  async function run(rate: number) {
    latencies = [];
    const stopStorm = receiver?.storm(100);
    const in0 = rt.stats.messagesIn;
    const w0 = rt.writer.stats.statementsWritten;
    const t0 = performance.now();
    const elu0 = performance.eventLoopUtilization(); // the server's thread only (the load runs in a worker)
    // Workers do not inherit `--import tsx`: register tsx inside the worker, then load the module.
    const entry = new URL('./bench/load-worker.ts', import.meta.url).href;
    const tsxApi = import.meta.resolve('tsx/esm/api');
    const worker = new Worker(`import(${JSON.stringify(tsxApi)}).then((m) => { m.register(); return import(${JSON.stringify(entry)}); });`, {
      eval: true,
      workerData: { url: rt.broker.url, clients, seconds, connections, probeEveryMs: 20, probeUuids, rate },
    });
    const result = await new Promise<{ sent: number; probes: number }>((resolve, reject) => {
      worker.once('message', resolve);
      worker.once('error', reject);
    });
    // Let the broker deliver what is in flight, then flush.
    let last = -1;
    while (rt.stats.messagesIn !== last) {
      last = rt.stats.messagesIn;
      await new Promise((r) => setTimeout(r, 250));
    }
    const elapsed = (performance.now() - t0 - 250) / 1000;
    const notified = await stopStorm?.();
    await rt.writer.settled();
    const busyMs = performance.eventLoopUtilization(elu0).active;
    const received = rt.stats.messagesIn - in0;
    const rows = rt.writer.stats.statementsWritten - w0;
    return { sent: result.sent, received, rows, elapsed, busyMs, latencies: latencies.sort((a, b) => a - b), notified };
  }
  const notifiedLine = (n: StormStats | undefined) =>
    n && console.log(`  meanwhile: ${f(n.alerts)} alerts raised, ${f(n.queued)} outbox rows so far, ${f(n.requests)} new requests at the receiver, ${f(n.hanging)} hanging at the end, none answered`);
  const latencyLine = (l: number[]) =>
    `  publish → actor state latency over ${l.length} probes: p50 ${f(pct(l, 50), 1)} ms, p99 ${f(pct(l, 99), 1)} ms, max ${f(l.at(-1) ?? NaN, 1)} ms`;

  const sat = await run(0);
  console.log('\nIngest at saturation (embedded broker, file database, one process):');
  console.log(`  published ${f(sat.sent)} msgs to ${f(clients)} clients over ${connections} connections in ${seconds} s`);
  console.log(`  ingested  ${f(sat.received)} msgs → ${f(sat.received / sat.elapsed)} msgs/s (dropped as invalid: ${rt.drops.snapshot().total})`);
  console.log(`  persisted ${f(sat.rows)} rows (log rows + client rows) → ${f(sat.rows / sat.elapsed)} rows/s; writer failures: ${rt.writer.stats.failedStatements}`);
  console.log(latencyLine(sat.latencies));
  notifiedLine(sat.notified);
  console.log(`  client actors: ${f(rt.supervisor.size)}; RSS ${f(process.memoryUsage().rss / 2 ** 20)} MiB (server + load thread)`);

  if (rate > 0) {
    // Same server, same clients (steady state), paced below saturation: latency without a backlog.
    const paced = await run(rate);
    console.log(`\nIngest at a fixed ${f(rate)} msgs/s (same server and clients):`);
    console.log(`  published ${f(paced.sent)} msgs in ${seconds} s; ingested ${f(paced.received)} msgs → ${f(paced.received / paced.elapsed)} msgs/s`);
    console.log(latencyLine(paced.latencies));
    notifiedLine(paced.notified);
    // CPU cost per message on the server's thread: steadier than saturation throughput on a shared
    // machine, so this is the figure to compare `--inspector on` and `off` by.
    console.log(`  server thread busy ${f((paced.busyMs * 1000) / paced.received, 1)} µs per message (event loop ${f((100 * paced.busyMs) / (paced.elapsed * 1000))} % busy)`);
  }
  await receiver?.close(); // first: the cut attempts record their outcome while the writer still runs
  await rt.close();
  await rm(dir, { recursive: true, force: true });
}

// ── 2. memory and restore time with N client actors ─────────────────────────────────────────
for (const n of sizes) {
  const dir = await mkdtemp(join(tmpdir(), 'bench-restore-'));
  const url = `file:${dir}/restore.db`;
  const db = await openDatabase(url);
  await migrate(db);
  const now = Date.now();
  for (let i = 0; i < n; i += 5000) {
    const batch = [];
    for (let k = i; k < Math.min(n, i + 5000); k++) {
      const r = emptyRecord(`00000000-0000-4000-8000-${k.toString(16).padStart(12, '0')}`, now - 86_400_000);
      batch.push(
        upsertClientStatement(
          // (status as the actor derives it, so a restore finds nothing to write back)
          { ...r, discovered: true, hostname: `pi-${k}`, ip: `10.0.${(k >> 8) & 255}.${k & 255}`, lastAlive: now - (k % 120) * 1000, connectivity: 'online', processStatus: 'running', screenHealthStatus: 'OK', status: 'healthy', statusReasons: [] },
          now,
        ),
      );
    }
    await db.batch(batch, 'write');
  }
  db.close();
  const child = spawnSync(process.execPath, ['--expose-gc', '--import', 'tsx', new URL('./bench/restore-child.ts', import.meta.url).pathname, url, dir], {
    encoding: 'utf8',
  });
  const line = child.stdout.trim().split('\n').at(-1) ?? '';
  try {
    const r = JSON.parse(line);
    console.log(
      `\n${f(n)} client actors: restore ${f(r.restoreMs)} ms (whole start-up ${f(r.startMs)} ms), RSS ${f(r.rssMb)} MiB, heap ${f(r.heapMb)} MiB`,
    );
  } catch {
    console.log(`\n${f(n)} client actors: child failed\n${child.stdout}\n${child.stderr}`);
  }
  await rm(dir, { recursive: true, force: true });
}
