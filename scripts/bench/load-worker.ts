/**
 * Load generator for bench:ingest, in its own thread so publishing does not share the server's
 * event loop. Publishes real health and log payloads (docs/mqtt.md) for `clients` uuids as fast as the
 * connection drains (`rate` 0), or paced at `rate` msgs/s in total, plus timed probes: a health
 * message whose `actual_state.pid` carries the send time in microseconds, so the server side can
 * measure publish → actor-state latency.
 */
import { parentPort, workerData } from 'node:worker_threads';
import mqtt from 'mqtt';

const { url, clients, seconds, connections, probeEveryMs, probeUuids, rate } = workerData as {
  url: string;
  clients: number;
  seconds: number;
  connections: number;
  probeEveryMs: number;
  probeUuids: string[];
  rate: number; // msgs/s over all connections; 0 = saturation
};
const BURST = 200; // messages per write burst
const TICK_MS = 5; // paced mode: top up to the target count this often

const uuid = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;
const micros = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

const health = (pid: number) =>
  JSON.stringify({
    timestamp: new Date().toISOString(),
    expected_state: { event_id: 42 },
    actual_state: { process: 'display_manager', pid, status: 'running' },
    health_metrics: { screen_status: 'OK', last_frame_update: new Date().toISOString() },
    broker_connection: { broker_reachable: true, reconnect_count: 0, last_disconnect_at: null },
  });
const logLine = JSON.stringify({ timestamp: new Date().toISOString(), message: 'playlist advanced', context: { slide: 3 } });

const conns = await Promise.all(
  Array.from({ length: connections }, (_, i) => mqtt.connectAsync(url, { clientId: `bench-load-${i}`, reconnectPeriod: 0 })),
);

let sent = 0;
let probes = 0;
const deadline = Date.now() + seconds * 1000;
let nextProbe = Date.now();

async function pump(c: mqtt.MqttClient, offset: number): Promise<void> {
  let i = offset;
  let mine = 0;
  const started = Date.now();
  const share = rate / connections; // msgs/s of this connection in paced mode
  while (Date.now() < deadline) {
    // Send a burst, then wait for the socket to drain: saturation without unbounded buffering.
    // Paced: only what keeps this connection on its share of `rate` (a late tick catches up).
    const burst = rate ? Math.min(BURST, Math.floor(((Date.now() - started) / 1000) * share) - mine) : BURST;
    for (let k = 0; k < burst; k++, mine++) {
      const n = i++ % clients;
      if (n % 10 === 0) c.publish(`infoscreen/${uuid(n)}/logs/info`, logLine, { qos: 0 });
      else c.publish(`infoscreen/${uuid(n)}/health`, health(1000 + (n % 50)), { qos: 0 });
      sent++;
    }
    if (Date.now() >= nextProbe) {
      nextProbe += probeEveryMs;
      const probe = probeUuids[probes++ % probeUuids.length];
      c.publish(`infoscreen/${probe}/health`, health(micros()), { qos: 0 });
    }
    await new Promise<void>((resolve) => {
      const stream = (c as unknown as { stream: { writableNeedDrain?: boolean; once(e: string, f: () => void): void } }).stream;
      if (stream.writableNeedDrain) stream.once('drain', () => resolve());
      else if (rate) setTimeout(resolve, TICK_MS);
      else setImmediate(resolve);
    });
  }
}

await Promise.all(conns.map((c, i) => pump(c, i * Math.ceil(clients / connections))));
await Promise.all(conns.map((c) => c.endAsync()));
parentPort!.postMessage({ sent, probes });
