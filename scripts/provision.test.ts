/** The provisioning and Mosquitto CLIs, run as an operator would (child processes, temp database). */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openDatabase } from '../db/client.ts';
import { getCredential } from '../db/credentials.ts';
import { listAudit } from '../db/audit.ts';
import { verifyBrokerPassword } from '../broker/password-hash.ts';

const ROOT = resolve(import.meta.dirname, '..');
const dir = mkdtempSync(join(tmpdir(), 'provision-cli-'));
const A = '9b8d1856-ff34-4864-a726-12de072d0f77';
const B = '11111111-1111-4111-8111-111111111111';
const C = '22222222-2222-4222-8222-222222222222';
const env: Record<string, string | undefined> = { ...process.env, ENV: 'test', DATABASE_URL: `file:${join(dir, 'x.db')}`, DATA_DIR: dir, MOSQUITTO_CONFIG_DIR: join(dir, 'mq'), NO_COLOR: '1' };
delete env.MQTT_USER;
delete env.MQTT_PASSWORD;
delete env.MOSQUITTO_PID_FILE;

const run = (script: string, ...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', `scripts/${script}.ts`, ...args], { cwd: ROOT, env, encoding: 'utf8' });
const db = () => openDatabase(`file:${join(dir, 'x.db')}`);

test.after(() => rmSync(dir, { recursive: true, force: true }));

test('npm run provision -- <uuid>: prints username and password once, stores the hash, audits cli:<user>, regenerates Mosquitto files', async () => {
  const r = run('provision', A);
  assert.is(r.status, 0, r.stderr);
  const password = /^password: (\S+)$/m.exec(r.stdout)![1];
  assert.match(r.stdout, /^username: infoscreen-client-9b8d1856$/m);
  assert.match(r.stderr, /shown once/);
  const d = await db();
  const cred = (await getCredential(d, A))!;
  assert.ok(await verifyBrokerPassword(password, cred.passwordHash!));
  const audit = await listAudit(d, { target: A });
  assert.match(audit[0].actor, /^cli:/);
  assert.is(audit[0].action, 'credentials.create');
  assert.is((await d.execute({ sql: 'SELECT COUNT(*) AS n FROM clients WHERE uuid = ?', args: [A] })).rows[0].n, 1);
  d.close();
  assert.match(readFileSync(join(dir, 'mq', 'passwd'), 'utf8'), /^infoscreen-client-9b8d1856:\$7\$/m);
});

test('--csv: uuids from the first column (header, blanks, comments skipped) → CSV uuid,username,password', async () => {
  writeFileSync(join(dir, 'in.csv'), `uuid,site\n${B},hall\n\n# spare\n"${C}",lab\n${B.toUpperCase()},dup\n`);
  const r = run('provision', '--csv', join(dir, 'in.csv'));
  assert.is(r.status, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  assert.is(lines[0], 'uuid,username,password');
  assert.is(lines.length, 3, 'duplicates provisioned once');
  const rows = lines.slice(1).map((l) => l.split(','));
  assert.equal(rows.map((x) => [x[0], x[1]]), [[B, 'infoscreen-client-11111111'], [C, 'infoscreen-client-22222222']]);
  const d = await db();
  for (const [uuid, , pw] of rows) assert.ok(await verifyBrokerPassword(pw, (await getCredential(d, uuid))!.passwordHash!));
  d.close();
});

test('a CSV with a bad uuid provisions nothing and names the line', async () => {
  writeFileSync(join(dir, 'bad.csv'), `33333333-3333-4333-8333-333333333333\nnot-a-uuid\n`);
  const r = run('provision', '--csv', join(dir, 'bad.csv'));
  assert.is(r.status, 2);
  assert.match(r.stderr, /line 2: "not-a-uuid"/);
  const d = await db();
  assert.is(await getCredential(d, '33333333-3333-4333-8333-333333333333'), undefined);
  d.close();
});

test('--revoke, and npm run broker:mosquitto writes the three files', async () => {
  const r = run('provision', '--revoke', B, '44444444-4444-4444-8444-444444444444');
  assert.is(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`${B}: revoked`));
  assert.match(r.stdout, /44444444-4444-4444-8444-444444444444: no active credentials/);
  const out = join(dir, 'generated');
  const g = run('broker-mosquitto', out, '--port', '1884');
  assert.is(g.status, 0, g.stderr);
  assert.match(readFileSync(join(out, 'mosquitto.conf'), 'utf8'), /^listener 1884$/m);
  const passwd = readFileSync(join(out, 'passwd'), 'utf8');
  assert.match(passwd, /^infoscreen-server:\$7\$/m);
  assert.match(passwd, /^infoscreen-client-9b8d1856:/m);
  assert.not.match(passwd, /infoscreen-client-11111111/, 'revoked account left out');
  assert.match(readFileSync(join(out, 'acl'), 'utf8'), /^user infoscreen-client-22222222$/m);
});

test.run();
