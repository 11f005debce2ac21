/**
 * The original listener's persistence design for bench:log-burst (docs/performance.md "Log bursts"),
 * emulated in Node: its handle_log_message opened a session, added one ClientLog, committed and
 * closed it per message, inside paho's on_message, which runs one message after the other. Here:
 * one write transaction (BEGIN IMMEDIATE, INSERT, COMMIT) per message on a SQLite WAL file with
 * SQLite's default synchronous=FULL (what Python's sqlite3 used), strictly sequential: mqtt.js's
 * `handleMessage` hook holds the next packet (and a QoS 1 PUBACK) until the commit returns, as
 * paho's loop does. Left out: the ORM's object mapping and CPython, so it flatters the original.
 */
import mqtt, { type MqttClient } from 'mqtt';
import { createClient, type Client } from '@libsql/client';

/** The original subscribed with paho's default QoS (0): its broker acknowledged the device at once. */
export const ORIGINAL_SUBSCRIBE_QOS = 0;

export interface OriginalListener {
  /** Resolves once `n` rows are committed. */
  stored: Promise<void>;
  close(): Promise<void>;
}

/** Its table: the columns of ClientLog, indexed by client_uuid, timestamp and level like the original migration. */
async function createSchema(db: Client): Promise<void> {
  await db.execute('PRAGMA journal_mode=WAL');
  await db.execute('PRAGMA synchronous=FULL'); // SQLite's default; set so a build default cannot change it
  await db.batch([
    'CREATE TABLE client_logs (id INTEGER PRIMARY KEY, client_uuid TEXT NOT NULL, timestamp TEXT, level TEXT NOT NULL, message TEXT, context TEXT)',
    'CREATE INDEX ix_client_logs_client_uuid ON client_logs(client_uuid)',
    'CREATE INDEX ix_client_logs_timestamp ON client_logs(timestamp)',
    'CREATE INDEX ix_client_logs_level ON client_logs(level)',
  ]);
}

/** Subscribes to `url` and stores every log message of the burst (`n` of them) into `file`. */
export async function startOriginalListener(url: string, file: string, n: number): Promise<OriginalListener> {
  const db = createClient({ url: `file:${file}` });
  await createSchema(db);
  const listener: MqttClient = await mqtt.connectAsync(url, { clientId: `original-listener-${process.pid}`, protocolVersion: 4, reconnectPeriod: 0 });
  let stored = 0;
  let done: () => void = () => {};
  let fail: (err: unknown) => void = () => {};
  const all = new Promise<void>((resolve, reject) => ((done = resolve), (fail = reject)));
  listener.handleMessage = (packet, callback) => {
    const [, uuid, , level] = packet.topic.split('/');
    const m = JSON.parse(packet.payload.toString()) as { timestamp?: string; message?: string; context?: unknown };
    void (async () => {
      const tx = await db.transaction('write'); // Session() … session.add(log_entry)
      try {
        await tx.execute({
          sql: 'INSERT INTO client_logs (client_uuid, timestamp, level, message, context) VALUES (?, ?, ?, ?, ?)',
          args: [uuid, m.timestamp ?? new Date().toISOString(), level.toUpperCase(), m.message ?? '', JSON.stringify(m.context ?? {})],
        });
        await tx.commit(); // session.commit()
      } finally {
        tx.close(); // session.close()
      }
      if (++stored === n) done();
    })().then(() => callback(), (err) => (fail(err), callback(err as Error)));
  };
  await listener.subscribeAsync(['infoscreen/+/logs/error', 'infoscreen/+/logs/warn', 'infoscreen/+/logs/info'], { qos: ORIGINAL_SUBSCRIBE_QOS });
  return {
    stored: all,
    close: async () => {
      await listener.endAsync();
      db.close();
    },
  };
}
