/**
 * Device account provisioning from the command line. Same database and variables as
 * the server (DATABASE_URL, DATA_DIR, MOSQUITTO_CONFIG_DIR, MOSQUITTO_PID_FILE…).
 *
 *   npm run provision -- <uuid> [<uuid>…]       create or rotate; prints username and password
 *   npm run provision -- --csv uuids.csv         bulk: reads uuids (first column; '-' = stdin),
 *                                                prints CSV `uuid,username,password` on stdout
 *   npm run provision -- --revoke <uuid> […]     revoke
 *
 * Passwords are printed exactly once and stored only as hashes; every action is audited as
 * `cli:<os user>`. With MOSQUITTO_CONFIG_DIR set, the Mosquitto files are regenerated (and
 * Mosquitto reloaded via MOSQUITTO_PID_FILE). A running server sees new and rotated accounts at
 * the next CONNECT, and its embedded broker closes live sessions of accounts revoked or rotated here
 * within POLL_INTERVAL_SECONDS (broker/credential-watch.ts); the API (DELETE/POST …/credentials)
 * cuts them at once.
 */
import { readFileSync } from 'node:fs';
import { parseCli } from './cli.ts';
import { Provisioning, type IssuedCredentials } from '../broker/provisioning.ts';
import { resolveServerAccount } from '../broker/server-account.ts';
import { canonicalUuid } from '../broker/topics.ts';
import { ensureClientRowStatement } from '../db/credentials.ts';
import { fail, openCli, regenerateMosquitto } from './broker-cli.ts';

const USAGE = `usage: npm run provision -- <uuid>… | --csv <file|-> | --revoke <uuid>…

Device MQTT accounts, with the server's own database and settings (DATABASE_URL, DATA_DIR, …).

  <uuid>…            create or rotate; prints username and password once
  --csv <file|->     bulk: uuids in the first column; prints CSV uuid,username,password
  --revoke <uuid>…   revoke
  -h, --help         this text`;

const { values: a, positionals } = parseCli(USAGE, {
  options: { csv: { type: 'string' }, revoke: { type: 'boolean', default: false } },
  allowPositionals: true,
  strict: true,
});

/** uuids from a CSV: first column per line; blank lines, `#` comments and a header line are skipped. */
function readCsv(path: string): string[] {
  const text = readFileSync(path === '-' ? 0 : path, 'utf8');
  const out: string[] = [];
  const bad: string[] = [];
  text.split(/\r?\n/).forEach((line, i) => {
    const first = line.split(',')[0].trim().replace(/^"|"$/g, '');
    if (first === '' || first.startsWith('#') || (i === 0 && /^[a-z_ ]+$/i.test(first))) return;
    const uuid = canonicalUuid(first);
    if (uuid) out.push(uuid);
    else bad.push(`line ${i + 1}: ${JSON.stringify(first)}`);
  });
  if (bad.length) fail(`not a uuid, nothing provisioned:\n  ${bad.join('\n  ')}`);
  return out;
}

const raw = a.csv !== undefined ? readCsv(a.csv) : positionals;
if (raw.length === 0) fail(USAGE);
if (a.csv !== undefined && a.revoke) fail('--csv and --revoke do not go together');
const invalid = raw.filter((u) => !canonicalUuid(u));
if (invalid.length) fail(`not a uuid, nothing done: ${invalid.join(', ')}`);
const uuids = [...new Set(raw.map((u) => canonicalUuid(u)!))];

const ctx = await openCli();
let failed = 0;
try {
  const provisioning = new Provisioning({
    db: ctx.db,
    writer: ctx.writer,
    now: () => Date.now(),
    ensureClient: (uuid) => ctx.writer.enqueue(ensureClientRowStatement(uuid, Date.now())),
  });
  const issued: IssuedCredentials[] = [];
  for (const uuid of uuids) {
    try {
      if (a.revoke) {
        const done = await provisioning.revoke(uuid, ctx.actor);
        console.log(`${uuid}: ${done ? 'revoked' : 'no active credentials'}`);
      } else {
        issued.push(await provisioning.provision(uuid, ctx.actor));
      }
    } catch (err) {
      failed++;
      console.error(`${uuid}: ${(err as Error).message}`);
    }
  }
  if (a.csv !== undefined) {
    console.log('uuid,username,password');
    for (const i of issued) console.log(`${i.uuid},${i.username},${i.password}`);
  } else {
    for (const i of issued) console.log(`uuid:     ${i.uuid}\nusername: ${i.username}\npassword: ${i.password}\n(${i.change === 'create' ? 'created' : 'rotated: the old password no longer works'})\n`);
  }
  if (issued.length) console.error(`${issued.length} password(s) shown once: put them on the devices now, they cannot be shown again.`);

  const dir = ctx.config.MOSQUITTO_CONFIG_DIR;
  if (dir) {
    const server = resolveServerAccount(ctx.config, { generate: true })!;
    const conf = { port: ctx.config.MQTT_BROKER_PORT, maxPayloadBytes: ctx.config.MQTT_MAX_PAYLOAD_BYTES };
    const r = await regenerateMosquitto(ctx, dir, server, conf, { overwriteConf: false, pidFile: ctx.config.MOSQUITTO_PID_FILE });
    console.error(`Mosquitto files in ${dir} regenerated (${r.devices} device accounts)${r.reloaded === null ? '' : r.reloaded ? ', Mosquitto reloaded' : `; reload failed: ${r.reloadError}`}`);
  }
} finally {
  await ctx.close();
}
process.exit(failed ? 1 : 0);
