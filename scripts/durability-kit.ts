/**
 * The two durability measurements (docs/reliability.md), shared by scripts/bench-durability.ts and
 * tests/durability.e2e.test.ts:
 * - `killNineRun`: the real server process (scripts/start.node.ts, embedded broker, file database);
 *   a device pipelines N QoS 1 log messages; the server gets SIGKILL the moment the `killAt`-th
 *   PUBACK arrives; then the server is started again on the same file, stopped, and every
 *   PUBACKed row is looked up.
 * - `ioFaultRun`: the runtime in-process; the store fails for `faultMs` (PRAGMA query_only on the
 *   runtime's own connection: SQLite answers SQLITE_READONLY) while the device keeps publishing;
 *   after recovery every PUBACKed row is looked up.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { openDatabase } from '../db/client.ts';
import { loadConfig } from '../config.ts';
import { startRuntime } from '../runtime.ts';
import { setQuiet } from '../lib/logger.ts';
import { serverEnv, startServer, type ServerProcess } from '../testing/server-process.ts';

export const UUID = '5e1f0000-aaaa-4bbb-8ccc-00000000d0ab';
export const LOG_TOPIC = `infoscreen/${UUID}/logs/info`;
export const logPayload = (i: number) => JSON.stringify({ timestamp: new Date().toISOString(), message: `durable ${i}`, context: null });

export interface LossFigures {
  published: number;
  acked: number; // PUBACKs the device received
  stored: number; // of those, rows found after the restart / recovery
  lost: number; // acked − stored
}

/** The server on `dir`; the device connects without an account and is never rate-limited. */
export function startDurable(dir: string, extra: Record<string, string>): ServerProcess {
  const limits = { MQTT_ALLOW_ANONYMOUS: 'true', MQTT_PUBLISH_RATE: '100000', MQTT_PUBLISH_BURST: '100000' };
  return startServer(serverEnv(dir, { ...limits, ...extra }));
}

export async function storedOf(dbFile: string, acked: Set<number>): Promise<number> {
  const db = await openDatabase(`file:${dbFile}`);
  try {
    const rows = await db.execute({ sql: 'SELECT message FROM client_logs WHERE client_uuid = ?', args: [UUID] });
    const have = new Set(rows.rows.map((r) => String(r.message)));
    let n = 0;
    for (const i of acked) if (have.has(`durable ${i}`)) n++;
    return n;
  } finally {
    db.close();
  }
}

/** Log rows of the test device: all of them, and how many distinct messages (duplicates = total − distinct). */
export async function logRowCounts(dbFile: string): Promise<{ total: number; distinct: number }> {
  const db = await openDatabase(`file:${dbFile}`);
  try {
    const r = await db.execute({ sql: 'SELECT COUNT(*) AS total, COUNT(DISTINCT message) AS d FROM client_logs WHERE client_uuid = ?', args: [UUID] });
    return { total: Number(r.rows[0].total), distinct: Number(r.rows[0].d) };
  } finally {
    db.close();
  }
}

