/**
 * The same ACL table (testing/acl-harness.ts) against a real Mosquitto 2 started on an ephemeral port
 * from the files `npm run broker:mosquitto` generates from our database; then group change,
 * revocation and rotation through file regeneration + SIGHUP (MosquittoSync). Skipped, with a
 * notice, when Mosquitto is not installed.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join, resolve } from 'node:path';
import { openDatabase, type Db } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { BatchedWriter } from '../db/writer.ts';
import { ensureClientRowStatement } from '../db/credentials.ts';
import { setQuiet } from '../lib/logger.ts';
import { aclCases, connectPeers, groupChangeScenario, mosquittoBinary, Peer, type AclTarget, type Peers } from '../testing/acl-harness.ts';
import { MosquittoSync } from './mosquitto-files.ts';
import { Provisioning } from './provisioning.ts';
import { resolveServerAccount } from './server-account.ts';

setQuiet(true);
const bin = mosquittoBinary();
const ROOT = resolve(import.meta.dirname, '..');
const A = 'aaaaaaaa-1111-4111-8111-111111111111';
const B = 'bbbbbbbb-2222-4222-8222-222222222222';
const dir = mkdtempSync(join(tmpdir(), 'infoscreen-mosq-'));
const conf = join(dir, 'mosquitto');
const groups = new Map<string, number | null>([[A, 1], [B, 2]]);
let db: Db;
let writer: BatchedWriter;
let mosq: ChildProcess | null = null;
let mosqLog = '';
let sync: MosquittoSync;
let provisioning: Provisioning;
let target: AclTarget;
let peers: Peers;

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const { port } = s.address() as net.AddressInfo;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 5000) {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}\nmosquitto log:\n${mosqLog}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const reloads = () => mosqLog.split('Reloading config').length - 1;
/** Regenerate the files, SIGHUP, and wait until Mosquitto says it reloaded. */
async function regenerate() {
  const before = reloads();
  await sync.sync();
  assert.is(sync.status.lastError, null);
  await until(() => reloads() > before, 'Mosquitto to reload');
}

