/**
 * The server's own MQTT connection (mqtt.js 5): subscribes to every client → server topic and is
 * the `Publisher` of the domain. Works against the embedded aedes broker (MQTT 3.1.1) or an
 * external one (Mosquitto, v3.1.1 or v5, optionally TLS). With the embedded broker it subscribes to
 * nothing (`subscriptions: []`): device messages reach ingestion in-process (broker/handoff.ts).
 *
 * Decisions :
 * - `mqtt.connect()` + events, never `connectAsync` (which gives up on ECONNREFUSED): the server
 *   starts while the broker is down and keeps trying. mqtt.js only retries at a fixed period, so
 *   its auto-reconnect is off (`reconnectPeriod: 0`) and we call `reconnect()` with backoff
 *   1 s → 2 s → … → 30 s, back to 1 s after a successful connect. `reconnect()` gets the same
 *   stores, so an unacknowledged QoS 1 publish is sent again after the reconnect.
 * - Persistent session by default (`clean: false`; MQTT 5: session expiry 1 h): while we are
 *   away the broker queues the QoS 1 messages of our subscriptions (acks, discovery, error logs,
 *   service_failed). This needs a stable client id (MQTT_CLIENT_ID) to survive a server restart;
 *   with a random id per start pass `clean: true`, or every start leaves an orphan session (on
 *   Mosquitto v3.1.1 it never expires). Subscriptions are (re)sent on every connect anyway.
 * - A QoS 1 message that becomes a stored row is PUBACKed only once the row is written (the
 *   promise `onMessage` returns; broker/held-acks.ts), so a crash loses nothing the broker thinks
 *   delivered; the broker redelivers the rest, and log rows are idempotent (migration 0025).
 * - `publish` never queues while offline: it rejects at once when disconnected, and after
 *   `publishTimeoutMs` without PUBACK. Callers treat a rejection as "not delivered, retry on
 *   reconnect" (retained topics are republished after each connect by the Fleet).
 */
import { Buffer } from 'node:buffer';
import mqtt, { type IClientOptions } from 'mqtt';
import type { Publisher, PublishOptions } from './publisher.ts';
import { SUBSCRIPTIONS } from './topics.ts';
import { HeldAcks } from './held-acks.ts';
import { readTlsFiles, type TlsFiles } from './tls-files.ts';
import { logger, rateLimiter } from '../lib/logger.ts';

const log = logger('mqtt');

export type BrokerStatus = 'connecting' | 'connected' | 'offline' | 'closed';

export interface BrokerConnectionOptions {
  url: string; // mqtt://host:port or mqtts://host:port
  username?: string;
  password?: string;
  clientId: string;
  keepalive: number; // seconds
  protocolVersion: 4 | 5; // aedes: 4 only
  tls?: TlsFiles & { rejectUnauthorized: boolean }; // file paths, read once here
  clean?: boolean; // default false: persistent session (see header)
  subscriptions?: readonly string[]; // default SUBSCRIPTIONS; [] with the embedded broker
  /**
   * `qos` as delivered to us: the device's own QoS (we subscribe at 1). A returned promise holds
   * our PUBACK of a QoS 1 message until it settles (broker/held-acks.ts; PUBACKs stay in order).
   */
  onMessage(topic: string, payload: Uint8Array, qos: number): Promise<unknown> | void;
  onStatus?(status: BrokerStatus, detail?: string): void;
  backoffMs?: { initial: number; max: number }; // default 1,000 → 30,000 ms
  connectTimeoutMs?: number; // default 10,000 ms per attempt
  publishTimeoutMs?: number; // default 10,000 ms until PUBACK (QoS 1)
}

export interface BrokerConnection extends Publisher {
  readonly connected: boolean;
  readonly status: BrokerStatus;
  /** Successful connects after the first one. */
  readonly reconnects: number;
  readonly lastError: string | null;
  /** PUBACKs held for a stored row, released, and dropped with a lost connection. */
  readonly heldAcks: HeldAcks['stats'];
  close(): Promise<void>;
}

const SESSION_EXPIRY_S = 3600; // MQTT 5 only: how long the broker keeps our session while we are away

