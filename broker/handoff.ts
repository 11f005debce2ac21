/**
 * In-process hand-off from the embedded broker (docs/architecture.md "In-process hand-off"): every
 * authorized device publish on a topic the server reads is given to ingestion from aedes'
 * `authorizePublish` hook, after the ACL, rate-limit and size decisions; the server's own MQTT
 * connection subscribes to none of these topics, so nothing travels a second time over TCP.
 *
 * Durable acknowledgements (docs/reliability.md "Crash (kill -9) durability"): for a log or
 * command ack (`wantsDurableAck`) the PUBACK goes out only once the writer has stored the row
 * (BatchedWriter.durable, group commit), at most `timeoutMs` later; a device is never wedged by a
 * failing store. The broker writes that PUBACK itself (`ackAfter`, broker/later-pubacks.ts) and
 * goes on reading the device's next publishes meanwhile.
 *
 * Start-up: the broker listens before ingestion is built (runtime/loop.ts). A message that comes
 * that early is held in its hook (so is its PUBACK) and ingested, in arrival order, once `ready`
 * resolves: nothing is lost, retained messages included (aedes keeps those only in memory).
 * Shutdown: after `close()` (the runtime stops ingesting before its final flush) a message is
 * neither ingested nor acknowledged: the device sends a QoS 1 message again to the next server.
 */
import { SUBSCRIPTIONS, parseTopic } from './topics.ts';

/** What became of a publish handed over (HandOff.take). */
export type Taken = void | { hold: Promise<unknown> } | { ackAfter: Promise<void> };

export interface HandOffOptions {
  /** The server's ingestion of one message (counters and the dispatcher); called only once ready. */
  ingest: (topic: string, payload: Uint8Array) => void;
  /** Resolves once ingestion is built. */
  ready: Promise<unknown>;
  /** Resolves true once everything queued so far is written, false after `timeoutMs`. */
  durable: (timeoutMs: number) => Promise<boolean>;
  timeoutMs: number;
}

/** The device topics whose messages become stored rows. */
const STORED_KINDS = new Set(['log', 'ack']);

/** Whether a device publish is acknowledged only once stored: QoS 1 on a topic that becomes a row. */
export function wantsDurableAck(topic: string, qos: number): boolean {
  if (qos !== 1) return false;
  const parsed = parseTopic(topic);
  return parsed !== null && STORED_KINDS.has(parsed.kind);
}

const FILTERS = SUBSCRIPTIONS.map((f) => f.split('/'));

/**
 * Whether `topic` matches one of the server's subscriptions (MQTT 3.1.1 §4.7): exactly what the
 * subscription delivered before, malformed uuids included (ingestion counts those as bad_topic).
 */
export function serverReads(topic: string): boolean {
  if (!topic.startsWith('infoscreen/')) return false; // also every '$' topic (DROPPED_TOPIC)
  const t = topic.split('/');
  return FILTERS.some((f) => {
    for (let i = 0; i < f.length; i++) {
      if (f[i] === '#') return true;
      if (i >= t.length || (f[i] !== '+' && f[i] !== t[i])) return false;
    }
    return f.length === t.length;
  });
}

export class HandOff {
  #o: HandOffOptions;
  #ready = false;
  #closed = false;
  stats = { ingested: 0, early: 0, durable: 0, timedOut: 0, afterClose: 0 };
  #waiting = new Map<Promise<boolean>, { n: number; done: Promise<void> }>(); // the writer's shared promise → its messages

  constructor(o: HandOffOptions) {
    this.#o = o;
    // Registered first, so it runs before the early messages' continuations (FIFO).
    void o.ready.then(() => (this.#ready = true));
  }

  /**
   * One authorized device publish (never the server's own). `hold`: the broker waits before it goes
   * on with the connection (start-up, shutdown); `ackAfter`: taken, its PUBACK waits for this (a
   * durable ack); nothing: taken, acknowledged at once. Never rejects.
   */
  take(topic: string, payload: Uint8Array, qos: number): Taken {
    if (!serverReads(topic)) return;
    if (this.#ready) return this.#now(topic, payload, qos);
    this.stats.early++;
    return { hold: this.#o.ready.then(() => this.#now(topic, payload, qos)).then((t) => (t && 'hold' in t ? t.hold : t?.ackAfter)) };
  }

  /** Stop ingesting (shutdown): from now on a message waits, unacknowledged, until the broker closes. */
  close(): void {
    this.#closed = true;
  }

  #now(topic: string, payload: Uint8Array, qos: number): Taken {
    if (this.#closed) {
      this.stats.afterClose++;
      return { hold: new Promise<void>(() => {}) }; // its own: reactions on a shared one would pile up
    }
    this.#o.ingest(topic, payload);
    this.stats.ingested++;
    if (wantsDurableAck(topic, qos)) return { ackAfter: this.#durable() };
  }

  /**
   * The writer's promise for everything queued so far, shared by every message of the same flush
   * (db/writer.durability.ts): counted once per flush here, not one promise per message.
   */
  #durable(): Promise<void> {
    const shared = this.#o.durable(this.#o.timeoutMs);
    const known = this.#waiting.get(shared);
    if (known) {
      known.n++;
      return known.done;
    }
    const entry = {
      n: 1,
      done: shared.catch(() => false).then((written) => {
        this.#waiting.delete(shared);
        if (written) this.stats.durable += entry.n;
        else this.stats.timedOut += entry.n;
      }),
    };
    this.#waiting.set(shared, entry);
    return entry.done;
  }
}
