/**
 * Durable QoS 1 acknowledgements with the embedded broker (docs/reliability.md "Crash (kill -9)
 * durability"). aedes (lib/handlers/publish.js) writes the PUBACK of a QoS 1 publish before it
 * forwards the message, right after the `authorizePublish` hook; so holding that hook is the one way
 * to hold the acknowledgement. For a device publish that becomes a stored row (logs and command
 * acks, docs/mqtt.md) the embedded broker therefore hands the message to ingestion in-process from
 * that hook, and lets the PUBACK go out only once the writer has written it
 * (BatchedWriter.durable: the regular flush, none is forced, so batching stays as it was). The
 * copy that then reaches the server's own subscription is recognised (topic + payload digest) and
 * skipped, so the row is stored once.
 *
 * The wait is bounded (`timeoutMs`): while the store fails, the PUBACK goes out after the timeout
 * with the row in the writer's in-memory retry queue (counted in `timedOut`); a device is never
 * wedged by a failing store.
 */
import { createHash } from 'node:crypto';
import { parseTopic } from './topics.ts';

export interface DurableAcksOptions {
  /** The server's ingestion of one message (what its subscription's onMessage does); false while not ready yet. */
  ingest: (topic: string, payload: Uint8Array) => boolean;
  /** Resolves true once everything queued so far is written, false after `timeoutMs`. */
  durable: (timeoutMs: number) => Promise<boolean>;
  timeoutMs: number;
}

/** The device topics whose messages become stored rows. */
const STORED_KINDS = new Set(['log', 'ack']);
/** Copies expected on the server's subscription; beyond this the oldest are forgotten. */
const EXPECTED_MAX = 100_000;

const keyOf = (topic: string, payload: Uint8Array) => `${topic}\n${createHash('sha1').update(payload).digest('base64')}`;

export class DurableAcks {
  #o: DurableAcksOptions;
  #expected = new Map<string, number>(); // key → copies still to come over the subscription
  stats = { ingested: 0, durable: 0, timedOut: 0, skippedCopies: 0 };

  constructor(o: DurableAcksOptions) {
    this.#o = o;
  }

  /** Whether a device publish is ingested here, before its PUBACK: QoS 1 on a topic that becomes a row. */
  wants(topic: string, qos: number): boolean {
    if (qos !== 1) return false;
    const parsed = parseTopic(topic);
    return parsed !== null && STORED_KINDS.has(parsed.kind);
  }

  /** From the broker's authorizePublish (after the ACL): ingest now; resolves when the PUBACK may go. Never rejects. */
  async ingestBeforeAck(topic: string, payload: Uint8Array): Promise<void> {
    if (!this.#o.ingest(topic, payload)) return; // not ready (start-up): the subscription's copy is ingested
    const key = keyOf(topic, payload);
    this.#expected.set(key, (this.#expected.get(key) ?? 0) + 1);
    if (this.#expected.size > EXPECTED_MAX) this.#expected.delete(this.#expected.keys().next().value!);
    this.stats.ingested++;
    const written = await this.#o.durable(this.#o.timeoutMs).catch(() => false);
    if (written) this.stats.durable++;
    else this.stats.timedOut++;
  }

  /** For the server's subscription: true when this message was already ingested before its PUBACK. */
  alreadyIngested(topic: string, payload: Uint8Array, qos: number): boolean {
    if (this.#expected.size === 0 || !this.wants(topic, qos)) return false;
    const key = keyOf(topic, payload);
    const n = this.#expected.get(key);
    if (n === undefined) return false;
    if (n > 1) this.#expected.set(key, n - 1);
    else this.#expected.delete(key);
    this.stats.skippedCopies++;
    return true;
  }
}
