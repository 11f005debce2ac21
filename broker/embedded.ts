/**
 * The embedded MQTT broker (aedes 1.2, MQTT 3.1.1 only; docs/architecture.md "The embedded broker speaks MQTT 3.1.1"), Node-only (node:net).
 * Used when no external broker is configured. Without enforcement (`enforcing`: the hooks of
 * broker/security.ts authenticating every CONNECT and applying the ACL of docs/mqtt.md "Who may publish
 * and subscribe") it listens on loopback only; with it, on any address, plus an optional TLS listener.
 * A hook may answer `SilentDrop`: the publish is acknowledged and reaches no one (like Mosquitto's
 * answer to an ACL-denied MQTT 3.1.1 publish), so a misbehaving device is not pushed into a
 * reconnect loop.
 *
 * Payload limit (docs/mqtt.md "Bad input"), like Mosquitto's `message_size_limit`: a publish above
 * `maxPayloadBytes` is acknowledged but never forwarded, so a device whose QoS 1 session holds an
 * oversized screenshot is not kicked into a reconnect loop. A frame far above it (see
 * FRAME_CEILING) is cut at the socket before aedes buffers it. Both are reported to `onOversize`.
 * What passes all of that goes to ingestion in-process (`handOff`, broker/handoff.ts).
 */
import { Buffer } from 'node:buffer';
import net from 'node:net';
import tls from 'node:tls';
import { Aedes, type AedesOptions, type AedesPublishPacket, type Client, type PublishPacket } from 'aedes';
import { FrameGuard } from './frame-guard.ts';
import { LaterPubacks } from './later-pubacks.ts';
import type { Taken } from './handoff.ts';
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
  host: string; // without `enforcing`: loopback only (127.0.0.0/8, ::1 or localhost)
  port: number; // 0 = any free port (tests)
  maxPayloadBytes: number; // bytes
  /** True when the hooks below authenticate and authorize everything (broker/security.ts). */
  enforcing?: boolean;
  /** Optional MQTT over TLS listener on the same host (PEM material, already read). */
  tls?: { port: number; cert: Uint8Array; key: Uint8Array };
  /** Device accounts and the ACL (broker/security.ts). */
  authenticate?: AedesOptions['authenticate'];
  authorizePublish?: AedesOptions['authorizePublish'];
  authorizeSubscribe?: AedesOptions['authorizeSubscribe'];
  authorizeForward?: AedesOptions['authorizeForward'];
  /** Called with the aedes instance before the first connection can arrive (wire events here). */
  attach?: (aedes: Aedes) => void;
  /**
   * In-process hand-off (broker/handoff.ts): every publish that passed the hooks, the drops and the
   * size limit, and is not the server's own (`isServer`), goes to `take` inside authorizePublish; a
   * promise it returns is awaited there, i.e. before aedes writes the PUBACK.
   */
  handOff?: { isServer(client: Client): boolean; take(topic: string, payload: Uint8Array, qos: number): Taken };
  /** Called once per oversized publish; wire it to DropCounter (`too_large`). Default: rate-limited log. */
  onOversize?: (info: OversizeInfo) => void;
}

export interface EmbeddedBroker {
  host: string;
  port: number;
  tlsPort: number | null;
  aedes: Aedes;
  close(): Promise<void>;
}

/** Answered by an authorizePublish hook: acknowledge the publish, deliver it to no one. */
export class SilentDrop extends Error {
  constructor(readonly reason: string) {
    super(`publish dropped: ${reason}`);
    this.name = 'SilentDrop';
  }
}

/** Rewritten topic of a dropped publish: '$' topics match no wildcard, and no ACL grants this one. */
export const DROPPED_TOPIC = '$infoscreen/dropped';

export function assertLoopback(host: string): void {
  const loopback = host === 'localhost' || host === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
  if (!loopback) {
    throw new Error(
      `embedded MQTT broker: refusing to listen on "${host}": without device accounts and ACLs (docs/mqtt.md) it must stay on loopback (127.0.0.1); anonymous access (MQTT_ALLOW_ANONYMOUS) keeps it there`,
    );
  }
}

/** A failing hand-off must not take the broker down: the publish is still acknowledged. */
function takeSafely(handOff: NonNullable<EmbeddedBrokerOptions['handOff']>, packet: PublishPacket): Taken {
  try {
    const payload = typeof packet.payload === 'string' ? Buffer.from(packet.payload) : packet.payload;
    return handOff.take(packet.topic, payload, packet.qos);
  } catch (err) {
    log.error(`in-process hand-off failed on ${packet.topic}`, err);
  }
}

