/**
 * The devices of `npm run bench:failover`: a small fleet pipelining numbered QoS 1 logs (what the
 * broker PUBACKed is what must be stored, once), and command devices that answer `restart_app`
 * with scripted ack delays (what they acked is what the command's final state must be).
 */
import mqtt, { type MqttClient } from 'mqtt';
import { topics } from '../broker/topics.ts';
import type { Db } from '../db/client.ts';
import { ackPayload, discoveryPayload, type AckStatus } from './sim/payloads.ts';
import { sleep } from '../testing/helpers.ts';

const uuidOf = (prefix: string, n: number) => `${prefix}-0000-4000-8000-${String(n).padStart(12, '0')}`;

function connect(url: string, clientId: string): Promise<MqttClient> {
  // A persistent session and quick reconnects: a broker restart must not lose the device's in-flight QoS 1.
  return mqtt.connectAsync(url, { clientId, clean: false, protocolVersion: 4, reconnectPeriod: 500, connectTimeout: 5000 });
}

export interface LogFleet {
  /** Messages the broker PUBACKed, by text. */
  acked: Set<string>;
  sent: number;
  stop: () => Promise<void>;
}

/** `devices` devices, each publishing `${tag} d<k> <i>` every `everyMs` until stopped. */
export async function startLogFleet(url: string, tag: string, devices: number, everyMs: number): Promise<LogFleet> {
  const clients = await Promise.all(Array.from({ length: devices }, (_, k) => connect(url, `failover-log-${k}`)));
  clients.forEach((c) => c.on('error', () => {}));
  const acked = new Set<string>();
  const pending = new Set<Promise<unknown>>();
  let sent = 0;
  let running = true;
  const loops = clients.map(async (c, k) => {
    const topic = `infoscreen/${uuidOf('fa110000', k + 1)}/logs/info`;
    for (let i = 0; running; i++) {
      const message = `${tag} d${k} ${i}`;
      const p = c.publishAsync(topic, JSON.stringify({ timestamp: new Date().toISOString(), message, context: null }), { qos: 1 }).then(
        () => void acked.add(message),
        () => {},
      );
      sent++;
      pending.add(p);
      void p.finally(() => pending.delete(p));
      await sleep(everyMs);
    }
  });
  return {
    acked,
    get sent() {
      return sent;
    },
    stop: async () => {
      running = false;
      await Promise.all(loops);
      // In-flight publishes finish once the broker answers; never wait forever on one.
      await Promise.race([Promise.all(pending), sleep(15_000)]);
      await Promise.all(clients.map((c) => c.endAsync(true).catch(() => {})));
    },
  };
}

/** Rows stored for `tag`: acked messages missing, and rows beyond the first of a message. */
export async function logFigures(db: Db, tag: string, acked: Set<string>): Promise<{ lost: number; duplicated: number }> {
  const rs = await db.execute({ sql: 'SELECT message, COUNT(*) AS n FROM client_logs WHERE message LIKE ? GROUP BY message', args: [`${tag} %`] });
  const have = new Map(rs.rows.map((r) => [String(r.message), Number(r.n)]));
  let lost = 0;
  for (const m of acked) if (!have.has(m)) lost++;
  let duplicated = 0;
  for (const n of have.values()) duplicated += n - 1;
  return { lost, duplicated };
}

/** Waits until every acked message of `tag` is stored, or `ms` pass. */
export async function waitStored(db: Db, tag: string, acked: Set<string>, ms: number): Promise<void> {
  const until = Date.now() + ms;
  while (Date.now() < until) {
    const f = await logFigures(db, tag, acked).catch(() => null);
    if (f && f.lost === 0) return;
    await sleep(500);
  }
}

export type AckScript = { delayMs: number; outcome: 'completed' | 'failed' };

export interface CommandDevice {
  uuid: string;
  /** command_id → the last status this device acked (PUBACKed by the broker). */
  acked: Map<string, AckStatus>;
  stop: () => Promise<void>;
}

/** A device that announces itself and answers each new command: accepted after `delayMs`, then execution_started, then the outcome. */
export async function startCommandDevice(url: string, n: number, script: AckScript): Promise<CommandDevice> {
  const uuid = uuidOf('fa11c0de', n);
  const c = await connect(url, `failover-cmd-${n}`);
  c.on('error', () => {});
  const acked = new Map<string, AckStatus>();
  const ack = async (id: string, status: AckStatus) => {
    const body = status === 'failed' ? ackPayload(id, status, 'execution_failed', 'scripted failure') : ackPayload(id, status);
    await c.publishAsync(topics.ack(uuid), JSON.stringify(body), { qos: 1 });
    acked.set(id, status);
  };
  c.on('message', (_topic, payload) => {
    let id: string;
    try {
      id = String(JSON.parse(payload.toString()).command_id);
    } catch {
      return;
    }
    if (acked.has(id)) return; // a redelivery
    acked.set(id, 'accepted');
    void (async () => {
      await sleep(script.delayMs);
      await ack(id, 'accepted');
      if (script.outcome === 'failed') return ack(id, 'failed');
      await sleep(300);
      await ack(id, 'execution_started');
      await sleep(300);
      await ack(id, 'completed');
    })().catch(() => {});
  });
  await c.subscribeAsync(topics.commands(uuid), { qos: 1 });
  const state = { uuid, hostname: `failover-${n}`, ip: '127.0.0.1', softwareVersion: '2.5.0' } as Parameters<typeof discoveryPayload>[0];
  await c.publishAsync(topics.discovery, JSON.stringify(discoveryPayload(state)), { qos: 1 });
  return { uuid, acked, stop: () => c.endAsync(true).catch(() => {}) };
}
