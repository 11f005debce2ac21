/**
 * The broker side of the runtime, composed in one place so runtime.ts stays small: the
 * server account, the embedded broker with its enforcement hooks (or nothing, for an external
 * broker), device provisioning, Mosquitto file regeneration, and the operator overview.
 *
 * Anonymous access (MQTT_ALLOW_ANONYMOUS) is refused in production (config.ts checks it first;
 * this is the second lock) and announced loudly: it is for a developer's laptop only.
 */
import type { Client } from 'aedes';
import type { Config } from '../config.ts';
import type { Db } from '../db/client.ts';
import type { Writes } from '../db/logs.ts';
import { getCredentialByUsername, listCredentials } from '../db/credentials.ts';
import { logger } from '../lib/logger.ts';
import type { DropCounter } from './drops.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded.ts';
import { startCredentialWatch } from './credential-watch.ts';
import { MosquittoSync } from './mosquitto-files.ts';
import { brokerOverview, type BrokerOverview, type OverviewQuery } from './overview.ts';
import { Provisioning } from './provisioning.ts';
import { createBrokerSecurity, type BrokerSecurity } from './security.ts';
import { resolveServerAccount, type ServerAccount } from './server-account.ts';
import { parseTopic } from './topics.ts';
import { readPemFiles } from './tls-files.ts';
import type { HandOff } from './handoff.ts';

const log = logger('broker');

export interface BrokerSideDeps {
  config: Readonly<Config>;
  db: Db;
  writer: Writes;
  drops: DropCounter;
  now: () => number;
  /** A device's current group (the live actors). */
  groupOf: (uuid: string) => number | null;
  /** Create the client record when unknown (the fleet). */
  ensureClient: (uuid: string) => void;
  /** The embedded broker's in-process hand-off to ingestion (broker/handoff.ts), when wanted. */
  handOff?: Pick<HandOff, 'take'>;
  /** Whether the server's own MQTT connection is up (for the overview). */
  serverConnected: () => boolean;
}

export interface BrokerSide {
  /** Where the server's own connection goes, and as whom. */
  url: string;
  account: ServerAccount | null;
  embedded: EmbeddedBroker | null;
  security: BrokerSecurity | null;
  provisioning: Provisioning;
  mosquitto: MosquittoSync | null;
  /** For the Fleet: awaited before the new group_id is published (Mosquitto ACL first). */
  onGroupsChanged(uuids: string[]): Promise<void>;
  overview(q?: OverviewQuery): Promise<BrokerOverview>;
  close(): Promise<void>;
}

export const ANONYMOUS_WARNING = [
  '!!! MQTT_ALLOW_ANONYMOUS=true: the embedded broker accepts connections WITHOUT credentials and',
  '!!! does not restrict what they publish or subscribe. For local development only; the broker',
  '!!! stays on loopback. Never use this with real devices (refused with ENV=production).',
].join('\n');

