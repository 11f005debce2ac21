/**
 * `npm run bench:availability -- --clients 5000 --days 30`: time of `GET /api/reports/availability`
 * over a fleet's connectivity history (docs/availability.md "Performance"), measured through the
 * real Hono app on a real libSQL file: JSON for all hours, JSON for scheduled hours, CSV. Prints
 * the figures; asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { InStatement } from '@libsql/client';
import { parseCli } from './cli.ts';

const USAGE = `usage: npm run bench:availability -- [--clients 5000] [--days 30] [--groups 50] [--runs 5]

Time of GET /api/reports/availability (JSON all hours, JSON scheduled hours, CSV) over a
generated connectivity history: every screen off at night, one outage in ten days, one
server crash of 30 minutes; weekday schedules 07:00-17:00 in Europe/Vienna.

  --clients N   screens (5000)
  --days N      days of history, the report's window (30)
  --groups N    groups, each with a weekday event (50)
  --runs N      timed requests per kind, the median is printed (5)
  -h, --help    this text`;

const { values } = parseCli(USAGE, {
  options: {
    clients: { type: 'string', default: '5000' },
    days: { type: 'string', default: '30' },
    groups: { type: 'string', default: '50' },
    runs: { type: 'string', default: '5' },
  },
});
const N = Number(values.clients);
const DAYS = Number(values.days);
const GROUPS = Number(values.groups);
const RUNS = Number(values.runs);

const { openDatabase } = await import('../db/client.ts');
const { migrate } = await import('../db/migrate.ts');
const { BatchedWriter } = await import('../db/writer.ts');
const { loadConfig } = await import('../config.ts');
const { createApp } = await import('../app.ts');
const { MapFleet, json, cookieOf } = await import('../testing/route-fixture.ts');
const { upsertClientStatement } = await import('../db/clients.ts');
const { insertGroupStatement } = await import('../db/groups.ts');
const { insertEventStatement } = await import('../db/events.ts');
const { insertUserStatement } = await import('../db/users.ts');
const { hashPassword } = await import('../lib/password.ts');
const { connectivityChangeStatement, serverAliveStatement, serverRunEndStatement, serverRunStartStatement } = await import('../db/connectivity.ts');
const { fromWall } = await import('../lib/schedule/zone.ts');
const { setQuiet } = await import('../lib/logger.ts');

setQuiet(true);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const TZ = 'Europe/Vienna';
const dir = process.env.BENCH_DIR ?? mkdtempSync(join(tmpdir(), 'infoscreen-bench-availability-'));
const config = loadConfig({ ENV: 'test', DATABASE_URL: `file:${join(dir, 'x.db')}`, DATA_DIR: dir });
const db = await openDatabase(config.DATABASE_URL!);
await migrate(db);

// The window: the last DAYS whole local days before "now".
const today = fromWall(Date.UTC(2026, 9, 31), TZ); // 31 October 2026: the autumn switch is inside a 30-day window
const from = fromWall(Date.UTC(2026, 9, 31) - DAYS * DAY, TZ);
const now = today + 8 * HOUR;

let rand = 42; // deterministic pseudo-random numbers (a small LCG): the same history every run
const random = () => ((rand = (rand * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31);

const setupStarted = performance.now();
const statements: InStatement[] = [];
for (let g = 1; g <= GROUPS; g++) {
  statements.push(insertGroupStatement(g, { name: `Group ${g}`, description: null, displayOrder: g }, from));
  const start = fromWall(Date.UTC(2026, 0, 5, 7), TZ); // Monday 5 January 2026, 07:00 local
  statements.push(insertEventStatement(g, {
    groupId: g, title: 'Day', description: null, eventType: 'message', start, end: start + 10 * HOUR, timezone: TZ,
    recurrenceRule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR', skipHolidays: false, isActive: true, fields: { message: { text: 'x' } },
  }, from));
}
const fleet = new MapFleet();
let changes = 0;
for (let i = 0; i < N; i++) {
  const uuid = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
  const record = fleet.put({ uuid, description: `Screen ${i}`, groupId: (i % GROUPS) + 1 }, from - DAY);
  statements.push(upsertClientStatement(record, from - DAY), connectivityChangeStatement(uuid, 'offline', from - DAY));
  for (let d = 0; d < DAYS; d++) {
    const midnight = fromWall(Date.UTC(2026, 9, 31) - (DAYS - d) * DAY, TZ);
    const on = midnight + 6.5 * HOUR + random() * HOUR;
    const off = midnight + 18 * HOUR + random() * 2 * HOUR;
    statements.push(connectivityChangeStatement(uuid, 'online', Math.round(on)));
    if (random() < 0.1) {
      const down = on + random() * 8 * HOUR;
      statements.push(connectivityChangeStatement(uuid, 'offline', Math.round(down)), connectivityChangeStatement(uuid, 'online', Math.round(down + 15 * 60_000 + random() * 2 * HOUR)));
      changes += 2;
    }
    statements.push(connectivityChangeStatement(uuid, 'offline', Math.round(off)));
    changes += 2;
  }
}
const crash = from + Math.floor(DAYS / 2) * DAY + 10 * HOUR;
statements.push(
  serverRunStartStatement('run-1', from - DAY), serverAliveStatement('run-1', crash),
  serverRunStartStatement('run-2', crash + 30 * 60_000), serverAliveStatement('run-2', now),
);
statements.push(insertUserStatement({ username: 'bench', passwordHash: await hashPassword('bench password', { N: 2 ** 10, r: 8, p: 1 }), role: 'user' }, now));
// BENCH_DIR=<dir> keeps the generated database there and reuses it on the next run.
const reuse = Number((await db.execute('SELECT count(*) AS n FROM server_runs')).rows[0].n) > 0;
if (!reuse) for (let i = 0; i < statements.length; i += 20_000) await db.batch(statements.slice(i, i + 20_000), 'write');
void serverRunEndStatement; // (runs end cleanly in the server; here run 1 crashed and run 2 answers)
console.log(`setup: ${N} screens, ${GROUPS} groups, ${DAYS} days, ${changes} connectivity changes in the window (${((performance.now() - setupStarted) / 1000).toFixed(1)} s)`);

const writer = new BatchedWriter(db, { flushMs: 200, freshnessMs: 30_000, clientUpsert: () => null, now: () => now });
const app = createApp({
  config, db, writer, fleet, screenshots: { latest: async () => null, activePriority: async () => null },
  brokerStatus: () => ({ connected: true }), now: () => now,
});
const login = await app.request('/api/auth/login', json('POST', { username: 'bench', password: 'bench password' }));
const cookie = cookieOf(login);

const window = `from=${new Date(from).toISOString()}&to=${new Date(today).toISOString()}`;
const kinds: Array<[string, string]> = [
  ['JSON, all hours', `${window}`],
  ['JSON, scheduled hours', `${window}&scheduled=on`],
  ['CSV, all hours', `${window}&format=csv`],
];
// One untimed request first: the first run of every code path pays for the JIT compiler.
await (await app.request(`/api/reports/availability?${window}`, { headers: { cookie } })).text();
for (const [name, query] of kinds) {
  const times: number[] = [];
  const cpu: number[] = [];
  let bytes = 0;
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    const res = await app.request(`/api/reports/availability?${query}`, { headers: { cookie } });
    const body = await res.text();
    times.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
    bytes = body.length;
    if (res.status !== 200) throw new Error(`${name}: ${res.status} ${body.slice(0, 200)}`);
  }
  times.sort((a, b) => a - b);
  cpu.sort((a, b) => a - b);
  const mid = Math.floor(RUNS / 2);
  // CPU time beside wall time: on a machine shared with other work the wall clock mostly measures the others.
  console.log(`${name}: median ${times[mid].toFixed(0)} ms (best ${times[0].toFixed(0)}, worst ${times.at(-1)!.toFixed(0)}), CPU median ${cpu[mid].toFixed(0)} ms, ${(bytes / 1e6).toFixed(1)} MB`);
}
// Where the time goes: the history read, the pure report, the JSON text.
const { loadHistories } = await import('../db/connectivity.ts');
const { loadAvailability, reportJson } = await import('../routes/reports.ts');
const { parseAvailabilityQuery } = await import('../routes/reports-query.ts');
const q = (parseAvailabilityQuery((k) => new URLSearchParams(window).get(k) ?? undefined, now, TZ) as { query: any }).query;
let t0 = performance.now();
await loadHistories(db, from, today);
const readMs = performance.now() - t0;
t0 = performance.now();
const report = (await loadAvailability({ db, writer, fleet, config, now: () => now }, q))!;
const loadMs = performance.now() - t0;
t0 = performance.now();
const text = JSON.stringify(reportJson(report, q, now));
const jsonMs = performance.now() - t0;
console.log(`breakdown (one JSON request): history read ${readMs.toFixed(0)} ms, inputs + report ${loadMs.toFixed(0)} ms, JSON ${jsonMs.toFixed(0)} ms (${(text.length / 1e6).toFixed(1)} MB)`);
await writer.stop();
db.close();
if (!process.env.BENCH_DIR) rmSync(dir, { recursive: true, force: true });