const sizeOf = (payload: PublishPacket['payload']) => (typeof payload === 'string' ? Buffer.byteLength(payload) : payload.length);

export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  if (!opts.enforcing) assertLoopback(opts.host);
  const max = opts.maxPayloadBytes;
  const logOnce = rateLimiter(60_000);
  const onOversize =
    opts.onOversize ??
    ((i: OversizeInfo) => {
      if (logOnce(i.clientId ?? '?')) log.warn(`oversized publish ${i.action}: ${i.bytes} bytes from ${i.clientId ?? '?'} on ${i.topic ?? '?'} (limit ${max})`);
    });
  const userAuthorizePublish = opts.authorizePublish;
  const userAuthorizeForward = opts.authorizeForward;
  const handOff = opts.handOff;
  const laterPubacks = new LaterPubacks();

  const aedes = await Aedes.createBroker({
    ...(opts.authenticate && { authenticate: opts.authenticate }),
    ...(opts.authorizeSubscribe && { authorizeSubscribe: opts.authorizeSubscribe }),
    authorizePublish(client, packet, done) {
      const afterAcl = (err?: Error | null) => {
        if (err instanceof SilentDrop) {
          packet.topic = DROPPED_TOPIC;
          packet.retain = false;
          return done(null);
        }
        if (err) return done(err);
        const bytes = sizeOf(packet.payload);
        if (bytes > max) {
          packet.retain = false; // never keep it as a retained message either
          onOversize({ clientId: client?.id ?? null, topic: packet.topic, bytes, action: 'dropped' });
          return done(null);
        }
        if (handOff && client && !handOff.isServer(client)) {
          const taken = takeSafely(handOff, packet);
          if (taken && 'hold' in taken) return void taken.hold.then(() => done(null), () => done(null));
          const ackAfter = taken?.ackAfter;
          if (packet.qos === 1 && packet.messageId !== undefined && (ackAfter || laterPubacks.pending(client))) {
            laterPubacks.later(client, packet.messageId, ackAfter); // in order behind the held ones
            packet.qos = 0; // aedes writes no PUBACK of its own and reads on (broker/later-pubacks.ts)
          }
        }
        done(null);
      };
      if (userAuthorizePublish) userAuthorizePublish(client, packet, afterAcl);
      else afterAcl(null);
    },
    // Called per subscriber: the oversized publish reaches no one (it was reported above, once).
    authorizeForward: (client, packet: AedesPublishPacket) => {
      if (sizeOf(packet.payload) > max || packet.topic === DROPPED_TOPIC) return null;
      return userAuthorizeForward ? userAuthorizeForward(client, packet) : packet;
    },
  });
  opts.attach?.(aedes);

  const sockets = new Set<net.Socket>();
  const ceiling = FRAME_CEILING(max);
  const onSocket = (socket: net.Socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.setNoDelay(true);
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
  };
  const server = net.createServer(onSocket);
  const port = await listen(server, opts.port, opts.host);
  let tlsServer: tls.Server | null = null;
  let tlsPort: number | null = null;
  if (opts.tls) {
    tlsServer = tls.createServer({ cert: Buffer.from(opts.tls.cert), key: Buffer.from(opts.tls.key) }, onSocket);
    // A failed handshake never reaches aedes; don't let it become an unhandled 'error'.
    tlsServer.on('tlsClientError', () => {});
    try {
      tlsPort = await listen(tlsServer, opts.tls.port, opts.host);
    } catch (err) {
      await new Promise<void>((r) => server.close(() => r()));
      throw err;
    }
  }

  let closing: Promise<void> | null = null;
  const close = () =>
    (closing ??= (async () => {
      await new Promise<void>((r) => aedes.close(() => r()));
      for (const s of sockets) s.destroy(); // aedes.close() ends clients; this catches half-open ones
      await new Promise<void>((r) => server.close(() => r()));
      if (tlsServer) await new Promise<void>((r) => tlsServer.close(() => r()));
    })());

  return { host: opts.host, port, tlsPort, aedes, close };
}

async function listen(server: net.Server, port: number, host: string): Promise<number> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  server.on('error', (err) => log.error('embedded broker listener error', err));
  return (server.address() as net.AddressInfo).port;
}
