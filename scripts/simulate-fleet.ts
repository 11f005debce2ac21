/**
 * Fleet simulator: N virtual infoscreen clients against a broker, speaking docs/mqtt.md and acking
 * commands like field clients (docs/commands.md). Deterministic UUIDs and profiles from --seed.
 *
 *   npm run simulate -- --url mqtt://127.0.0.1:1883 --clients 50 --seed 1
 *   npm run simulate -- --clients 50000 --shared --duration 120        (one connection; benchmarks)
 *   npm run simulate -- --clients 20 --speed 10 --mix healthy=50,crashing=50 --verbose
 *
 * Options: --url, --clients (50), --seed (1), --speed (1: real intervals), --duration s (0: until
 * Ctrl-C), --shared, --profile <one for all> | --mix name=weight,…, --ramp s (spread the boots),
 * --username/--password (one account for every client: development brokers only), --protocol 4|5,
 * --verbose (print command handling), --stats s (10; 0 = only the final summary).
 */
import { parseCli } from './cli.ts';
import mqtt, { type MqttClient } from 'mqtt';
import { childRng, pick, rng, seededUuid } from './sim/rng.ts';
import { newStats, PROFILES, VirtualClient, type Profile } from './sim/virtual-client.ts';

const USAGE = `usage: npm run simulate -- [--url mqtt://127.0.0.1:1883] [--clients 50] [options]

Virtual infoscreen clients against a broker, speaking the MQTT contract and acking commands.

  --url URL           broker (mqtt://127.0.0.1:1883)
  --clients N         virtual clients (50)
  --seed N            deterministic uuids and profiles (1)
  --speed N           time factor of the intervals (1 = real time)
  --duration s        stop after s seconds (0 = until Ctrl-C)
  --shared            one connection for all clients (benchmarks)
  --profile name      one profile for all, or --mix name=weight,… (healthy, flaky, crashing, service_failed, black_screen)
  --ramp s            spread the boots over s seconds
  --username, --password   one account for every client (development brokers only)
  --protocol 4|5      MQTT protocol version (4)
  --verbose           print command handling
  --stats s           print statistics every s seconds (10; 0 = only the summary)
  -h, --help          this text`;

const { values: a } = parseCli(USAGE, {
  options: {
    url: { type: 'string', default: 'mqtt://127.0.0.1:1883' },
    clients: { type: 'string', default: '50' },
    seed: { type: 'string', default: '1' },
    speed: { type: 'string', default: '1' },
    duration: { type: 'string', default: '0' },
    shared: { type: 'boolean', default: false },
    profile: { type: 'string' },
    mix: { type: 'string', default: 'healthy=85,flaky=4,crashing=4,service_failed=3,black_screen=4' },
    ramp: { type: 'string' },
    username: { type: 'string' },
    password: { type: 'string' },
    protocol: { type: 'string', default: '4' },
    verbose: { type: 'boolean', default: false },
    stats: { type: 'string', default: '10' },
  },
  strict: true,
});

const n = Number(a.clients);
const seed = Number(a.seed);
const speed = Number(a.speed);
const durationS = Number(a.duration);
const rampMs = (a.ramp === undefined ? Math.min(30, n / 100) : Number(a.ramp)) * 1000;
if (!Number.isInteger(n) || n < 1 || !Number.isFinite(seed) || !(speed > 0) || !(durationS >= 0) || !(rampMs >= 0)) {
  console.error('bad arguments: --clients must be a positive integer, --speed > 0, --duration and --ramp ≥ 0');
  process.exit(2);
}

/** `healthy=85,flaky=5` → a picker; or every client the one --profile. */
function profilePicker(): (r: () => number) => Profile {
  if (a.profile) {
    if (!PROFILES.includes(a.profile as Profile)) throw new Error(`unknown profile ${a.profile}; one of ${PROFILES.join(', ')}`);
    return () => a.profile as Profile;
  }
  const weights = a.mix!.split(',').map((kv) => {
    const [name, w] = kv.split('=');
    if (!PROFILES.includes(name as Profile) || !(Number(w) >= 0)) throw new Error(`bad --mix entry "${kv}"`);
    return [name as Profile, Number(w)] as const;
  });
  const total = weights.reduce((s, [, w]) => s + w, 0);
  return (r) => {
    let x = r() * total;
    for (const [name, w] of weights) if ((x -= w) < 0) return name;
    return weights.at(-1)![0];
  };
}

