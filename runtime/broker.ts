/**
 * The broker step of runtime.ts: the broker side (server account, the embedded broker when no
 * external one is configured, provisioning, Mosquitto files) and the server's own MQTT connection.
 * Messages go to ingestion and reconnects to the fleet, the command registry and the scheduler,
 * all through the loop (runtime/loop.ts): they are built after this step, to publish through it.
 */
import type { Config } from '../config.ts';
import { startBrokerSide, type BrokerSide } from '../broker/setup.ts';
import { connectBroker, type BrokerConnection, type BrokerConnectionOptions } from '../broker/connection.ts';
import { DurableAcks } from '../broker/durable-acks.ts';
import type { Store } from './store.ts';
import type { Observers } from './observe.ts';
import type { Loop } from './loop.ts';
import type { Clock } from '../lib/clock.ts';

/** Longest a device's QoS 1 PUBACK waits for its row to be stored (docs/reliability.md). */
const DURABLE_ACK_TIMEOUT_MS = 5_000;

export interface Broker {
  side: BrokerSide;
  connection: BrokerConnection;
  /** Embedded broker: QoS 1 acknowledgements held until the row is stored. */
  durableAcks: DurableAcks;
}

export async function startBroker(config: Readonly<Config>, clock: Clock, store: Store, observers: Observers, loop: Loop): Promise<Broker> {
  const { metrics, stats, drops } = observers;
  // False while ingestion is not built yet: the message was not handled.
  const ingestOne = (topic: string, payload: Uint8Array): boolean => {
    stats.messagesIn++;
    metrics.message(topic);
    const ingest = loop.ingest.peek();
    ingest?.handle(topic, payload);
    return ingest !== undefined;
  };
  // Embedded broker: a device's QoS 1 log or command ack is PUBACKed only once its row is stored.
  const durableAcks = new DurableAcks({ ingest: ingestOne, durable: (ms) => store.writer.durable(ms), timeoutMs: DURABLE_ACK_TIMEOUT_MS });
  const side = await startBrokerSide({
    durableAcks,
    config,
    db: store.db,
    writer: store.writer,
    drops,
    now: () => clock.now(),
    groupOf: (uuid) => loop.supervisor.get().get(uuid)?.groupId ?? null,
    ensureClient: (uuid) => void loop.fleet.get().ensureClient(uuid),
    serverConnected: () => loop.connection.peek()?.connected ?? false,
  });
  const connection = loop.connection.bind(connectBroker(connectionOptions(config, side, ingestOne, durableAcks, loop, (ms) => store.writer.durable(ms))));
  return { side, connection, durableAcks };
}

function connectionOptions(config: Readonly<Config>, side: BrokerSide, ingestOne: (topic: string, payload: Uint8Array) => boolean, durableAcks: DurableAcks, loop: Loop, durable: (ms: number) => Promise<boolean>): BrokerConnectionOptions {
  return {
    url: side.url,
    username: side.account?.username ?? config.MQTT_USER,
    password: side.account?.password ?? config.MQTT_PASSWORD,
    clientId: config.MQTT_CLIENT_ID ?? `infoscreen-server-${crypto.randomUUID().slice(0, 8)}`,
    // A persistent session keeps QoS 1 telemetry sent while we were away, but only a stable client
    // id can resume it; with a random id every restart would leave an orphan session behind.
    clean: config.MQTT_CLIENT_ID === undefined,
    keepalive: config.MQTT_KEEPALIVE,
    protocolVersion: side.embedded ? 4 : (config.MQTT_PROTOCOL_VERSION as 4 | 5),
    tls: config.MQTT_TLS_ENABLED
      ? { ca: config.MQTT_TLS_CA_CERT, cert: config.MQTT_TLS_CERTFILE, key: config.MQTT_TLS_KEYFILE, rejectUnauthorized: !config.MQTT_TLS_INSECURE }
      : undefined,
    onMessage: (topic, payload, qos) => {
      if (durableAcks.alreadyIngested(topic, payload, qos)) return; // ingested before its PUBACK
      // External broker: our PUBACK of a device's QoS 1 log or ack waits for its row (capped like the embedded path).
      if (ingestOne(topic, payload) && durableAcks.wants(topic, qos)) return durable(DURABLE_ACK_TIMEOUT_MS);
    },
    onStatus: (status) => {
      if (status !== 'connected') return;
      void loop.fleet.peek()?.republishRetained();
      loop.commands.peek()?.brokerConnected();
      loop.scheduler.peek()?.brokerConnected(); // docs/scheduler.md: event lists and power intents again after every (re)connect
    },
  };
}
