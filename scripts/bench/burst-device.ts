/**
 * The device of bench:log-burst, in its own process (child_process.fork) so its mqtt.js work does
 * not share a core's event loop with what is measured. Connects (MQTT 3.1.1, clean session),
 * answers {type:'ready'}; on {type:'go'} publishes `n` QoS 1 log messages at once (pipelined, no
 * inflight limit of its own) and answers {type:'acked', ms} once every PUBACK is in.
 */
import mqtt from 'mqtt';

interface Start {
  url: string;
  topic: string;
  n: number;
}

const send = (m: object) => process.send!(m);

process.once('message', async ({ url, topic, n }: Start) => {
  const dev = await mqtt.connectAsync(url, { clientId: `burst-device-${process.pid}`, protocolVersion: 4, reconnectPeriod: 0 });
  dev.on('error', (err) => send({ type: 'error', message: String(err) }));
  // Numbered messages: the bench checks every one is stored exactly once (`burst <i>`).
  const payloads = Array.from({ length: n }, (_, i) => JSON.stringify({ timestamp: new Date().toISOString(), message: `burst ${i}`, context: null }));
  process.once('message', async () => {
    const t0 = performance.now();
    await Promise.all(payloads.map((p) => dev.publishAsync(topic, p, { qos: 1 })));
    send({ type: 'acked', ms: performance.now() - t0 });
    await dev.endAsync();
    process.disconnect();
  });
  send({ type: 'ready' });
});
