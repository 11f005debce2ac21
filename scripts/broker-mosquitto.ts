/**
 * `npm run broker:mosquitto -- <dir>`: a production Mosquitto configuration from our database
 * (docs/broker.md): mosquitto.conf (anonymous off, relative paths: start Mosquitto from
 * that folder), `passwd` in Mosquitto's `$7$` format and `acl` implementing broker/acl.ts per
 * device with its persisted group.
 *
 *   npm run broker:mosquitto -- <dir> [--port 1883] [--host <bind address>] [--user <os user>]
 *                                     [--tls-port 8883 --certfile <pem> --keyfile <pem> [--cafile <pem>]]
 *
 * `--user`: Mosquitto started as root drops to this user (default `mosquitto`); it must be able to
 * read the folder and its files (passwd and acl are written 0640).
 *
 * The server account is MQTT_USER/MQTT_PASSWORD, or the generated one kept in DATA_DIR (the server
 * uses that one against an external broker only when MOSQUITTO_CONFIG_DIR is set).
 */
import { parseCli } from './cli.ts';
import { resolveServerAccount, SERVER_ACCOUNT_FILE } from '../broker/server-account.ts';
import { fail, openCli, regenerateMosquitto } from './broker-cli.ts';

const USAGE = `usage: npm run broker:mosquitto -- <dir> [--port 1883] [--host addr] [--user u] [--tls-port 8883 --certfile f --keyfile f [--cafile f]]

Writes a production Mosquitto configuration from the database into <dir>: mosquitto.conf,
passwd (Mosquitto's $7$ hashes) and acl (every device with its current group).

  --port N        plain MQTT listener (1883)
  --host addr     bind address
  --user u        the OS user Mosquitto drops to when started as root (mosquitto)
  --tls-port N, --certfile f, --keyfile f, --cafile f   an MQTT-over-TLS listener
  -h, --help      this text`;

const { values: a, positionals } = parseCli(USAGE, {
  options: {
    port: { type: 'string' },
    host: { type: 'string' },
    'tls-port': { type: 'string' },
    certfile: { type: 'string' },
    keyfile: { type: 'string' },
    cafile: { type: 'string' },
    user: { type: 'string' },
  },
  allowPositionals: true,
  strict: true,
});
const dir = positionals[0];
if (!dir || positionals.length > 1) fail('usage: npm run broker:mosquitto -- <dir> [--port 1883] [--host addr] [--user u] [--tls-port 8883 --certfile f --keyfile f [--cafile f]]');

const port = (v: string | undefined, what: string, def?: number) => {
  if (v === undefined) return def;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) fail(`${what}: not a port: ${v}`);
  return n;
};
const tlsPort = port(a['tls-port'], '--tls-port');
if (tlsPort !== undefined && (!a.certfile || !a.keyfile)) fail('--tls-port needs --certfile and --keyfile');

const ctx = await openCli();
try {
  const server = resolveServerAccount(ctx.config, { generate: true })!;
  const conf = {
    port: port(a.port, '--port', ctx.config.MQTT_BROKER_PORT)!,
    host: a.host,
    user: a.user,
    tls: tlsPort !== undefined ? { port: tlsPort, certfile: a.certfile!, keyfile: a.keyfile!, cafile: a.cafile } : undefined,
    maxPayloadBytes: ctx.config.MQTT_MAX_PAYLOAD_BYTES,
  };
  const r = await regenerateMosquitto(ctx, dir, server, conf, { overwriteConf: true });
  console.log(`wrote ${r.files.join(', ')}: server account + ${r.devices} device account(s)`);
  console.log(`start it with:  cd ${dir} && mosquitto -c mosquitto.conf`);
  if (server.source === 'generated') {
    console.log(
      `server account "${server.username}" (password in ${ctx.config.DATA_DIR}/${SERVER_ACCOUNT_FILE}): the server uses it when\n` +
        `MOSQUITTO_CONFIG_DIR=${dir} is set; otherwise set MQTT_USER/MQTT_PASSWORD before generating.`,
    );
  }
} finally {
  await ctx.close();
}
