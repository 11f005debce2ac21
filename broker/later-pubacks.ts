/**
 * PUBACKs the embedded broker writes itself, once a device's QoS 1 log or command ack is stored
 * (docs/reliability.md "Crash (kill -9) durability"). Holding aedes' own `authorizePublish` hook
 * until then would hold the device's whole connection: aedes reads a connection's next packets only
 * when every packet of the last read is done, so one device's burst went one flush at a time and the
 * writer's work never overlapped with parsing. Instead the publish goes on at once as QoS 0 inside
 * the broker (aedes then writes no PUBACK; the server is the only reader of these topics) and the
 * PUBACK is written here when its row is stored.
 *
 * MQTT 3.1.1 §4.6: PUBACKs go out in the order the publishes came. Per connection every QoS 1
 * publish after a held one queues behind it, even one that waits for nothing. PUBACKs released
 * together are written in one go (the socket corked until the next tick). A connection that closed
 * meanwhile gets none: the device sends those messages again (the log rows are idempotent).
 */
import { Buffer } from 'node:buffer';
import process from 'node:process';
import type { Client } from 'aedes';

interface Chain {
  tail: Promise<void>;
  pending: number;
}

/** PUBACK of packet id `id`: fixed header 0x40, remaining length 2, the id (MQTT 3.1.1 §3.4). */
const puback = (id: number) => Buffer.from([0x40, 0x02, (id >> 8) & 0xff, id & 0xff]);

export class LaterPubacks {
  #chains = new WeakMap<Client, Chain>();
  stats = { held: 0, sent: 0, dropped: 0 };

  /** Whether `client` has PUBACKs still to come (a QoS 1 publish of it must then queue as well). */
  pending(client: Client): boolean {
    return (this.#chains.get(client)?.pending ?? 0) > 0;
  }

  /** Write the PUBACK of `messageId` to `client` once `until` settles, after its earlier ones. */
  later(client: Client, messageId: number, until: Promise<unknown> = Promise.resolve()): void {
    let chain = this.#chains.get(client);
    if (!chain) this.#chains.set(client, (chain = { tail: Promise.resolve(), pending: 0 }));
    const c = chain;
    c.pending++;
    this.stats.held++;
    c.tail = c.tail
      .then(() => until)
      .catch(() => {})
      .then(() => {
        c.pending--;
        this.#write(client, messageId);
      });
  }

  #write(client: Client, messageId: number): void {
    const conn = client.conn as unknown as { write(b: Uint8Array): boolean; cork(): void; uncork(): void; destroyed?: boolean; writable?: boolean };
    if (!client.connected || !conn || conn.destroyed || conn.writable === false) {
      this.stats.dropped++;
      return;
    }
    conn.cork();
    process.nextTick(() => conn.uncork());
    conn.write(puback(messageId));
    this.stats.sent++;
  }
}
