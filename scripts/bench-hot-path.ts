/**
 * `npm run bench:hot-path`: the server's per-message CPU on one thread, without the network and the
 * database: the real MQTT dispatcher (topic, JSON, zod) → supervisor → client actors with the
 * inspector's feed, for health and log messages of a steady fleet. Variants run alternately in one
 * process (the machine is shared and noisy: compare within a run), and it prints µs per message
 * and the ratio, e.g. unchanged reports held vs every report through the machine.
 *
 *   npm run bench:hot-path -- --clients 10000 --messages 200000 --rounds 3
 */
import { performance } from 'node:perf_hooks';
import { cpus } from 'node:os';
import { SimulatedClock } from 'xstate';
import { parseCli } from './cli.ts';
import { Supervisor } from '../actors/supervisor.ts';
import { InspectionFeed } from '../actors/inspection/feed.ts';
import { createIngest } from '../broker/ingest.ts';
import { DropCounter } from '../broker/drops.ts';
import { EventBus } from '../lib/bus.ts';
import { setQuiet } from '../lib/logger.ts';
import type { IngestPort } from '../domain/ingest.port.ts';
import { emptyRecord } from '../domain/client.types.ts';

const USAGE = `usage: npm run bench:hot-path -- [--clients 10000] [--messages 200000] [--rounds 3] [--restore 50000]`;
const { values } = parseCli(USAGE, {
  options: {
    clients: { type: 'string', default: '10000' },
    messages: { type: 'string', default: '200000' },
    rounds: { type: 'string', default: '3' },
    restore: { type: 'string', default: '0' }, // clients to restore (Supervisor.restore with the inspector on); 0 skips
  },
});
const clients = Number(values.clients);
const messages = Number(values.messages);
const rounds = Number(values.rounds);
setQuiet(true);

const uuid = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
const enc = new TextEncoder();
// What bench:ingest's load generator sends: 9 health reports (unchanged once the client is known) per log line.
const health = enc.encode(
  JSON.stringify({
    timestamp: new Date().toISOString(),
    expected_state: { event_id: 42 },
    actual_state: { process: 'display_manager', pid: 1000, status: 'running' },
    health_metrics: { screen_status: 'OK', last_frame_update: new Date().toISOString() },
    broker_connection: { broker_reachable: true, reconnect_count: 0, last_disconnect_at: null },
  }),
);
const logLine = enc.encode(JSON.stringify({ timestamp: new Date().toISOString(), message: 'playlist advanced', context: { slide: 3 } }));
const topicsOf = Array.from({ length: clients }, (_, n) => [`infoscreen/${uuid(n)}/health`, `infoscreen/${uuid(n)}/logs/info`]);

interface Variant {
  name: string;
  holdUnchanged: boolean;
  inspector: boolean;
}

/** One fleet, warmed up with one message per client, then `messages` timed. Answers µs per message. */
function runOnce(v: Variant): number {
  const clock = new SimulatedClock();
  clock.set(Date.now());
  const feed = v.inspector ? new InspectionFeed({ now: () => clock.now() }) : null;
  const sup = new Supervisor({ clock, bus: new EventBus(), graceMs: 170_000, persist: () => {}, holdUnchanged: v.holdUnchanged, inspect: feed?.inspect });
  const port: IngestPort = {
    discovery: () => ({ groupId: null }),
    clientEvent: (u, e) => sup.send(u, e),
    log: (u, entry, at) => sup.send(u, { type: 'LOG', at, level: entry.level }),
    screenshot: async () => {},
    commandAck: () => {},
  };
  const ingest = createIngest({ port, publisher: { connected: true, publish: async () => {} }, drops: new DropCounter(), maxPayloadBytes: 1 << 20, now: () => clock.now() });
  for (let n = 0; n < clients; n++) ingest.handle(topicsOf[n][0], health);
  const t0 = performance.now();
  for (let i = 0; i < messages; i++) {
    const n = i % clients;
    if (i % 1000 === 0) clock.increment(50); // time moves: 20,000 msgs/s
    if (n % 10 === 0) ingest.handle(topicsOf[n][1], logLine);
    else ingest.handle(topicsOf[n][0], health);
  }
  const us = ((performance.now() - t0) * 1000) / messages;
  sup.stop();
  return us;
}

if (Number(values.restore) > 0) {
  // Restore only (records in memory, no database): Supervisor.restore of N online clients, inspector on.
  const n = Number(values.restore);
  const now = Date.now();
  const records = Array.from({ length: n }, (_, k) => ({
    ...emptyRecord(uuid(k), now - 86_400_000),
    discovered: true,
    hostname: `pi-${k}`,
    lastAlive: now - (k % 120) * 1000,
    connectivity: 'online' as const,
    processStatus: 'running' as const,
    screenHealthStatus: 'OK' as const,
    status: 'healthy' as const,
  }));
  // Actors created at the restore (before) and on first use (after), alternately in one process.
  const cpuMs: Record<string, number[]> = { eager: [], lazy: [] };
  for (let r = 0; r < rounds; r++) {
    for (const lazy of [false, true]) {
      (globalThis as { gc?: () => void }).gc?.();
      const clock = new SimulatedClock();
      clock.set(now);
      const feed = new InspectionFeed({ now: () => clock.now() });
      const sup = new Supervisor({ clock, bus: new EventBus(), graceMs: 170_000, persist: () => {}, inspect: feed.inspect, lazyRestore: lazy });
      const heap0 = process.memoryUsage().heapUsed;
      const t0 = performance.now();
      const cpu0 = process.cpuUsage();
      sup.restore(records);
      const cpu = process.cpuUsage(cpu0);
      const ms = Math.round((cpu.user + cpu.system) / 1000);
      cpuMs[lazy ? 'lazy' : 'eager'].push(ms);
      const heap = Math.round((process.memoryUsage().heapUsed - heap0) / 2 ** 20);
      // CPU time too: on a shared machine it is steadier than the wall clock.
      const how = lazy ? 'actors on first use' : 'actors at the restore';
      console.log(`restore of ${n.toLocaleString('en-US')} clients (inspector on, ${how}): ${Math.round(performance.now() - t0)} ms, CPU ${ms} ms, heap +${heap} MiB`);
      sup.stop();
    }
  }
  const sum = (a: number[]) => a.reduce((x, y) => x + y, 0);
  console.log(`CPU ratio (at the restore / on first use): ${(sum(cpuMs.eager) / Math.max(1, sum(cpuMs.lazy))).toFixed(1)}×`);
  process.exit(0);
}

const variants: Variant[] = [
  { name: 'every report through the machine, inspector on', holdUnchanged: false, inspector: true },
  { name: 'unchanged reports held, inspector on', holdUnchanged: true, inspector: true },
];
console.log(`bench:hot-path on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown cpu'}), Node ${process.version}`);
console.log(`${clients} clients, ${messages} messages per run (9 health : 1 log), ${rounds} alternating rounds\n`);
const results = new Map<string, number[]>(variants.map((v) => [v.name, []]));
for (let r = 0; r < rounds; r++) for (const v of variants) results.get(v.name)!.push(runOnce(v));
const f = (x: number) => x.toFixed(1);
for (const v of variants) {
  const xs = results.get(v.name)!;
  console.log(`  ${v.name}: ${xs.map(f).join(' / ')} µs per message → ${Math.round(1e6 / Math.min(...xs)).toLocaleString('en-US')} msgs/s best`);
}
const [a, b] = variants.map((v) => results.get(v.name)!);
console.log(`\n  ratio per round: ${a.map((x, i) => (x / b[i]).toFixed(1) + '×').join(', ')}`);
