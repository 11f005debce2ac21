/**
 * Log burst side by side (docs/performance.md "Log bursts"): one device process pipelines the same
 * burst of QoS 1 log messages, per broker way (embedded aedes, a private Mosquitto), into
 *   1. the original listener's persistence design: its own stack (paho-mqtt, one SQLAlchemy ORM
 *      session per message: scripts/bench/original_listener.py) when installed, else emulated in
 *      Node (scripts/bench/original-listener.ts);
 *   2. this server (startRuntime: ingestion, the one writer, file database; behind Mosquitto with a
 *      persistent session whose PUBACK waits for the row, broker/held-acks.ts).
 * Prints, per round and variant, the time from the first publish until every row is stored, rows/s,
 * and per broker way the ratio; fails if any message is not stored exactly once.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient } from '@libsql/client';
import { parseCli } from './cli.ts';
import { startEmbeddedBroker } from '../broker/embedded.ts';
import { startOpenRuntime } from './durability-kit.ts';
import { startOriginalListener, ORIGINAL_SUBSCRIBE_QOS } from './bench/original-listener.ts';
import { pythonListenerAvailable, pythonStack, startPythonListener } from './bench/original-listener-py.ts';
import { mosquittoBinary, startMosquitto } from '../testing/helpers.ts';
import { setQuiet } from '../lib/logger.ts';

const USAGE = `usage: npm run bench:log-burst -- [--messages 20000] [--rounds 1] [--broker both] [--max-inflight 1000]

The same burst of QoS 1 log messages (one device in its own process, pipelined) stored by the
original listener's design (one transaction + commit per message, SQLite WAL, synchronous=FULL,
one message after the other) and by this server; per broker way, rows/s of each and the ratio.

  --messages N       log messages per burst (20000)
  --rounds N         every variant this many times, alternately (1)
  --broker WAY       embedded, mosquitto or both (both; mosquitto ways are skipped if it is not installed)
  --max-inflight N   Mosquitto's max_inflight_messages (1000; Mosquitto's own default is 20)
  --original STACK   python: the original's own stack (paho-mqtt, SQLAlchemy ORM; Debian's
                     python3-sqlalchemy python3-paho-mqtt), node: its design emulated in Node;
                     auto (default): python when installed, else node
  -h, --help         this text`;

const { values } = parseCli(USAGE, {
  options: {
    messages: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '1' },
    broker: { type: 'string', default: 'both' },
    'max-inflight': { type: 'string', default: '1000' },
    original: { type: 'string', default: 'auto' },
  },
});
const n = Number(values.messages);
const rounds = Number(values.rounds);
const inflight = Number(values['max-inflight']);
if (!(n > 0) || !(rounds > 0) || !(inflight >= 0) || !['embedded', 'mosquitto', 'both'].includes(values.broker) || !['auto', 'python', 'node'].includes(values.original)) {
  console.error(`--messages and --rounds must be positive, --max-inflight 0 or more, --broker embedded|mosquitto|both, --original auto|python|node\n\n${USAGE}`);
  process.exit(2);
}
const python = values.original === 'python' || (values.original === 'auto' && pythonListenerAvailable());
if (python && !pythonListenerAvailable()) {
  console.error('--original python: needs /usr/bin/python3 with SQLAlchemy and paho-mqtt (apt-get install python3-sqlalchemy python3-paho-mqtt)');
  process.exit(2);
}
const startListener = python ? startPythonListener : startOriginalListener;
setQuiet(true);

const UUID = '5e1f0000-aaaa-4bbb-8ccc-0000000b0057';
const TOPIC = `infoscreen/${UUID}/logs/info`;
const STALL_MS = 30_000; // no new row for this long: messages were lost, fail
const SERVER_CLIENT_ID = 'infoscreen-server-bench'; // stable: a persistent session (runtime/broker.ts)
// What an operator sets (docs/high-availability.md): a window that lets the server's held PUBACKs
// ride on one commit, and a queue that never drops a burst (default 1,000 drops QoS 1 messages).
const MOSQUITTO_CONF = [`max_inflight_messages ${inflight}`, `max_queued_messages ${Math.max(100_000, n)}`];

interface Figures {
  ms: number; // first publish → every row stored
  ackedMs: number; // first publish → the device's last PUBACK
}

/** The device process, connected to `url`; `go()` starts the burst and resolves when all PUBACKs are in. */
async function startDevice(url: string): Promise<{ go(): Promise<number>; child: ChildProcess }> {
  const child = fork(join(import.meta.dirname, 'bench', 'burst-device.ts'), { stdio: 'inherit' });
  const next = (type: string) =>
    new Promise<number>((resolve, reject) => {
      const on = (m: { type: string; ms?: number; message?: string }) => {
        if (m.type === type) (child.off('message', on), resolve(m.ms ?? 0));
        else if (m.type === 'error') reject(new Error(`device: ${m.message}`));
      };
      child.on('message', on);
      child.once('exit', (code) => reject(new Error(`device exited (${code}) before '${type}'`)));
    });
  const ready = next('ready');
  child.send({ url, topic: TOPIC, n });
  await ready;
  return {
    child,
    go: () => {
      const acked = next('acked');
      child.send({ type: 'go' });
      return acked;
    },
  };
}

