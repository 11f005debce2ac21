/**
 * Durable QoS 1 acknowledgements with the embedded broker (docs/reliability.md "Crash (kill -9)
 * durability"). aedes runs its `published` hook in the QoS 1 publish pipeline before it writes the
 * PUBACK, so holding the hook holds the acknowledgement. For a device publish that becomes a stored
 * row (logs and command acks, docs/mqtt.md), the hook waits until
 *   1. the server's own subscription has ingested that very message (matched by topic and payload
 *      digest; it may arrive before or after the hook runs, both orders are matched), and
 *   2. the writer has written everything queued up to then (BatchedWriter.durable: the regular
 *      flush, none is forced, so batching stays as it was).
 * Only then does the device get its PUBACK, so a kill -9 can no longer lose an acknowledged row.
 * The wait is bounded (`timeoutMs`): when the store fails or the server's connection is down, the
 * PUBACK goes out after the timeout with the row in the writer's in-memory retry queue (counted in
 * `timedOut`); a device is never wedged by a failing store.
 */
import { createHash } from 'node:crypto';
import { parseTopic } from './topics.ts';

export interface DurableAcksOptions {
  /** Resolves true once everything queued so far is written, false after `timeoutMs`. */
  durable: (timeoutMs: number) => Promise<boolean>;
  /** Whether the server's subscription is up (otherwise nothing will be ingested: do not wait). */
  serverConnected: () => boolean;
  timeoutMs: number;
  now?: () => number;
}

/** The device topics whose messages become stored rows. */
const STORED_KINDS = new Set(['log', 'ack']);

type Payload = Uint8Array | string;
const SEEN_MAX = 50_000;

const keyOf = (topic: string, payload: Payload) => `${topic}\n${createHash('sha1').update(payload).digest('base64')}`;

export class DurableAcks {
  #o: DurableAcksOptions;
  #waiting = new Map<string, (() => void)[]>();
  // Ingested before its hook ran: key → count, for at most SEEN_MAX keys (oldest forgotten first).
  #seen = new Map<string, number>();
  stats = { waited: 0, durable: 0, timedOut: 0 };

  constructor(o: DurableAcksOptions) {
    this.#o = o;
  }

  /** Whether a publish must wait: QoS 1 from a device, on a topic that becomes a stored row. */
  needsWait(topic: string, qos: number, fromClient: boolean): boolean {
    if (qos !== 1 || !fromClient) return false;
    const parsed = parseTopic(topic);
    return parsed !== null && STORED_KINDS.has(parsed.kind);
  }

  /** The aedes `published` hook's body: resolves when the PUBACK may go out (never rejects). */
  async published(topic: string, payload: Payload, qos: number, fromClient: boolean): Promise<void> {
    if (!this.needsWait(topic, qos, fromClient) || !this.#o.serverConnected()) return;
    this.stats.waited++;
    const now = this.#o.now ?? Date.now;
    const until = now() + this.#o.timeoutMs;
    const key = keyOf(topic, payload);
    const early = this.#seen.get(key);
    if (early !== undefined) {
      if (early > 1) this.#seen.set(key, early - 1);
      else this.#seen.delete(key);
      return this.#afterSeen(true, until, now);
    }
    let release: () => void = () => {};
    const seen = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        const list = this.#waiting.get(key);
        const i = list ? list.indexOf(release) : -1;
        if (list && i >= 0) list.splice(i, 1);
        if (list && list.length === 0) this.#waiting.delete(key);
        resolve(false);
      }, this.#o.timeoutMs);
      release = () => {
        clearTimeout(timer);
        resolve(true);
      };
      const list = this.#waiting.get(key);
      if (list) list.push(release);
      else this.#waiting.set(key, [release]);
    });
    return this.#afterSeen(seen, until, now);
  }

  async #afterSeen(seen: boolean, until: number, now: () => number): Promise<void> {
    const written = seen && (await this.#o.durable(Math.max(1, until - now())));
    if (written) this.stats.durable++;
    else this.stats.timedOut++;
  }

  /** Called by the server's ingestion after handling a message (its statement is queued by then). */
  ingested(topic: string, payload: Payload, qos: number): void {
    if (!this.needsWait(topic, qos, true)) return;
    const key = keyOf(topic, payload);
    const list = this.#waiting.get(key);
    if (!list) {
      // Its hook has not run yet (or never will: a server-side QoS 0 copy, a hook that timed out).
      this.#seen.set(key, (this.#seen.get(key) ?? 0) + 1);
      if (this.#seen.size > SEEN_MAX) this.#seen.delete(this.#seen.keys().next().value!);
      return;
    }
    const first = list.shift()!;
    if (list.length === 0) this.#waiting.delete(key);
    first();
  }
}