export function connectBroker(opts: BrokerConnectionOptions): BrokerConnection {
  const backoff = opts.backoffMs ?? { initial: 1000, max: 30_000 };
  const publishTimeoutMs = opts.publishTimeoutMs ?? 10_000;
  const clean = opts.clean ?? false;
  const subscriptions = [...(opts.subscriptions ?? SUBSCRIPTIONS)];
  const errorLog = rateLimiter(60_000);

  let status: BrokerStatus = 'connecting';
  let lastError: string | null = null;
  let connects = 0;
  let delay = backoff.initial;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let closed = false;

  const setStatus = (s: BrokerStatus, detail?: string) => {
    if (s === status) return;
    status = s;
    opts.onStatus?.(s, detail);
  };

  const options: IClientOptions = {
    clientId: opts.clientId,
    username: opts.username,
    password: opts.password,
    keepalive: opts.keepalive,
    protocolVersion: opts.protocolVersion,
    clean,
    reconnectPeriod: 0, // we own the retry loop (backoff)
    connectTimeout: opts.connectTimeoutMs ?? 10_000,
    resubscribe: false, // we subscribe on every connect ourselves
    queueQoSZero: false,
    ...(opts.protocolVersion === 5 && !clean && { properties: { sessionExpiryInterval: SESSION_EXPIRY_S } }),
    ...(opts.tls && { ...readTlsFiles(opts.tls), rejectUnauthorized: opts.tls.rejectUnauthorized }),
  } as IClientOptions;
  const client = mqtt.connect(opts.url, options);
  const held = new HeldAcks(client);

  client.on('connect', (connack) => {
    connects++;
    // Small packets (commands, PUBACKs) must not wait for Nagle's algorithm (~40 ms each way).
    (client.stream as { setNoDelay?: (on: boolean) => void } | undefined)?.setNoDelay?.(true);
    delay = backoff.initial;
    lastError = null;
    log.info(`connected to ${opts.url} as ${opts.clientId} (session present: ${connack.sessionPresent})`);
    // 'connected' is reported once the SUBACK is in: from then on no client message is missed.
    if (subscriptions.length === 0) return setStatus('connected');
    client.subscribe(subscriptions, { qos: 1 }, (err, granted) => {
      const refused = (granted ?? []).filter((g) => g.qos === 128).map((g) => g.topic);
      if (err || refused.length) log.error(`subscribe refused for ${refused.join(', ') || 'some topics'}: ${err?.message ?? ''}`);
      if (!closed && client.connected) setStatus('connected');
    });
  });

  client.on('message', (topic, payload, packet) => {
    // A persistent session redelivers what we do not acknowledge; after DISCONNECT mqtt.js can no
    // longer acknowledge, so storing such a message would store it twice after the restart.
    if (closed && !clean) return;
    try {
      const until = opts.onMessage(topic, payload, packet.qos);
      if (until && packet.qos === 1 && packet.messageId !== undefined) held.hold(packet.messageId, until);
    } catch (err) {
      log.error(`message handler threw on ${topic}`, err); // ingest never throws; belt and braces
    }
  });

  client.on('error', (err) => {
    lastError = err.message;
    if (errorLog(err.message)) log.warn(`broker ${opts.url}: ${err.message}`);
  });

  client.on('close', () => {
    if (closed) return;
    setStatus('offline', lastError ?? undefined);
    if (retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = null;
      if (closed) return;
      setStatus('connecting');
      client.reconnect({ incomingStore: client.incomingStore, outgoingStore: client.outgoingStore });
    }, delay);
    delay = Math.min(delay * 2, backoff.max);
  });

  const publish = (topic: string, payload: string | Uint8Array, po: PublishOptions): Promise<void> => {
    if (closed) return Promise.reject(new Error('MQTT connection closed'));
    if (!client.connected) return Promise.reject(new Error(`MQTT broker not connected (${opts.url})`));
    const body = typeof payload === 'string' ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.byteLength);
    return new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no PUBACK for ${topic} within ${publishTimeoutMs} ms`)), publishTimeoutMs);
      client.publish(topic, body, { qos: po.qos, retain: po.retain }, (err) => {
        clearTimeout(timer);
        if (err) reject(err);
        else resolve();
      });
    });
  };

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      closed = true;
      if (retryTimer) clearTimeout(retryTimer);
      retryTimer = null;
      // A clean session loses whatever the broker still has in flight for us (already PUBACKed to
      // the devices): unsubscribe first, the UNSUBACK comes after those deliveries. A persistent
      // session keeps them at the broker instead (see the message handler).
      if (clean && client.connected && subscriptions.length > 0)
        await withTimeout(client.unsubscribeAsync(subscriptions), 1500).catch(() => {});
      // A graceful DISCONNECT waits for in-flight PUBACKs; don't let a dead broker hold shutdown.
      const graceful = client.connected ? client.endAsync(false) : Promise.reject(new Error('offline'));
      await withTimeout(graceful, 2000).catch(() => client.endAsync(true));
      setStatus('closed');
    })());

  return {
    publish,
    close,
    get connected() {
      return client.connected && !closed;
    },
    get status() {
      return status;
    },
    get reconnects() {
      return Math.max(0, connects - 1);
    },
    get lastError() {
      return lastError;
    },
    get heldAcks() {
      return held.stats;
    },
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: ReturnType<typeof setTimeout>;
  return Promise.race([
    p,
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
