/**
 * PUBACKs of the server's own MQTT connection held until the message's row is stored
 * (docs/reliability.md "External broker"). mqtt.js acknowledges a QoS 1 message right after the
 * 'message' event and only then parses the next packet; its `customHandleAcks` (MQTT 5 only) and
 * `handleMessage` hooks hold that pipeline too, so one held ack would stall all ingestion for a
 * write window. Instead the outgoing PUBACK packet is taken at `_sendPacket` (mqtt.js 5 internal;
 * connection.test.ts fails if it moves): reported as sent at once, so parsing goes on, and written
 * to the broker in arrival order (MQTT 3.1.1 §4.6) once its wait settles. On a lost connection the
 * held PUBACKs are dropped: the broker redelivers those messages to the persistent session, and
 * the rows are idempotent (migration 0025).
 */
import type { MqttClient } from 'mqtt';

type SendPacket = (packet: { cmd: string; messageId?: number }, cb?: (err?: Error) => void, ...rest: unknown[]) => void;
interface Held {
  packet: { cmd: string; messageId?: number };
  wait: Promise<unknown> | null;
  generation: number;
}

export class HeldAcks {
  #client: MqttClient;
  #internals: { _sendPacket: SendPacket };
  #send: SendPacket;
  #waits = new Map<number, Promise<unknown>>(); // messageId → what its PUBACK waits for
  #queue: Held[] = [];
  #head = 0; // #queue[#head] is the next PUBACK to write
  #generation = 0; // one per connection: a PUBACK never reaches a later session
  #pumping = false;
  stats = { held: 0, released: 0, dropped: 0 };

  constructor(client: MqttClient) {
    this.#client = client;
    this.#internals = client as unknown as { _sendPacket: SendPacket };
    if (typeof this.#internals._sendPacket !== 'function') throw new Error('mqtt.js without _sendPacket: held PUBACKs unsupported');
    this.#send = this.#internals._sendPacket.bind(client);
    this.#internals._sendPacket = (packet, cb, ...rest: unknown[]) => {
      if (packet.cmd !== 'puback' || !this.#client.connected) return this.#send(packet, cb, ...rest);
      const wait = packet.messageId === undefined ? undefined : this.#waits.get(packet.messageId);
      if (wait) this.#waits.delete(packet.messageId!);
      // Order: a PUBACK with nothing to wait for still goes behind the held ones.
      if (!wait && this.#head === this.#queue.length) return this.#send(packet, cb, ...rest);
      this.#queue.push({ packet, wait: wait ?? null, generation: this.#generation });
      if (wait) this.stats.held++;
      cb?.(); // the pipeline goes on parsing
      void this.#pump();
    };
    client.on('close', () => this.#reset());
  }

  /** The PUBACK of QoS 1 message `messageId` (about to be sent) waits for `until`. */
  hold(messageId: number, until: Promise<unknown>): void {
    this.#waits.set(messageId, until);
  }

  #reset(): void {
    this.stats.dropped += this.#queue.length - this.#head;
    this.#queue = [];
    this.#head = 0;
    this.#waits.clear();
    this.#generation++;
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      // A read index, not shift(): a burst queues tens of thousands, and shift() moves them all each time.
      while (this.#head < this.#queue.length) {
        const queue = this.#queue;
        const head = queue[this.#head];
        if (head.wait) await head.wait.catch(() => {});
        if (this.#queue !== queue || queue[this.#head] !== head || head.generation !== this.#generation) continue; // reset meanwhile
        this.#head++;
        if (this.#head > 1024 && this.#head * 2 > queue.length) {
          queue.splice(0, this.#head); // drop what was sent, now and then
          this.#head = 0;
        }
        if (head.wait) this.stats.released++;
        if (this.#client.connected) this.#send(head.packet);
      }
      this.#queue = []; // all written
      this.#head = 0;
    } finally {
      this.#pumping = false;
    }
  }
}
