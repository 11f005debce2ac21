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

/** PUBACKs that wait for the same thing (the writer shares one promise per flush), in order. */
interface Pending {
  ids: number[];
  until: Promise<unknown> | null;
  ready: boolean;
}

/** PUBACK of packet id `id`: fixed header 0x40, remaining length 2, the id (MQTT 3.1.1 §3.4). */
const puback = (id: number) => Buffer.from([0x40, 0x02, (id >> 8) & 0xff, id & 0xff]);

export class LaterPubacks {
  #queues = new WeakMap<Client, Pending[]>();
  stats = { held: 0, sent: 0, dropped: 0 };

  /** Whether `client` has PUBACKs still to come (a QoS 1 publish of it must then queue as well). */
  pending(client: Client): boolean {
    return (this.#queues.get(client)?.length ?? 0) > 0;
  }

  /** Write the PUBACK of `messageId` to `client` once `until` settles, after its earlier ones. */
  later(client: Client, messageId: number, until?: Promise<unknown>): void {
    let queue = this.#queues.get(client);
    if (!queue) this.#queues.set(client, (queue = []));
    this.stats.held++;
    const last = queue[queue.length - 1];
    // One entry (and one callback) for a run of messages waiting for the same flush.
    if (last && !last.ready && until && last.until === until) {
      last.ids.push(messageId);
      return;
    }
    const entry: Pending = { ids: [messageId], until: until ?? null, ready: !until };
    queue.push(entry);
    if (!until) return this.#drain(client, queue);
    const done = () => {
      entry.ready = true;
      this.#drain(client, queue);
    };
    until.then(done, done);
  }

  /** Writes the PUBACKs at the head that may go, in one go (the socket corked until the next tick). */
  #drain(client: Client, queue: Pending[]): void {
    if (!queue[0]?.ready) return;
    const conn = client.conn as unknown as { write(b: Uint8Array): boolean; cork(): void; uncork(): void; destroyed?: boolean; writable?: boolean };
    const open = client.connected && conn && !conn.destroyed && conn.writable !== false;
    if (open) {
      conn.cork();
      process.nextTick(() => conn.uncork());
    }
    while (queue[0]?.ready) {
      for (const id of queue.shift()!.ids) {
        if (!open) {
          this.stats.dropped++;
          continue;
        }
        conn.write(puback(id));
        this.stats.sent++;
      }
    }
  }
}
