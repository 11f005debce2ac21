/**
 * The broker step of runtime.ts: the broker side (server account, the embedded broker when no
 * external one is configured, provisioning, Mosquitto files) and the server's own MQTT connection.
 * Messages go to ingestion and reconnects to the fleet, the command registry and the scheduler,
 * all through the loop (runtime/loop.ts): they are built after this step, to publish through it.
 */
import type { Config } from '../config.ts';
import { startBrokerSide, type BrokerSide } from '../broker/setup.ts';
import { connectBroker, type BrokerConnection, type BrokerConnectionOptions } from '../broker/connection.ts';
import { HandOff, wantsDurableAck } from '../broker/handoff.ts';
import type { Store } from './store.ts';
import type { Observers } from './observe.ts';
import type { Loop } from './loop.ts';
import type { Clock } from '../lib/clock.ts';

/** Longest a device's QoS 1 PUBACK waits for its row to be stored (docs/reliability.md). */
const DURABLE_ACK_TIMEOUT_MS = 5_000;

export interface Broker {
  side: BrokerSide;
  connection: BrokerConnection;
  /** Embedded broker: device messages handed to ingestion in-process, QoS 1 rows acknowledged once stored. */
  handOff: HandOff;
}

export async function startBroker(config: Readonly<Config>, clock: Clock, store: Store, observers: Observers, loop: Loop): Promise<Broker> {
  const { metrics, stats, drops } = observers;
  // Counted once per message, whichever way it came (hand-off or subscription).
  const ingestOne = (topic: string, payload: Uint8Array): boolean => {
    stats.messagesIn++;
    metrics.message(topic);
    const ingest = loop.ingest.peek();
    ingest?.handle(topic, payload);
    return ingest !== undefined; // false: not built yet (the hand-off waits for it; the subscription starts after it)
  };
  const durable = (ms: number) => store.writer.durable(ms);
  // Embedded broker: every device message from its authorizePublish hook, nothing over our own subscription.
  const handOff = new HandOff({ ingest: ingestOne, ready: loop.ingest.whenBound(), durable, timeoutMs: DURABLE_ACK_TIMEOUT_MS });
  const side = await startBrokerSide({
    handOff,
    config,
    db: store.db,
    writer: store.writer,
    drops,
    now: () => clock.now(),
    groupOf: (uuid) => loop.supervisor.get().get(uuid)?.groupId ?? null,
    ensureClient: (uuid) => void loop.fleet.get().ensureClient(uuid),
    serverConnected: () => loop.connection.peek()?.connected ?? false,
  });
  const connection = loop.connection.bind(connectBroker(connectionOptions(config, side, ingestOne, loop, durable)));
  return { side, connection, handOff };
}

function connectionOptions(config: Readonly<Config>, side: BrokerSide, ingestOne: (topic: string, payload: Uint8Array) => boolean, loop: Loop, durable: (ms: number) => Promise<boolean>): BrokerConnectionOptions {
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
    // Embedded: the hand-off already ingested every device message; the connection only publishes.
    subscriptions: side.embedded ? [] : undefined,
    tls: config.MQTT_TLS_ENABLED
      ? { ca: config.MQTT_TLS_CA_CERT, cert: config.MQTT_TLS_CERTFILE, key: config.MQTT_TLS_KEYFILE, rejectUnauthorized: !config.MQTT_TLS_INSECURE }
      : undefined,
    onMessage: (topic, payload, qos) => {
      // External broker: our PUBACK of a device's QoS 1 log or ack waits for its row (capped like the embedded path).
      if (ingestOne(topic, payload) && wantsDurableAck(topic, qos)) return durable(DURABLE_ACK_TIMEOUT_MS);
    },
    onStatus: (status) => {
      if (status !== 'connected') return;
      void loop.fleet.peek()?.republishRetained();
      loop.commands.peek()?.brokerConnected();
      loop.scheduler.peek()?.brokerConnected(); // docs/scheduler.md: event lists and power intents again after every (re)connect
    },
  };
}
