/**
 * `npm run bench:metrics -- --clients 10000`: time of one `GET /metrics` scrape (docs/operations.md
 * "Metrics") through the real runtime restored from a real libSQL file: the fleet in groups, open
 * and acknowledged alerts. Prints median, p95 and max of the timed
 * scrapes and the size of the text; asserts nothing (the target is < 50 ms at 10,000 clients).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InStatement } from '@libsql/client';
import { parseCli } from './cli.ts';

const USAGE = `usage: npm run bench:metrics -- [--clients 10000] [--groups 100] [--alerts 5000] [--runs 50]

Time of GET /metrics (Prometheus text) against the real runtime restored with a generated fleet:
screens spread over groups, half of them online, and alerts (one in five open).

  --clients N   screens (10000)
  --groups N    groups the screens are spread over (100)
  --alerts N    alert rows, one in five unacknowledged (5000)
  --runs N      timed scrapes after 5 warm-up scrapes (50)
  -h, --help    this text`;

const { values } = parseCli(USAGE, {
  options: {
    clients: { type: 'string', default: '10000' },
    groups: { type: 'string', default: '100' },
    alerts: { type: 'string', default: '5000' },
    runs: { type: 'string', default: '50' },
  },
});
const [N, GROUPS, ALERTS, RUNS] = [values.clients, values.groups, values.alerts, values.runs].map(Number);

const { openDatabase } = await import('../db/client.ts');
const { migrate } = await import('../db/migrate.ts');
const { loadConfig } = await import('../config.ts');
const { startRuntime } = await import('../runtime.ts');
const { upsertClientStatement } = await import('../db/clients.ts');
const { insertGroupStatement } = await import('../db/groups.ts');
const { insertAlertStatement } = await import('../db/alerts.ts');
const { emptyRecord } = await import('../domain/client.types.ts');
const { setQuiet } = await import('../lib/logger.ts');

setQuiet(true);
const dir = mkdtempSync(join(tmpdir(), 'infoscreen-bench-metrics-'));
const config = loadConfig({ ENV: 'test', DATABASE_URL: `file:${join(dir, 'x.db')}`, DATA_DIR: dir, MQTT_EMBEDDED_PORT: '0', MQTT_ALLOW_ANONYMOUS: 'true', DEFAULT_SUPERADMIN_PASSWORD: 'bench password' });
const now = Date.now();

// The fleet and its history, written straight into the database the runtime then restores.
const db = await openDatabase(config.DATABASE_URL!);
await migrate(db);
const statements: InStatement[] = [];
for (let g = 1; g <= GROUPS; g++) statements.push(insertGroupStatement(g, { name: `Group ${g}`, description: null, displayOrder: g }, now));
for (let i = 0; i < N; i++) {
  const uuid = `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
  const online = i % 2 === 0;
  const r = { ...emptyRecord(uuid, now), groupId: i % 10 === 9 ? null : (i % GROUPS) + 1, discovered: true, connectivity: online ? 'online' : 'offline', lastAlive: now - (online ? 5_000 : 3_600_000) } as ReturnType<typeof emptyRecord>;
  statements.push(upsertClientStatement(r, now));
}
const SEVERITIES = ['info', 'warning', 'critical'] as const;
for (let i = 0; i < ALERTS; i++) {
  statements.push(insertAlertStatement({
    id: `bench-${i}`, kind: 'client-offline', severity: SEVERITIES[i % 3], message: 'offline', clientUuid: null, commandId: null, params: {}, count: 1,
    firstAt: now - i * 1000, lastAt: now - i * 1000, acknowledgedAt: i % 5 === 0 ? null : now, acknowledgedBy: null,
  }));
}
for (let i = 0; i < statements.length; i += 5000) await db.batch(statements.slice(i, i + 5000), 'write');
db.close();

const rt = await startRuntime(config);
const loopback = { incoming: { socket: { remoteAddress: '127.0.0.1' } } };
/** One scrape: wall time, and this process's CPU time (what other processes on a shared machine cannot inflate). */
const scrape = async () => {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const res = await rt.app.request('/metrics', {}, loopback);
  const text = await res.text();
  if (res.status !== 200) throw new Error(`GET /metrics answered ${res.status}: ${text}`);
  const used = process.cpuUsage(cpu);
  return { ms: performance.now() - t, cpuMs: (used.user + used.system) / 1000, text };
};
for (let i = 0; i < 5; i++) await scrape();
const wall: number[] = [];
const cpu: number[] = [];
let last = '';
for (let i = 0; i < RUNS; i++) {
  const r = await scrape();
  wall.push(r.ms);
  cpu.push(r.cpuMs);
  last = r.text;
}
const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const at = (q: number) => s[Math.min(s.length - 1, Math.floor(q * s.length))].toFixed(1);
  return `median ${at(0.5)} ms, p95 ${at(0.95)} ms, max ${s.at(-1)!.toFixed(1)} ms`;
};
const series = last.split('\n').filter((l) => l && !l.startsWith('#')).length;
console.log(`GET /metrics with ${rt.supervisor.size} clients in ${GROUPS} groups, ${ALERTS} alerts (${Math.ceil(ALERTS / 5)} open), ${RUNS} scrapes on ${process.version}`);
console.log(`  wall: ${stats(wall)}`);
console.log(`  CPU:  ${stats(cpu)}`);
console.log(`  ${series} series, ${(last.length / 1024).toFixed(1)} KiB`);
await rt.close();
rmSync(dir, { recursive: true, force: true });
