/**
 * `npm run demo`: the real server with its embedded broker, plus a simulated
 * fleet of ~50 screens in 5 groups (scripts/demo-fleet.ts) speaking the real MQTT contract through
 * real device accounts (provisioned with the server's own provisioning, so the ACL applies as in
 * production). Prints the dashboard URL and the login; Ctrl-C stops screens, server, broker and
 * database cleanly.
 *
 *   npm run demo                       # data in data/demo, ports 8080 / 1883 (any free port if taken)
 *   npm run demo -- --clients 20 --speed 4 --fresh --port 0 --mqtt-port 0 --data-dir /tmp/demo
 *
 * Its own DATA_DIR and database (never the real `data/infoscreen.db`); the environment's
 * DATABASE_URL, DATA_DIR and MQTT_* settings are ignored on purpose. A short grace period (45 s)
 * lets silent screens turn offline while you watch.
 */
import { rmSync, mkdirSync } from 'node:fs';
import net from 'node:net';
import { join, resolve } from 'node:path';
import { parseCli } from './cli.ts';
import { serve } from '@hono/node-server';
import { loadConfig } from '../config.ts';
import { startRuntime } from '../runtime.ts';
import { setQuiet } from '../lib/logger.ts';
import { childRng } from './sim/rng.ts';
import { newStats, VirtualClient } from './sim/virtual-client.ts';
import { DEMO_GROUPS, demoPlan, profileCounts } from './demo-fleet.ts';
import { scheduleEdits } from '../services/schedule/edits.ts';
import { fromWall } from '../lib/schedule/zone.ts';
import { findGroupByName } from '../db/groups.ts';
import { listEvents } from '../db/events.ts';

const USAGE = `usage: npm run demo -- [--clients 50] [--speed 1] [--seed 7] [--port N] [--mqtt-port N] [--data-dir data/demo] [--password p] [--fresh] [--verbose]

The server with its embedded broker plus a simulated fleet in 5 groups, on its own data folder.

  --clients N      simulated screens (50)
  --speed N        time factor of the screens' intervals (1)
  --seed N         fleet seed (7)
  --port N         dashboard port (8080, any free one if taken; 0 = any)
  --mqtt-port N    embedded broker port (1883, any free one if taken; 0 = any)
  --data-dir dir   data folder (data/demo)
  --password p     the demo superadmin's password (infoscreen-demo)
  --fresh          start from an empty data folder
  --verbose        print the screens' command handling
  -h, --help       this text`;

const { values: a } = parseCli(USAGE, {
  options: {
    clients: { type: 'string', default: '50' },
    speed: { type: 'string', default: '1' },
    seed: { type: 'string', default: '7' },
    port: { type: 'string' },
    'mqtt-port': { type: 'string' },
    'data-dir': { type: 'string', default: 'data/demo' },
    password: { type: 'string', default: 'infoscreen-demo' },
    fresh: { type: 'boolean', default: false },
    verbose: { type: 'boolean', default: false },
  },
  strict: true,
});
const clients = Number(a.clients);
const speed = Number(a.speed);
if (!Number.isInteger(clients) || clients < 1 || clients > 1000 || !(speed > 0)) {
  console.error('bad arguments: --clients 1..1000, --speed > 0');
  process.exit(2);
}

/** The preferred port when it is free, else any free one (0). */
async function portOr0(preferred: number): Promise<number> {
  const free = await new Promise<boolean>((done) => {
    const s = net.createServer().once('error', () => done(false));
    s.listen(preferred, '127.0.0.1', () => s.close(() => done(true)));
  });
  return free ? preferred : 0;
}

const dataDir = resolve(a['data-dir']!);
if (a.fresh) rmSync(dataDir, { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true });
setQuiet(!a.verbose);

const config = loadConfig({
  ENV: 'development',
  HOST: process.env.HOST,
  PORT: String(a.port ?? (await portOr0(8080))),
  DATA_DIR: dataDir,
  DATABASE_URL: `file:${join(dataDir, 'infoscreen.db')}`,
  MQTT_EMBEDDED_PORT: String(a['mqtt-port'] ?? (await portOr0(1883))),
  DEFAULT_SUPERADMIN_PASSWORD: a.password,
  HEARTBEAT_GRACE_PERIOD_DEV: '45',
  PUBLIC_URL: process.env.PUBLIC_URL,
});
const rt = await startRuntime(config);
let stopServer: () => void = () => {};
const port = await new Promise<number>((done) => {
  const server = serve({ fetch: rt.app.fetch, port: config.PORT, hostname: config.HOST }, (info) => done(info.port));
  stopServer = () => {
    (server as unknown as { closeAllConnections?: () => void }).closeAllConnections?.(); // SSE streams 
    server.close();
  };
});
while (!rt.broker.connection.connected) await new Promise((r) => setTimeout(r, 20));

