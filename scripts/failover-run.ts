/**
 * The run of `npm run bench:failover` (usage in scripts/bench-failover.ts): sets up the database,
 * the broker and the server pair, then per fault: fleet and commands going, fault into the holder,
 * recovery timed, rows and commands checked, the faulted server started again as the standby.
 */
import mqtt from 'mqtt';
import { isTerminal } from '../domain/command.types.ts';
import { openDatabase, type Db } from '../db/client.ts';
import { mosquittoBinary, sleep, tempDir } from '../testing/helpers.ts';
import { killServers } from '../testing/server-process.ts';
import { sqldBinary, startSqld } from '../testing/sqld.ts';
import { api, isReady, launchServer, probePair, signIn, startPersistentMosquitto, type Broker, type Server } from './failover-cluster.ts';
import { logFigures, startCommandDevice, startLogFleet, waitStored, type AckScript } from './failover-fleet.ts';

type Fault = 'kill9' | 'sigstop' | 'sigterm' | 'mosquitto-restart';
const PASSWORD = 'server process test'; // serverEnv's DEFAULT_SUPERADMIN_PASSWORD
// Accepted at once, accepted during the failover, failed during it.
const SCRIPTS: AckScript[] = [{ delayMs: 0, outcome: 'completed' }, { delayMs: 1500, outcome: 'completed' }, { delayMs: 1000, outcome: 'failed' }];

interface Ctx {
  dir: string;
  env: Record<string, string>;
  broker: Broker;
  db: Db;
  pair: [Server, Server];
  devices: number;
  everyMs: number;
}

async function until<T>(what: string, fn: () => Promise<T | null | false>, ms: number): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`${what}: not within ${ms / 1000} s`);
    await sleep(100);
  }
}

async function holderIndex(ctx: Ctx): Promise<0 | 1> {
  return until('a ready holder', async () => ((await isReady(ctx.pair[0])) ? 1 : (await isReady(ctx.pair[1])) ? 2 : null), 60_000).then((i) => (i - 1) as 0 | 1);
}

/** Publishes a marker log every 500 ms from a fresh client until one is stored (the broker is back and the holder takes messages again). */
async function markerStored(ctx: Ctx, tag: string): Promise<void> {
  const c = await until('a device connection', () => mqtt.connectAsync(ctx.broker.url, { clientId: `failover-marker-${Date.now()}`, protocolVersion: 4, reconnectPeriod: 0 }).catch(() => null), 30_000);
  try {
    await until('a marker row', async () => {
      const message = `${tag} marker ${Date.now()}`;
      await c.publishAsync('infoscreen/fa110000-0000-4000-8000-0000000000ff/logs/info', JSON.stringify({ timestamp: new Date().toISOString(), message, context: null }), { qos: 1 });
      await sleep(500);
      const rs = await ctx.db.execute({ sql: 'SELECT 1 FROM client_logs WHERE message LIKE ?', args: [`${tag} marker %`] });
      return rs.rows.length > 0;
    }, 60_000);
  } finally {
    await c.endAsync(true);
  }
}

async function inject(ctx: Ctx, fault: Fault, holder: Server, other: Server, tag: string): Promise<void> {
  if (fault === 'mosquitto-restart') {
    await ctx.broker.restart();
    return markerStored(ctx, tag).catch((err: Error) => {
      throw new Error(`${err.message}; the holder printed:\n${holder.proc.out().slice(-1500)}\n${holder.proc.err().slice(-1500)}`);
    });
  }
  holder.proc.child.kill(fault === 'kill9' ? 'SIGKILL' : fault === 'sigstop' ? 'SIGSTOP' : 'SIGTERM');
  await until(`${other.name} ready`, () => isReady(other), 90_000);
}

async function issueCommands(ctx: Ctx, holder: Server, serial: number) {
  const cookie = await signIn(holder, PASSWORD);
  const devs = await Promise.all(SCRIPTS.map((s, k) => startCommandDevice(ctx.broker.url, serial * 10 + k, s)));
  for (const d of devs) await until(`client ${d.uuid} known`, async () => (await api(holder, cookie, 'GET', `/api/clients/${d.uuid}`)).status === 200, 20_000);
  const ids: string[] = [];
  for (const d of devs) {
    const r = await api(holder, cookie, 'POST', `/api/clients/${d.uuid}/restart_app`, { reason: 'failover bench' });
    if (r.status !== 202) throw new Error(`restart_app: ${r.status} ${JSON.stringify(r.body)}`);
    ids.push(r.body.command.commandId);
  }
  return { cookie, devs, ids };
}

