/**
 * The embedded MQTT broker (aedes 1.2, MQTT 3.1.1 only; decisions.md §7), Node-only (node:net).
 * Used when no external broker is configured. Until device accounts and ACLs exist (mqtt.md "Who
 * may publish and subscribe"), it listens on loopback only; the auth hooks pass straight through
 * to aedes so that issue can plug them in (and then lift the loopback rule in `assertLoopback`).
 *
 * Payload limit (mqtt.md "Bad input"), like Mosquitto's `message_size_limit`: a publish above
 * `maxPayloadBytes` is acknowledged but never forwarded, so a device whose QoS 1 session holds an
 * oversized screenshot is not kicked into a reconnect loop. A frame far above it (see
 * FRAME_CEILING) is cut at the socket before aedes buffers it. Both are reported to `onOversize`.
 */
import { Buffer } from 'node:buffer';
import net from 'node:net';
import { Aedes, type AedesOptions, type AedesPublishPacket, type PublishPacket } from 'aedes';
import { FrameGuard } from './frame-guard.ts';
import { logger, rateLimiter } from '../lib/logger.ts';

const log = logger('embedded-broker');

/** Frames up to this are read whole, then dropped if the payload is too large; beyond: disconnect. */
const FRAME_CEILING = (maxPayloadBytes: number) => 4 * maxPayloadBytes + 65_546; // + topic (≤65,535) + ids

export interface OversizeInfo {
  clientId: string | null;
  topic: string | null; // null when the connection was cut before the topic was read
  bytes: number; // payload bytes, or the frame's remaining length when cut
  action: 'dropped' | 'disconnected';
}

export interface EmbeddedBrokerOptions {
  host: string; // loopback only for now: 127.0.0.0/8, ::1 or localhost
  port: number; // 0 = any free port (tests)
  maxPayloadBytes: number; // bytes
  /** Seams for device accounts / ACLs (later issue). */
  authenticate?: AedesOptions['authenticate'];
  authorizePublish?: AedesOptions['authorizePublish'];
  authorizeSubscribe?: AedesOptions['authorizeSubscribe'];
  /** Called once per oversized publish; wire it to DropCounter (`too_large`). Default: rate-limited log. */
  onOversize?: (info: OversizeInfo) => void;
}

export interface EmbeddedBroker {
  host: string;
  port: number;
  aedes: Aedes;
  close(): Promise<void>;
}

export function assertLoopback(host: string): void {
  const loopback = host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  if (!loopback) {
    throw new Error(
      `embedded MQTT broker: refusing to listen on "${host}": without device accounts and ACLs (mqtt.md) it must stay on loopback (127.0.0.1)`,
    );
  }
}

const sizeOf = (payload: PublishPacket['payload']) => (typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length);

export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  assertLoopback(opts.host);
  const max = opts.maxPayloadBytes;
  const logOnce = rateLimiter(60_000);
  const onOversize =
    opts.onOversize ??
    ((i: OversizeInfo) => {
      if (logOnce(i.clientId ?? '?')) log.warn(`oversized publish ${i.action}: ${i.bytes} bytes from ${i.clientId ?? '?'} on ${i.topic ?? '?'} (limit ${max})`);
    });
  const userAuthorizePublish = opts.authorizePublish;

  const aedes = await Aedes.createBroker({
    ...(opts.authenticate && { authenticate: opts.authenticate }),
    ...(opts.authorizeSubscribe && { authorizeSubscribe: opts.authorizeSubscribe }),
    authorizePublish(client, packet, done) {
      const afterAcl = (err?: Error | null) => {
        if (err) return done(err);
        const bytes = sizeOf(packet.payload);
        if (bytes > max) {
          packet.retain = false; // never keep it as a retained message either
          onOversize({ clientId: client?.id ?? null, topic: packet.topic, bytes, action: 'dropped' });
        }
        done(null);
      };
      if (userAuthorizePublish) userAuthorizePublish(client, packet, afterAcl);
      else afterAcl(null);
    },
    // Called per subscriber: the oversized publish reaches no one (it was reported above, once).
    authorizeForward: (_client, packet: AedesPublishPacket) => (sizeOf(packet.payload) > max ? null : packet),
  });

  const sockets = new Set<net.Socket>();
  const ceiling = FRAME_CEILING(max);
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    const client = aedes.handle(socket);
    // aedes reads in paused mode ('readable' + read()); a 'data' listener then only observes those
    // reads, it does not switch the socket to flowing mode (Node stream docs).
    const guard = new FrameGuard(ceiling);
    socket.on('data', (chunk: Uint8Array) => {
      const big = guard.push(chunk);
      if (big === null) return;
      onOversize({ clientId: client.id ?? null, topic: null, bytes: big, action: 'disconnected' });
      socket.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => log.error('embedded broker listener error', err));
  const address = server.address() as net.AddressInfo;

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      await new Promise<void>((r) => aedes.close(() => r()));
      for (const s of sockets) s.destroy(); // aedes.close() ends clients; this catches half-open ones
      await new Promise<void>((r) => server.close(() => r()));
    })());

  return { host: opts.host, port: address.port, aedes, close };
}