// Groups and a school-day schedule per group through the same domain the API uses (ids, rules and
// republishing stay consistent), then accounts, rooms and groups per screen.
const edits = scheduleEdits({ db: rt.db, ids: rt.parts.ids, writer: rt.writer, now: () => Date.now(), config: rt.config, fleet: rt.fleet, scheduler: rt.scheduler });
const groupIds = new Map<string, number>();
for (const g of DEMO_GROUPS) {
  const existing = await findGroupByName(rt.db, g.name);
  const made = existing ? null : await edits.createGroup({ name: g.name, description: g.description });
  const id = existing?.id ?? (made?.ok ? made.value.id : null);
  if (id === null) throw new Error(`demo: cannot create group ${g.name}`);
  groupIds.set(g.name, id);
  if ((await listEvents(rt.db, { groupId: id })).length > 0) continue;
  // Today 07:00–17:00 in the schedule's zone, every weekday: screens show it, TVs follow it.
  const day = new Intl.DateTimeFormat('en-CA', { timeZone: rt.config.SCHEDULE_TIMEZONE }).format(new Date());
  const res = await edits.createEvent({
    groupId: id, title: `${g.name}: school day`, eventType: 'website', website: { url: 'https://example.org/' },
    start: fromWall(Date.parse(`${day}T07:00:00Z`), rt.config.SCHEDULE_TIMEZONE), end: fromWall(Date.parse(`${day}T17:00:00Z`), rt.config.SCHEDULE_TIMEZONE),
    timezone: rt.config.SCHEDULE_TIMEZONE, recurrenceRule: 'FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR',
  });
  if (!res.ok) console.warn(`demo: no schedule for ${g.name}: ${JSON.stringify(res)}`);
}

const plan = demoPlan(clients, Number(a.seed));
const stats = newStats();
const fleet: VirtualClient[] = [];
for (const [i, c] of plan.entries()) {
  const account = await rt.brokerSide.provisioning.provision(c.uuid, 'demo');
  const groupId = groupIds.get(DEMO_GROUPS[c.group]!.name) ?? null;
  const r = rt.fleet.get(c.uuid);
  if (r?.description !== c.room || r?.groupId !== groupId) await rt.fleet.updateClient(c.uuid, { description: c.room, groupId });
  fleet.push(
    new VirtualClient({
      uuid: c.uuid, profile: c.profile, url: rt.broker.url, username: account.username, password: account.password,
      speed, stats, rng: childRng(Number(a.seed), i), startDelayMs: (i * 3000) / clients,
    }),
  );
}
const started = Promise.all(fleet.map((v) => v.start().catch((err) => console.error(`screen ${v.uuid} could not connect: ${err.message}`))));

const host = config.HOST === '0.0.0.0' ? 'localhost' : config.HOST;
console.log(
  [
    `infoscreen demo: ${clients} simulated screens in ${DEMO_GROUPS.length} groups ${JSON.stringify(profileCounts(plan))}, speed ${speed}`,
    `  dashboard: http://${host}:${port}/`,
    `  login:     superadmin / ${a.password}   (set on the demo's first start; --fresh resets it)`,
    `  MQTT:      ${rt.broker.url} (one device account per screen, ACL enforced)`,
    `  data:      ${dataDir} (separate from the real database; delete it or use --fresh to start over)`,
    '  Press Ctrl-C to stop.',
  ].join('\n'),
);

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  console.log(`${signal}: stopping the demo`);
  const force = setTimeout(() => {
    console.error('the demo did not stop within 8 s; exiting anyway');
    process.exit(1);
  }, 8000);
  force.unref();
  await started;
  await Promise.all(fleet.map((v) => v.stop()));
  stopServer();
  await rt.close();
  const sent = Object.values(stats.published).reduce((s, n) => s + n, 0);
  console.log(`demo stopped (${sent} messages sent by the screens)`);
  clearTimeout(force);
  process.exit(0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