/** Commands whose final state (on the server now holding) is not the device's last terminal ack. */
async function commandsWrong(server: Server, cmds: Awaited<ReturnType<typeof issueCommands>>): Promise<number> {
  let wrong = 0;
  for (const [k, id] of cmds.ids.entries()) {
    const acked = cmds.devs[k].acked.get(id) ?? null;
    const status = await until(`command ${id} final`, async () => {
      const r = await api(server, cmds.cookie, 'GET', `/api/clients/commands/${id}`).catch(() => null);
      return r?.status === 200 && isTerminal(r.body.status) ? String(r.body.status) : null;
    }, 60_000).catch(() => 'not final');
    if (status !== acked) wrong++;
  }
  return wrong;
}

async function runFault(ctx: Ctx, fault: Fault, serial: number) {
  const tag = `fb${serial}`;
  const h = await holderIndex(ctx);
  const holder = ctx.pair[h];
  const other = ctx.pair[1 - h];
  const fleet = await startLogFleet(ctx.broker.url, tag, ctx.devices, ctx.everyMs);
  const cmds = await issueCommands(ctx, holder, serial);
  await sleep(1000);
  const probe = probePair(() => ctx.pair[0], () => ctx.pair[1]);
  const t0 = Date.now();
  await inject(ctx, fault, holder, other, tag);
  const recoverySeconds = Math.round((Date.now() - t0) / 100) / 10;
  await sleep(3000); // the fleet goes on against the new holder
  if (fault === 'sigstop') holder.proc.child.kill('SIGCONT'); // woken, it must find itself fenced
  await sleep(2000);
  await fleet.stop();
  const now = fault === 'mosquitto-restart' ? holder : other;
  await waitStored(ctx.db, tag, fleet.acked, 30_000);
  const { lost, duplicated } = await logFigures(ctx.db, tag, fleet.acked);
  const wrong = await commandsWrong(now, cmds);
  await probe.stop();
  await Promise.all(cmds.devs.map((d) => d.stop()));
  if (fault !== 'mosquitto-restart') {
    const exit = await Promise.race([holder.proc.exited, sleep(15_000).then(() => null)]);
    if (!exit) holder.proc.child.kill('SIGKILL');
    await holder.proc.exited;
    ctx.pair[h] = await launchServer(holder.name, ctx.dir, ctx.env);
  }
  return { fault, lost, duplicated, recoverySeconds, twoActive: probe.twoActive, commandsWrong: wrong, acked: fleet.acked.size, commands: cmds.ids.length };
}

export async function runBench(o: { faults: Fault[]; repeat: number; devices: number; everyMs: number }): Promise<number> {
  const mosquitto = mosquittoBinary();
  if (!mosquitto) {
    console.log('mosquitto is not installed: bench:failover needs an external broker; nothing measured');
    return 0;
  }
  const tmp = tempDir('infoscreen-bench-failover-');
  const sqldBin = sqldBinary();
  const sqld = sqldBin ? await startSqld(sqldBin) : null;
  const DATABASE_URL = sqld ? sqld.url : `file:${tmp.dir}/x.db`;
  console.log(`database: ${sqld ? `sqld (${sqldBin}) at ${sqld.url}` : `file ${tmp.dir}/x.db (sqld is not installed)`}; broker: mosquitto with persistence`);
  const broker = await startPersistentMosquitto(mosquitto, tmp.dir);
  try {
    const env = { ...broker.env, DATABASE_URL };
    const a = await launchServer('A', tmp.dir, env);
    await a.proc.waitFor(/listening on/, 60_000);
    const b = await launchServer('B', tmp.dir, env);
    const ctx: Ctx = { dir: tmp.dir, env, broker, db: await openDatabase(DATABASE_URL), pair: [a, b], devices: o.devices, everyMs: o.everyMs };
    let serial = 0;
    for (let r = 0; r < o.repeat; r++) {
      for (const fault of o.faults) console.log(JSON.stringify(await runFault(ctx, fault, ++serial)));
    }
    ctx.db.close();
    return 0;
  } finally {
    killServers();
    await broker.stop().catch(() => {});
    await sqld?.stop();
    tmp.remove();
  }
}
