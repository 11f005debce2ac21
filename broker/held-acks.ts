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
      if (!wait && this.#queue.length === 0) return this.#send(packet, cb, ...rest);
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
    this.stats.dropped += this.#queue.length;
    this.#queue = [];
    this.#waits.clear();
    this.#generation++;
  }

  async #pump(): Promise<void> {
    if (this.#pumping) return;
    this.#pumping = true;
    try {
      while (this.#queue.length > 0) {
        const head = this.#queue[0];
        if (head.wait) await head.wait.catch(() => {});
        if (this.#queue[0] !== head || head.generation !== this.#generation) continue; // reset meanwhile
        this.#queue.shift();
        if (head.wait) this.stats.released++;
        if (this.#client.connected) this.#send(head.packet);
      }
    } finally {
      this.#pumping = false;
    }
  }
}