const stats = newStats();
const clients = new Map<string, VirtualClient>();
const pickProfile = profilePicker();
const ids = rng(seed);
let shared: MqttClient | null = null;
if (a.shared) {
  shared = await mqtt.connectAsync(a.url!, {
    clientId: `sim-shared-${seed}-${process.pid}`,
    username: a.username,
    password: a.password,
    protocolVersion: Number(a.protocol) as 4 | 5,
    reconnectPeriod: 2000,
  });
  shared.on('error', (err) => console.error(`shared connection: ${err.message}`));
  // One subscription for the whole fleet, routed by the uuid segment of the topic.
  await shared.subscribeAsync(['infoscreen/+/commands', 'infoscreen/+/command', 'infoscreen/+/group_id'], { qos: 1 });
  shared.on('message', (topic, payload) => clients.get(topic.split('/')[1]!)?.handleMessage(topic, payload));
}

for (let i = 0; i < n; i++) {
  const uuid = seededUuid(ids);
  const r = childRng(seed, i);
  const profile = pickProfile(r);
  clients.set(
    uuid,
    new VirtualClient({
      uuid,
      profile,
      rng: r,
      speed,
      stats,
      ...(shared ? { shared } : { url: a.url, username: a.username, password: a.password, protocolVersion: Number(a.protocol) as 4 | 5 }),
      startDelayMs: (i * rampMs) / n,
      onEvent: a.verbose ? (u, msg) => console.log(`${new Date().toISOString()} ${u.slice(0, 8)} ${msg}`) : undefined,
    }),
  );
}

const byProfile: Record<string, number> = {};
for (const c of clients.values()) byProfile[c.profile] = (byProfile[c.profile] ?? 0) + 1;
console.log(`simulating ${n} clients against ${a.url} (seed ${seed}, speed ${speed}, ${shared ? 'one shared connection' : 'one connection each'}): ${JSON.stringify(byProfile)}`);
if (a.verbose) console.log(`first uuids: ${[...clients.keys()].slice(0, 3).join(', ')}`);

const started = Date.now();
let failedStarts = 0;
const starting = Promise.all(
  [...clients.values()].map((c) =>
    c.start().catch((err) => {
      if (failedStarts++ === 0) console.error(`client ${c.uuid} could not connect: ${err.message}`);
    }),
  ),
);

let last = { at: started, total: 0 };
const totalPublished = () => Object.values(stats.published).reduce((s, v) => s + v, 0);
function line(final = false) {
  const now = Date.now();
  const total = totalPublished();
  const rate = ((total - last.total) * 1000) / Math.max(1, now - last.at);
  last = { at: now, total };
  const online = [...clients.values()].filter((c) => c.online).length;
  const secs = ((now - started) / 1000).toFixed(0);
  console.log(
    `${final ? 'final' : `t+${secs}s`}: online ${online}/${n}, published ${total}${final ? '' : ` (${rate.toFixed(0)}/s)`} ${JSON.stringify(stats.published)}, ` +
      `commands ${stats.commands} (duplicates ${stats.duplicates}, rejected ${stats.rejected}), reconnects ${stats.reconnects}, publish errors ${stats.publishErrors}` +
      (failedStarts ? `, failed to connect ${failedStarts}` : ''),
  );
}
const statsEvery = Number(a.stats) * 1000;
const ticker = statsEvery > 0 ? setInterval(line, statsEvery) : null;

let stopping = false;
async function shutdown(reason: string) {
  if (stopping) return;
  stopping = true;
  if (ticker) clearInterval(ticker);
  console.log(`${reason}: stopping ${n} clients`);
  const force = setTimeout(() => {
    console.error('clients did not stop within 5 s; exiting anyway');
    process.exit(1);
  }, 5000);
  force.unref();
  await Promise.all([...clients.values()].map((c) => c.stop()));
  await shared?.endAsync();
  line(true);
  process.exit(failedStarts === n ? 1 : 0);
}
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));

if (durationS > 0) setTimeout(() => void shutdown(`${durationS} s elapsed`), durationS * 1000);
await starting;
if (failedStarts === n) await shutdown('no client could connect');