/** Waits until `count()` reaches n; fails when it stops moving for STALL_MS (messages were lost). */
async function rowsStored(what: string, count: () => Promise<number>, pollMs: number): Promise<void> {
  let last = -1;
  let movedAt = Date.now();
  for (;;) {
    const c = await count();
    if (c >= n) return;
    if (c !== last) (last = c), (movedAt = Date.now());
    else if (Date.now() - movedAt > STALL_MS) throw new Error(`${what}: stuck at ${c} of ${n} rows for ${STALL_MS / 1000} s (messages lost?)`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
}

/** Every message `burst 0` … `burst n-1` stored exactly once, or a loud failure. */
async function verify(what: string, file: string, where = ''): Promise<void> {
  const db = createClient({ url: `file:${file}` });
  try {
    const r = await db.execute(`SELECT COUNT(*) AS total, COUNT(DISTINCT message) AS distinct_ FROM client_logs ${where}`);
    const total = Number(r.rows[0].total);
    const distinct = Number(r.rows[0].distinct_);
    if (total !== n || distinct !== n) throw new Error(`${what}: ${total} rows, ${distinct} distinct messages, expected ${n} of each`);
  } finally {
    db.close();
  }
}

type Way = 'embedded' | 'mosquitto';

async function brokerFor(way: Way): Promise<{ url: string; env: Record<string, string>; close(): Promise<void> }> {
  if (way === 'mosquitto') {
    const m = await startMosquitto(mosquittoBinary()!, MOSQUITTO_CONF);
    return { url: m.url, env: { ...m.env, MQTT_CLIENT_ID: SERVER_CLIENT_ID }, close: m.close };
  }
  const b = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, maxPayloadBytes: 1 << 20 });
  return { url: `mqtt://127.0.0.1:${b.port}`, env: {}, close: () => b.close() };
}

async function original(way: Way, dir: string): Promise<Figures> {
  const broker = await brokerFor(way);
  const file = join(dir, 'listener.db');
  try {
    const listener = await startListener(broker.url, file, n);
    const device = await startDevice(broker.url);
    const t0 = performance.now();
    const acked = device.go();
    // Its subscription is QoS 0: a broker may drop what a slow subscriber cannot take. Watch the
    // rows so such a run fails instead of waiting for ever (it does not in the default 20,000).
    const reader = createClient({ url: `file:${file}` });
    let stalled = false;
    const watch = rowsStored('original listener', async () => (stalled ? n : Number((await reader.execute('SELECT max(id) AS n FROM client_logs')).rows[0].n ?? 0)), 500);
    let ms: number;
    try {
      await Promise.race([listener.stored, watch]);
      ms = performance.now() - t0;
    } finally {
      stalled = true; // ends the watch
      await watch.catch(() => {});
      reader.close();
    }
    const ackedMs = await acked;
    await listener.close();
    await verify('original listener', file);
    return { ms, ackedMs };
  } finally {
    await broker.close();
  }
}

