/**
 * Log burst side by side (docs/performance.md "Log bursts"): the same burst of QoS 1 log messages
 *   1. into the original listener's persistence design: a subscriber on a plain embedded broker
 *      that stores each message in its own transaction (one INSERT + commit per message) on a
 *      SQLite WAL file through @libsql/client, one message after the other;
 *   2. into this server (startRuntime: embedded broker, ingestion, the one writer, file database).
 * Prints, per variant, the time from the first publish until every row is stored, rows/s and the ratio.
 *
 *   npm run bench:log-burst -- [--messages 20000] [--rounds 1]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type MqttClient } from 'mqtt';
import { createClient } from '@libsql/client';
import { parseCli } from './cli.ts';
import { startEmbeddedBroker } from '../broker/embedded.ts';
import { openDatabase } from '../db/client.ts';
import { startOpenRuntime } from './durability-kit.ts';
import { setQuiet } from '../lib/logger.ts';

const USAGE = `usage: npm run bench:log-burst -- [--messages 20000] [--rounds 1]

The same burst of QoS 1 log messages (one device, pipelined) stored by the original listener's
design (one transaction + commit per message, SQLite WAL via @libsql/client) and by this server's
ingest path; prints rows/s of each and the ratio.

  --messages N   log messages per burst (20000)
  --rounds N     both variants this many times, alternately (1)
  -h, --help     this text`;

const { values } = parseCli(USAGE, {
  options: { messages: { type: 'string', default: '20000' }, rounds: { type: 'string', default: '1' } },
});
const n = Number(values.messages);
const rounds = Number(values.rounds);
if (!(n > 0) || !(rounds > 0)) {
  console.error('--messages and --rounds must be positive');
  process.exit(2);
}
setQuiet(true);

const UUID = '5e1f0000-aaaa-4bbb-8ccc-0000000b0057';
const TOPIC = `infoscreen/${UUID}/logs/info`;
const payload = (i: number) => JSON.stringify({ timestamp: new Date().toISOString(), message: `burst ${i}`, context: null });

/** The device: every message published at once (QoS 1), resolved when all are PUBACKed. */
async function burst(url: string): Promise<void> {
  const dev = await mqtt.connectAsync(url, { clientId: `burst-${process.pid}-${Math.random()}`, protocolVersion: 4, reconnectPeriod: 0 });
  await Promise.all(Array.from({ length: n }, (_, i) => dev.publishAsync(TOPIC, payload(i), { qos: 1 })));
  await dev.endAsync();
}

async function countRows(file: string, table: string): Promise<number> {
  const db = await openDatabase(`file:${file}`);
  try {
    return Number((await db.execute(`SELECT count(*) AS n FROM ${table}`)).rows[0].n);
  } finally {
    db.close();
  }
}

/** 1. One INSERT + commit per message, in arrival order (the original listener's session per message). */
async function original(dir: string): Promise<number> {
  const file = join(dir, 'listener.db');
  const db = createClient({ url: `file:${file}` });
  await db.execute('PRAGMA journal_mode=WAL');
  await db.execute(
    'CREATE TABLE client_logs (id INTEGER PRIMARY KEY, client_uuid TEXT NOT NULL, level TEXT NOT NULL, timestamp TEXT, received_at TEXT NOT NULL, message TEXT, context TEXT)',
  );
  const broker = await startEmbeddedBroker({ host: '127.0.0.1', port: 0, maxPayloadBytes: 1 << 20 });
  const url = `mqtt://127.0.0.1:${broker.port}`;
  const listener: MqttClient = await mqtt.connectAsync(url, { clientId: 'listener', protocolVersion: 4, reconnectPeriod: 0 });
  let stored = 0;
  let done: () => void = () => {};
  const all = new Promise<void>((r) => (done = r));
  let chain = Promise.resolve();
  listener.on('message', (topic, buf) => {
    chain = chain.then(async () => {
      const m = JSON.parse(buf.toString()) as { timestamp: string; message: string; context: unknown };
      const tx = await db.transaction('write');
      await tx.execute({
        sql: 'INSERT INTO client_logs (client_uuid, level, timestamp, received_at, message, context) VALUES (?, ?, ?, ?, ?, ?)',
        args: [topic.split('/')[1], 'INFO', m.timestamp, new Date().toISOString(), m.message, m.context === null ? null : JSON.stringify(m.context)],
      });
      await tx.commit();
      if (++stored === n) done();
    });
  });
  await listener.subscribeAsync('infoscreen/+/logs/+', { qos: 1 });
  const t0 = performance.now();
  await burst(url);
  await all;
  const ms = performance.now() - t0;
  await listener.endAsync();
  await broker.close();
  db.close();
  if ((await countRows(file, 'client_logs')) !== n) throw new Error('original listener: rows missing');
  return ms;
}

/** 2. This server: PUBACK once stored (durable acks), rows through the one writer. */
async function server(dir: string): Promise<number> {
  const rt = await startOpenRuntime(dir);
  try {
    const t0 = performance.now();
    await burst(rt.broker.url);
    await rt.writer.settled();
    const ms = performance.now() - t0;
    await rt.close();
    const rows = await countRows(join(dir, 'x.db'), `client_logs WHERE client_uuid = '${UUID}'`);
    if (rows !== n) throw new Error(`server: ${rows} of ${n} rows stored`);
    return ms;
  } finally {
    await rt.close().catch(() => {});
  }
}

console.log(`bench:log-burst on ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown cpu'}), Node ${process.version}, load average ${loadavg()[0].toFixed(1)}`);
console.log(`${n.toLocaleString('en-US')} QoS 1 log messages from one device, pipelined; time from the first publish until every row is stored`);
const totals = { original: 0, server: 0 };
for (let r = 1; r <= rounds; r++) {
  for (const [name, run] of [['original', original], ['server', server]] as const) {
    const dir = mkdtempSync(join(tmpdir(), `log-burst-${name}-`));
    try {
      const ms = await run(dir);
      totals[name] += ms;
      const label = name === 'original' ? 'original listener (INSERT + commit per message)' : "this server's ingest path";
      console.log(`round ${r}  ${label.padEnd(48)} ${Math.round(ms).toLocaleString('en-US').padStart(7)} ms  ${Math.round((n * 1000) / ms).toLocaleString('en-US').padStart(7)} rows/s`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
console.log(`ratio (rows/s of this server / original listener): ${(totals.original / totals.server).toFixed(1)}×`);
process.exit(0);
