/**
 * Simulated clients for bench:commands, in their own thread so they do not share the server's event
 * loop. Each of `connections` MQTT connections carries a slice of the `uuids`: it announces them
 * (discovery), subscribes to their canonical and alias command topics, and answers every command at
 * once, on both ack topics (docs/mqtt.md), with accepted → execution_started → completed. Duplicates
 * (the alias copy) are dropped by command_id like a real client. Zero think time: what remains of
 * issue → completed is the server's own overhead plus the broker hops.
 *
 * Messages from the main thread: {type:'mode', mode:'ack'|'hold'} (hold: collect without answering),
 * {type:'release'} (answer everything held), {type:'count'}, {type:'times'}.
 */
import { parentPort, workerData } from 'node:worker_threads';
import mqtt from 'mqtt';

const { url, uuids, connections } = workerData as { url: string; uuids: string[]; connections: number };
const nowUs = () => Math.round((performance.timeOrigin + performance.now()) * 1000);

let mode: 'ack' | 'hold' = 'ack';
const held: Array<() => void> = [];
const seen = new Set<string>();
const receivedAt: Array<[string, number]> = []; // command id → wall-clock µs when it arrived

const conns = await Promise.all(
  Array.from({ length: connections }, (_, i) => mqtt.connectAsync(url, { clientId: `bench-acks-${i}`, reconnectPeriod: 0 })),
);

for (const [i, c] of conns.entries()) {
  // A client that answers "at once" must not have its small ack packets held back by Nagle.
  (c.stream as { setNoDelay?: (on: boolean) => void }).setNoDelay?.(true);
  const mine = uuids.filter((_, k) => k % connections === i);
  c.on('message', (topic, payload) => {
    const cmd = JSON.parse(payload.toString()) as { command_id: string; client_uuid: string };
    if (seen.has(cmd.command_id)) return;
    seen.add(cmd.command_id);
    receivedAt.push([cmd.command_id, nowUs()]);
    const answer = () => {
      for (const status of ['accepted', 'execution_started', 'completed']) {
        const body = JSON.stringify({ command_id: cmd.command_id, status, error_code: null, error_message: null });
        c.publish(`infoscreen/${cmd.client_uuid}/commands/ack`, body, { qos: 1 });
        c.publish(`infoscreen/${cmd.client_uuid}/command/ack`, body, { qos: 1 });
      }
    };
    if (mode === 'hold') held.push(answer);
    else answer();
  });
  for (let k = 0; k < mine.length; k += 500) {
    const slice = mine.slice(k, k + 500);
    await c.subscribeAsync(slice.flatMap((u) => [`infoscreen/${u}/commands`, `infoscreen/${u}/command`]), { qos: 1 });
  }
  for (const u of mine) await c.publishAsync('infoscreen/discovery', JSON.stringify({ uuid: u, hostname: `bench-${u.slice(-6)}` }), { qos: 1 });
}

parentPort!.on('message', async (m: { type: string; mode?: 'ack' | 'hold' }) => {
  if (m.type === 'mode') mode = m.mode!;
  else if (m.type === 'release') held.splice(0).forEach((answer) => answer());
  else if (m.type === 'count') parentPort!.postMessage({ type: 'count', n: seen.size });
  else if (m.type === 'times') parentPort!.postMessage({ type: 'times', receivedAt });
  else if (m.type === 'close') {
    await Promise.all(conns.map((c) => c.endAsync()));
    parentPort!.postMessage({ type: 'closed' });
  }
});
parentPort!.postMessage({ type: 'ready' });
