/**
 * `bench:ingest --hanging-receiver` (docs/notifications.md "Delivery"): a loopback HTTP receiver
 * that accepts every request and never answers, webhook channels and rules pointing at it, and a
 * steady stream of alerts raised on the server's bus while the load runs, so the ingest figures
 * can be compared with and without deliveries hanging in the same process. Node-only (node:http).
 */
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Runtime } from '../../runtime.ts';

export interface StormStats {
  alerts: number;
  requests: number;
  /** Requests still held open when the storm stopped. */
  hanging: number;
  queued: number;
}

export interface HangingReceiver {
  /** Raises `perSecond` alerts until the returned stop is called; it answers what happened meanwhile. */
  storm(perSecond: number): () => Promise<StormStats>;
  close(): Promise<void>;
}

/** The receiver and `channels` webhook channels at it, each with a rule for every alert (no delay, a cap of 1,000 per 10 min). */
export async function hangingReceiver(rt: Runtime, channels: number): Promise<HangingReceiver> {
  const held: IncomingMessage[] = [];
  let open = 0;
  const server = createServer((req) => {
    held.push(req); // read nothing back, answer never: the attempt waits for its own timeout
    open++;
    req.socket.once('close', () => open--);
    req.resume();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  for (let i = 0; i < channels; i++) {
    const channelId = await rt.notifications.addChannel({ name: `hanging-${i}`, type: 'webhook', url: `http://127.0.0.1:${port}/hook/${i}`, language: 'en', rateCap: 1000 }, 'bench');
    await rt.notifications.addRule({ channelId, kinds: null, minSeverity: 'info', groupIds: null, delaySeconds: 0, notifyResolved: true, repeatSeconds: null, respectSchedule: false, quietHours: null }, 'bench');
  }
  let n = 0;
  const everyMs = 20; // alerts are raised in small bursts, as a real storm arrives
  return {
    storm(perSecond) {
      const [alerts0, requests0] = [n, held.length];
      const timer = setInterval(() => {
        for (let k = 0; k < Math.max(1, Math.round((perSecond * everyMs) / 1000)); k++, n++) {
          rt.bus.emit({ type: 'command', commandId: `bench-${n}`, uuid: `eeeeeeee-0000-4000-8000-${String(n % 1000).padStart(12, '0')}`, action: 'restart_app', from: 'sent', to: 'failed', at: Date.now() });
        }
      }, everyMs);
      return async () => {
        clearInterval(timer);
        await rt.writer.settled();
        const rs = await rt.db.execute('SELECT count(*) AS n FROM notification_outbox');
        return { alerts: n - alerts0, requests: held.length - requests0, hanging: open, queued: Number(rs.rows[0].n) };
      };
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