async function server(way: Way, dir: string): Promise<Figures> {
  // Embedded: the runtime is the broker. Mosquitto: the runtime connects to it (MQTT_BROKER_HOST).
  const external = way === 'mosquitto' ? await brokerFor(way) : null;
  // WRITE_THREAD=false npm run bench:log-burst: the writer on the main thread, for the comparison.
  const thread: Record<string, string> = process.env.WRITE_THREAD ? { WRITE_THREAD: process.env.WRITE_THREAD } : {};
  const rt = await startOpenRuntime(dir, { ...thread, ...(external?.env ?? {}) });
  const file = join(dir, 'x.db');
  const reader = createClient({ url: `file:${file}` }); // WAL: reads beside the writer
  const where = `WHERE client_uuid = '${UUID}'`;
  try {
    const device = await startDevice(external?.url ?? rt.broker.url);
    const maxId = async () => Number((await reader.execute('SELECT max(id) AS n FROM client_logs')).rows[0].n ?? 0);
    const base = await maxId(); // rows ids grow by one per stored row (the bench's device is the only writer)
    const t0 = performance.now();
    const acked = device.go();
    if (external) {
      // Mosquitto PUBACKs the device at once: wait for the rows. max(id) is one B-tree step (a
      // COUNT every 10 ms cost the server beside it ~4 %); verify() counts them exactly below.
      await rowsStored('this server', async () => (await maxId()) - base, 10);
    } else {
      // The embedded broker PUBACKs a row only once it is stored: the last PUBACK is the end.
      await acked;
      const stored = Number((await reader.execute(`SELECT COUNT(*) AS n FROM client_logs ${where}`)).rows[0].n);
      if (stored !== n) throw new Error(`this server: ${stored} of ${n} rows stored when the device's last PUBACK arrived`);
    }
    const ms = performance.now() - t0;
    const ackedMs = await acked;
    await rt.writer.settled();
    await rt.close();
    await verify('this server', file, where);
    return { ms, ackedMs };
  } finally {
    reader.close();
    await rt.close().catch(() => {});
    await external?.close();
  }
}

const ways: Way[] = values.broker === 'both' ? ['embedded', 'mosquitto'] : [values.broker as Way];
const haveMosquitto = mosquittoBinary() !== null;
const fmt = (x: number) => Math.round(x).toLocaleString('en-US');
console.log(`bench:log-burst on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown cpu'}), Node ${process.version}, load average ${loadavg()[0].toFixed(1)}`);
console.log(`${fmt(n)} QoS 1 log messages from one device process (MQTT 3.1.1, pipelined); time from the first publish until every row is stored`);
console.log(
  python
    ? `original listener: its own stack (${pythonStack()}), one ORM session + commit per message, subscribes at QoS ${ORIGINAL_SUBSCRIBE_QOS}, SQLite WAL, synchronous=FULL`
    : `original listener: emulated in Node (install python3-sqlalchemy python3-paho-mqtt for its own stack), subscribes at QoS ${ORIGINAL_SUBSCRIBE_QOS}, one transaction + commit per message, SQLite WAL, synchronous=FULL`,
);
console.log(`this server behind Mosquitto: MQTT 3.1.1, persistent session (MQTT_CLIENT_ID), QoS 1, PUBACK once the row is stored`);
if (ways.includes('mosquitto') && haveMosquitto) console.log(`mosquitto.conf: ${MOSQUITTO_CONF.join(', ')}, persistence false, anonymous`);

const totals = new Map<string, number>();
for (let r = 1; r <= rounds; r++) {
  for (const way of ways) {
    if (way === 'mosquitto' && !haveMosquitto) continue;
    for (const [name, run] of [['original', original], ['server', server]] as const) {
      const dir = mkdtempSync(join(tmpdir(), `log-burst-${name}-`));
      try {
        const f = await run(way, dir);
        totals.set(`${way} ${name}`, (totals.get(`${way} ${name}`) ?? 0) + f.ms);
        const label = name === 'original' ? 'original listener' : 'this server';
        console.log(
          `round ${r}  ${way.padEnd(9)} ${label.padEnd(17)} ${fmt(f.ms).padStart(7)} ms  ${fmt((n * 1000) / f.ms).padStart(7)} rows/s  (device's last PUBACK after ${fmt(f.ackedMs)} ms)`,
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    }
  }
}
for (const way of ways) {
  const o = totals.get(`${way} original`);
  const s = totals.get(`${way} server`);
  if (o && s) console.log(`${way}: this server / original (rows/s, over all rounds) = ${(o / s).toFixed(2)}×`);
  else console.log(`${way}: skipped: mosquitto not installed`);
}
process.exit(0);