function connectHost(host: string): string {
  if (host === '0.0.0.0' || host === '::') return '127.0.0.1';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startBrokerSide(d: BrokerSideDeps): Promise<BrokerSide> {
  const c = d.config;
  if (c.MQTT_ALLOW_ANONYMOUS && c.isProduction) throw new Error('MQTT_ALLOW_ANONYMOUS is refused with ENV=production');
  const account = resolveServerAccount(c, { generate: c.embeddedBroker || c.MOSQUITTO_CONFIG_DIR !== undefined });
  const limits = { publishRate: c.MQTT_PUBLISH_RATE, publishBurst: c.MQTT_PUBLISH_BURST, maxPayloadBytes: c.MQTT_MAX_PAYLOAD_BYTES };

  let security: BrokerSecurity | null = null;
  let embedded: EmbeddedBroker | null = null;
  if (c.embeddedBroker) {
    if (c.MQTT_ALLOW_ANONYMOUS) log.warn(`\n${ANONYMOUS_WARNING}`);
    security = createBrokerSecurity({
      allowAnonymous: c.MQTT_ALLOW_ANONYMOUS,
      server: account!,
      findDevice: async (username) => {
        const cred = await getCredentialByUsername(d.db, username);
        return cred ? { uuid: cred.uuid, passwordHash: cred.passwordHash } : null;
      },
      groupOf: d.groupOf,
      publishRate: { perSecond: c.MQTT_PUBLISH_RATE, burst: c.MQTT_PUBLISH_BURST },
      maxConnectionsPerDevice: c.MQTT_MAX_CONNECTIONS_PER_DEVICE,
      now: d.now,
    });
    const tls = c.MQTT_EMBEDDED_TLS_PORT !== undefined ? embeddedTls(c.MQTT_EMBEDDED_TLS_PORT, c) : undefined;
    embedded = await startEmbeddedBroker({
      host: c.MQTT_EMBEDDED_HOST!,
      port: c.MQTT_EMBEDDED_PORT,
      tls,
      maxPayloadBytes: c.MQTT_MAX_PAYLOAD_BYTES,
      enforcing: !c.MQTT_ALLOW_ANONYMOUS,
      ...security.hooks,
      attach: security.attach,
      ...(d.handOff && { handOff: embeddedHandOff(d.handOff, security) }),
      // The broker drops oversized publishes before they reach us: count them here.
      onOversize: (info) => {
        const parsed = info.topic ? parseTopic(info.topic) : null;
        d.drops.record('too_large', parsed && 'uuid' in parsed ? parsed.uuid : null, `${info.bytes} bytes, ${info.action}`);
      },
    });
  }
  // Revocations and rotations by the provisioning CLI (another process) cut live sessions too.
  const watch = security
    ? startCredentialWatch({ db: d.db, disconnect: security.disconnectCheckedBefore, intervalMs: c.POLL_INTERVAL_SECONDS * 1000, now: d.now })
    : null;
  const url = embedded
    ? `mqtt://${connectHost(embedded.host)}:${embedded.port}`
    : `${c.MQTT_TLS_ENABLED ? 'mqtts' : 'mqtt'}://${c.MQTT_BROKER_HOST}:${c.MQTT_BROKER_PORT}`;

  const mosquitto = c.MOSQUITTO_CONFIG_DIR
    ? new MosquittoSync({
        db: d.db,
        dir: c.MOSQUITTO_CONFIG_DIR,
        pidFile: c.MOSQUITTO_PID_FILE,
        server: account!,
        groupOf: d.groupOf,
        conf: { port: c.MQTT_BROKER_PORT, maxPayloadBytes: c.MQTT_MAX_PAYLOAD_BYTES },
        overwriteConf: false,
        now: d.now,
      })
    : null;
  // The files must match the database before the first device connects.
  if (mosquitto) await mosquitto.sync();

  const provisioning = new Provisioning({
    db: d.db,
    writer: d.writer,
    now: d.now,
    ensureClient: d.ensureClient,
    onChanged: async (uuid, change) => {
      // a rotated, revoked or deleted account loses its live session at once.
      if (change !== 'create') security?.disconnect(uuid);
      await mosquitto?.sync();
    },
  });

  return {
    url,
    account,
    embedded,
    security,
    provisioning,
    mosquitto,
    onGroupsChanged: async () => {
      await mosquitto?.sync();
    },
    overview: async (q) =>
      brokerOverview(
        {
          mode: embedded ? 'embedded' : 'external',
          url,
          anonymousAllowed: embedded ? c.MQTT_ALLOW_ANONYMOUS : null,
          listeners: embedded ? { mqtt: `${embedded.host}:${embedded.port}`, tls: embedded.tlsPort === null ? null : `${embedded.host}:${embedded.tlsPort}` } : null,
          limits,
          serverConnected: d.serverConnected(),
          security,
          drops: d.drops,
          mosquitto: mosquitto?.status ?? null,
          credentials: await listCredentials(d.db),
          now: d.now(),
        },
        q,
      ),
    close: async () => {
      watch?.stop();
      await mosquitto?.close();
      await embedded?.close();
    },
  };
}

/** The server's own publishes (identified by its account, whatever the client id) are never ingested. */
function embeddedHandOff(handOff: Pick<HandOff, 'take'>, security: BrokerSecurity) {
  return { isServer: (client: Client) => security.identityOf(client)?.kind === 'server', take: handOff.take.bind(handOff) };
}

/** The embedded broker's TLS listener: port plus PEM material, both files read (and refused) together. */
function embeddedTls(port: number, c: Readonly<Config>) {
  const [cert, key] = readPemFiles('MQTT_EMBEDDED_TLS', [['certificate (MQTT_EMBEDDED_TLS_CERT)', c.MQTT_EMBEDDED_TLS_CERT], ['key (MQTT_EMBEDDED_TLS_KEY)', c.MQTT_EMBEDDED_TLS_KEY]]);
  return { port, cert: cert!, key: key! }; // config.ts requires both paths with the TLS port
}