export async function killNineRun(o: { n: number; killAt?: number; env?: Record<string, string> }): Promise<LossFigures> {
  const dir = mkdtempSync(join(tmpdir(), 'infoscreen-kill9-'));
  const killAt = o.killAt ?? o.n;
  const server = startDurable(dir, o.env ?? {});
  try {
    const url = await server.waitFor(/embedded broker on (mqtt:\/\/127\.0\.0\.1:\d+)/);
    await server.waitFor(/listening on (http:\/\/\S+)/);
    const dev = await mqtt.connectAsync(url, { clientId: `kill9-${process.pid}`, protocolVersion: 4, reconnectPeriod: 0 });
    dev.on('error', () => {});
    const acked = new Set<number>();
    let killed = false;
    const all = Array.from({ length: o.n }, (_, i) =>
      dev.publishAsync(LOG_TOPIC, logPayload(i), { qos: 1 }).then(
        () => {
          if (killed) return;
          acked.add(i);
          if (acked.size >= killAt) {
            killed = true;
            server.child.kill('SIGKILL'); // the moment the PUBACK is in: nothing more may be flushed
          }
        },
        () => {},
      ),
    );
    await Promise.race([server.exited, Promise.all(all)]);
    if (!killed) {
      killed = true;
      server.child.kill('SIGKILL');
    }
    await server.exited;
    dev.end(true);
    // Start again on the same file (restore + WAL recovery), stop it cleanly, then count.
    const again = startDurable(dir, o.env ?? {});
    await again.waitFor(/listening on (http:\/\/\S+)/);
    again.child.kill('SIGTERM');
    await again.exited;
    const stored = await storedOf(join(dir, 'x.db'), acked);
    return { published: o.n, acked: acked.size, stored, lost: acked.size - stored };
  } finally {
    if (server.child.exitCode === null) server.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

export interface FaultFigures extends LossFigures {
  sawDegraded: boolean;
  droppedCounted: number; // log rows the writer counted as dropped at its bound
}

export async function ioFaultRun(o: { n: number; faultMs: number; maxPending?: number }): Promise<FaultFigures> {
  setQuiet(true);
  const dir = mkdtempSync(join(tmpdir(), 'infoscreen-iofault-'));
  const rt = await startOpenRuntime(dir);
  try {
    const dev = await mqtt.connectAsync(rt.broker.url, { clientId: `iofault-${process.pid}`, protocolVersion: 4, reconnectPeriod: 0 });
    const acked = new Set<number>();
    let sawDegraded = false;
    const health = async () => ((await (await rt.app.request('/health')).json()) as { status: string }).status;
    // A third before the fault, a third during it, a third after it.
    const third = Math.ceil(o.n / 3);
    const send = (from: number, to: number) =>
      Promise.all(Array.from({ length: to - from }, (_, k) => dev.publishAsync(LOG_TOPIC, logPayload(from + k), { qos: 1 }).then(() => acked.add(from + k))));
    await send(0, third);
    for (const c of [rt.db, rt.writerDb]) await c.execute('PRAGMA query_only=1'); // the writer's connection too (its own thread)
    const faultEnds = Date.now() + o.faultMs;
    const during = send(third, 2 * third);
    while (Date.now() < faultEnds) {
      if ((await health()) === 'degraded') sawDegraded = true;
      await new Promise((r) => setTimeout(r, 100));
    }
    for (const c of [rt.db, rt.writerDb]) await c.execute('PRAGMA query_only=0'); // the writer's connection too (its own thread)
    await during;
    await send(2 * third, o.n);
    const ok = Date.now() + 30_000;
    while ((await health()) !== 'ok' && Date.now() < ok) await new Promise((r) => setTimeout(r, 50));
    await rt.writer.settled();
    await dev.endAsync();
    const droppedCounted = rt.writer.stats.droppedLogRows;
    await rt.close();
    const stored = await storedOf(join(dir, 'x.db'), acked);
    return { published: o.n, acked: acked.size, stored, lost: acked.size - stored, sawDegraded, droppedCounted };
  } finally {
    await rt.close().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * An in-process server on `dir` (file database, embedded broker) that lets an anonymous device
 * publish without limits, once its own MQTT connection stands: the benchmarks' device talks to it.
 * `env` adds settings (bench:log-burst: MQTT_BROKER_HOST etc. for an external broker).
 */
export async function startOpenRuntime(dir: string, env: Record<string, string> = {}): Promise<Awaited<ReturnType<typeof startRuntime>>> {
  const config = loadConfig({
    ENV: 'test',
    DATABASE_URL: `file:${join(dir, 'x.db')}`,
    DATA_DIR: dir,
    MQTT_EMBEDDED_PORT: '0',
    DEFAULT_SUPERADMIN_PASSWORD: 'durability run',
    MQTT_ALLOW_ANONYMOUS: 'true',
    MQTT_PUBLISH_RATE: '100000',
    MQTT_PUBLISH_BURST: '100000',
    ...env,
  });
  const rt = await startRuntime(config);
  const until = Date.now() + 10_000;
  while (rt.broker.connection.status !== 'connected' && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  return rt;
}