if (!bin) {
  console.log('NOTICE: mosquitto is not installed (apt-get install mosquitto): the Mosquitto ACL suite is skipped.');
  test('Mosquitto is not installed: the Mosquitto suite is skipped (see notice)', () => {
    assert.is(mosquittoBinary(), null);
  });
  for (const c of aclCases()) test.skip(c.name, () => {});
} else {
  // uvu reports a failing before() only as 0 passed: say why (with Mosquitto's log).
  test.before(async () => {
    try {
      await setup();
    } catch (err) {
      console.error('setup failed:', err, `\nmosquitto log:\n${mosqLog}`);
      throw err;
    }
  });

  async function setup() {
    db = await openDatabase(`file:${join(dir, 'x.db')}`);
    await migrate(db);
    writer = new BatchedWriter(db, { flushMs: 1000, freshnessMs: 30_000, clientUpsert: () => null });
    provisioning = new Provisioning({
      db,
      writer,
      now: () => Date.now(),
      ensureClient: (uuid) => writer.enqueue(ensureClientRowStatement(uuid, Date.now())),
      onChanged: () => regenerate(),
    });
    const port = await freePort();
    // Provision before Mosquitto runs (no reload to wait for yet): onChanged only once it is up.
    const quiet = new Provisioning({ db, writer, now: () => Date.now(), ensureClient: (uuid) => writer.enqueue(ensureClientRowStatement(uuid, Date.now())) });
    const a = await quiet.provision(A, 'test');
    const b = await quiet.provision(B, 'test');
    for (const [uuid, g] of groups) writer.enqueue({ sql: 'UPDATE clients SET group_id = ? WHERE uuid = ?', args: [g, uuid] });
    await writer.write();

    // The CLI, as an operator would run it (groups from the persisted rows).
    const env: Record<string, string | undefined> = { ...process.env, DATABASE_URL: `file:${join(dir, 'x.db')}`, DATA_DIR: dir, ENV: 'test' };
    delete env.MQTT_USER;
    delete env.MQTT_PASSWORD;
    const cli = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/broker-mosquitto.ts', conf, '--port', String(port), '--host', '127.0.0.1', '--user', userInfo().username], { cwd: ROOT, env, encoding: 'utf8' });
    assert.is(cli.status, 0, cli.stderr + cli.stdout);
    const server = resolveServerAccount({ DATA_DIR: dir }, { generate: true })!; // the file the CLI wrote

    const child = spawn(bin!, ['-c', 'mosquitto.conf'], { cwd: conf, stdio: ['ignore', 'pipe', 'pipe'] });
    mosq = child;
    child.stdout!.on('data', (d) => (mosqLog += d));
    child.stderr!.on('data', (d) => (mosqLog += d));
    writeFileSync(join(conf, 'mosquitto.pid'), String(child.pid));
    await until(() => /mosquitto version [\d.]+ running/.test(mosqLog), 'Mosquitto to start');
    sync = new MosquittoSync({
      db,
      dir: conf,
      pidFile: join(conf, 'mosquitto.pid'),
      server,
      groupOf: (uuid) => groups.get(uuid) ?? null,
      conf: { port, host: '127.0.0.1', maxPayloadBytes: 1_048_576 },
      overwriteConf: false,
      now: () => Date.now(),
    });
    target = {
      url: `mqtt://127.0.0.1:${port}`,
      protocolVersion: 4,
      server,
      a: { ...a, groupId: 1 },
      b: { ...b, groupId: 2 },
      subscribeDenial: 'filtered', // acl_file grants every SUBSCRIBE and filters each delivery
      enforcesEmptyPayloadOnly: false,
    };
    peers = await connectPeers(target, 'mosquitto');
  }

  test.after(async () => {
    for (const p of [peers?.a, peers?.b, peers?.server]) await p?.end();
    if (mosq && mosq.exitCode === null) {
      const gone = new Promise((r) => mosq!.once('exit', r));
      mosq.kill('SIGTERM');
      await gone;
    }
    await sync?.close();
    await writer?.stop();
    db?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test('the generated password file is readable by mosquitto_passwd (it keeps our hashes)', () => {
    const copy = join(dir, 'passwd-copy');
    copyFileSync(join(conf, 'passwd'), copy);
    const r = spawnSync('mosquitto_passwd', ['-b', copy, 'someone-else', 'x'.repeat(24)], { encoding: 'utf8' });
    if (r.error) return console.log('NOTICE: mosquitto_passwd not found; file compatibility shown by Mosquitto itself only');
    assert.is(r.status, 0, r.stderr);
    const ours = readFileSync(join(conf, 'passwd'), 'utf8').trim().split('\n');
    const after = readFileSync(copy, 'utf8').trim().split('\n');
    for (const line of ours) assert.ok(after.includes(line), `${line.split(':')[0]} kept unchanged`);
    assert.ok(after.some((l) => l.startsWith('someone-else:$7$')));
  });

  test('anonymous and wrong passwords are refused', async () => {
    await Peer.connect(target.url, null, 'anon').then(
      (p) => (p.end(), assert.unreachable('anonymous connected')),
      (err) => assert.match(String(err), /Not authorized|not authorised/i),
    );
    await Peer.connect(target.url, { username: target.a.username, password: 'wrong-wrong-wrong-wrong-' }, 'bad').then(
      (p) => (p.end(), assert.unreachable('bad password connected')),
      (err) => assert.match(String(err), /Bad username or password|Not authorized/i),
    );
  });

  for (const c of aclCases()) test(c.name, () => c.run(target, peers));

  test('group change: A moved from group 1 to 3 gets group 3 retained events and no longer group 1', async () => {
    // The harness's own peers hold A's client id (use_username_as_clientid): free it first.
    await peers.a.end();
    await groupChangeScenario(target, 'mosquitto', 1, 3, async () => {
      groups.set(A, 3);
      await regenerate();
    });
  });

  test('rotation: the old session is dropped on reload and the old password refused; revocation cuts A off, B keeps working', async () => {
    const a = await Peer.connect(target.url, target.a, 'rot-a');
    const b = await Peer.connect(target.url, target.b, 'rot-b');
    const issued = await provisioning.provision(A, 'test'); // regenerates + reloads
    await until(() => a.closed, 'Mosquitto to drop the session of the old password on reload');
    await Peer.connect(target.url, target.a, 'rot-a2').then(
      (p) => (p.end(), assert.unreachable('old password still accepted')),
      () => {},
    );
    const fresh = await Peer.connect(target.url, { username: issued.username, password: issued.password }, 'rot-a3');
    await fresh.end();
    await a.end();

    const live = await Peer.connect(target.url, { username: issued.username, password: issued.password }, 'rev-a');
    await provisioning.revoke(A, 'test');
    await until(() => live.closed, 'Mosquitto to drop the revoked device on reload');
    await Peer.connect(target.url, { username: issued.username, password: issued.password }, 'rev-a2').then(
      (p) => (p.end(), assert.unreachable('revoked device reconnected')),
      () => {},
    );
    assert.not.ok(b.closed, 'B stays connected');
    assert.is(await b.pub(`infoscreen/${B}/heartbeat`, '{}'), 'acked');
    await b.end();
  });
}

test.run();
