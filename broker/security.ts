/**
 * Enforcement in the embedded broker: the aedes hooks that authenticate every
 * CONNECT (server account, device accounts from the database, anonymous only when allowed) and
 * authorize every publish, subscribe and delivery against the ACL matrix (broker/acl.ts).
 *
 * Semantics (like Mosquitto with MQTT 3.1.1, so devices behave the same on both brokers):
 * - a forbidden or over-rate publish is acknowledged and silently dropped (SilentDrop), counted;
 * - a forbidden subscription is refused with SUBACK 0x80;
 * - every delivery is checked again (`authorizeForward`) against the device's CURRENT group, so a
 *   subscription to the old group's topics stops receiving the moment the group changes, retained
 *   messages included.
 * Anonymous connections (MQTT_ALLOW_ANONYMOUS, development only) are unrestricted (no ACL, no rate
 * limit); authenticated ones keep their ACL and limits even then.
 */
import type { Aedes, AuthenticateError, Client } from 'aedes';
import { mayPublish, mayReceive, maySubscribe, type Principal } from './acl.ts';
import { ADDRESS_FREE_FAILURES, AuthThrottle, TokenBucket, type AuthThrottleOptions } from './abuse.ts';
import { DeviceRegistry } from './device-registry.ts';
import { SilentDrop, type EmbeddedBrokerOptions } from './embedded.ts';
import { verifyBrokerPassword } from './password-hash.ts';
import { payloadText } from './payload-text.ts';
import { logger, rateLimiter } from '../lib/logger.ts';

const log = logger('broker-security');

export type Identity =
  | { kind: 'server'; username: string }
  | { kind: 'device'; uuid: string; username: string }
  | { kind: 'anonymous'; username: string | null };

export interface DeviceAccount {
  uuid: string;
  passwordHash: string | null; // null: revoked
}

export interface BrokerSecurityOptions {
  allowAnonymous: boolean;
  server: { username: string; password: string };
  /** The device account behind a username (database lookup on every CONNECT). */
  findDevice: (username: string) => Promise<DeviceAccount | null>;
  /** A device's current group (the live fleet). */
  groupOf: (uuid: string) => number | null;
  publishRate: { perSecond: number; burst: number }; // messages per device account, all its connections together
  /** Concurrent connections one device account may hold (default 2). */
  maxConnectionsPerDevice?: number;
  throttle?: Partial<AuthThrottleOptions>;
  now?: () => number;
}

export interface BrokerSecurity {
  hooks: Required<Pick<EmbeddedBrokerOptions, 'authenticate' | 'authorizePublish' | 'authorizeSubscribe' | 'authorizeForward'>>;
  /** Wire the connection events; call once with the broker the hooks were given to. */
  attach(aedes: Aedes): void;
  /** Close every connection of this device at once (revocation, rotation); answers how many. */
  disconnect(uuid: string): number;
  /**
   * Close the device's connections whose password was checked at or before `changedAt` (a change
   * another process made, broker/credential-watch.ts): sessions opened with the new password stay.
   */
  disconnectCheckedBefore(uuid: string, changedAt: number): number;
  identityOf(client: Client): Identity | undefined;
  registry: DeviceRegistry;
  throttle: AuthThrottle;
}

const fail = (code: 2 | 4 | 5, message: string) => Object.assign(new Error(message), { returnCode: code }) as AuthenticateError;

function sameSecret(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < x.length; i++) diff |= x[i] ^ (y[i] ?? 0);
  return diff === 0;
}

/**
 * Whether a discovery payload names `uuid`. A payload that is not JSON or has no string uuid passes:
 * the ingest drops and counts it as bad input like any other malformed message.
 */
function announcesItself(payload: Buffer | string, uuid: string): boolean {
  let claimed: unknown;
  try {
    claimed = (JSON.parse(payloadText(payload)) as { uuid?: unknown })?.uuid; // read exactly as the ingest reads it
  } catch {
    return true;
  }
  return typeof claimed !== 'string' || claimed.trim().toLowerCase() === uuid;
}

const addressOf = (client: Client) => (client.conn as { remoteAddress?: string }).remoteAddress ?? 'unknown';

export function createBrokerSecurity(o: BrokerSecurityOptions): BrokerSecurity {
  const now = o.now ?? Date.now;
  const registry = new DeviceRegistry();
  // Failures slow down the (address, username) pair that failed, so one misconfigured or hostile
  // device behind a school's NAT does not lock out the other screens behind the same address. A
  // coarse per-address ceiling, far above what a NAT of honest devices produces, still catches
  // guessing across many usernames from one address.
  const throttle = new AuthThrottle(o.throttle);
  const addressThrottle = new AuthThrottle({ ...o.throttle, freeFailures: o.throttle?.addressFreeFailures ?? ADDRESS_FREE_FAILURES });
  const identities = new WeakMap<Client, Identity>();
  // Limits are per account, not per connection: ten parallel connections of one device must not
  // get ten times its rate. The maps hold one small entry per device that ever connected.
  const buckets = new Map<string, TokenBucket>();
  const connectionsOf = new Map<string, Set<Client>>(); // authenticated, not yet closed
  const maxConnections = o.maxConnectionsPerDevice ?? 2;
  // Revocation racing a CONNECT: the password was checked before the revocation was written, the
  // connection completes after it. A change counter per device catches that (see 'clientReady').
  const changes = new Map<string, number>();
  const checkedAt = new WeakMap<Client, number>();
  const checkedTime = new WeakMap<Client, number>(); // when its password check began (clock time)
  let generation = 0;
  const failLog = rateLimiter(60_000);
  let aedes: Aedes | null = null;

  const principal = (id: Identity): Principal | null =>
    id.kind === 'server' ? { role: 'server' } : id.kind === 'device' ? { role: 'device', uuid: id.uuid, groupId: o.groupOf(id.uuid) } : null;
  const deviceOf = (id: Identity | undefined) => (id?.kind === 'device' ? id : null);

  async function identify(client: Client, username: string | undefined, password: string | undefined): Promise<Identity | AuthenticateError> {
    if (username === undefined || username === '') {
      if (o.allowAnonymous) return { kind: 'anonymous', username: null };
      registry.authFailed(null, now(), true);
      return fail(5, 'anonymous access is disabled');
    }
    if (username === o.server.username) {
      if (password !== undefined && sameSecret(password, o.server.password)) return { kind: 'server', username };
      registry.authFailed(null, now());
      return fail(4, 'bad username or password');
    }
    const account = await o.findDevice(username);
    if (!account) {
      // Development convenience: an unknown username is just anonymous when that is allowed.
      if (o.allowAnonymous) return { kind: 'anonymous', username };
      registry.authFailed(null, now());
      return fail(4, 'bad username or password');
    }
    const device = { uuid: account.uuid, username };
    if (account.passwordHash === null || password === undefined || !(await verifyBrokerPassword(password, account.passwordHash))) {
      registry.authFailed(device, now());
      return fail(4, 'bad username or password');
    }
    return { kind: 'device', ...device };
  }

  const authenticate: BrokerSecurity['hooks']['authenticate'] = (client, username, password, done) => {
    const address = addressOf(client);
    const key = `${address}\u0000${username ?? ''}`;
    const keyWait = throttle.delayFor(key, now());
    const addressWait = keyWait < 0 ? 0 : addressThrottle.delayFor(address, now());
    const wait = keyWait < 0 || addressWait < 0 ? -1 : Math.max(keyWait, addressWait);
    if (wait < 0) {
      registry.authFailed(null, now());
      return done(fail(5, 'too many failed attempts, try later'), false);
    }
    const releaseKey = keyWait > 0 ? throttle.hold(key) : () => {};
    const releaseAddress = addressWait > 0 ? addressThrottle.hold(address) : () => {};
    const release = () => (releaseKey(), releaseAddress());
    const started = generation;
    const run = (begun = now()) =>
      identify(client, username, password?.toString('utf8')).then(
        (id) => {
          release();
          if (id instanceof Error) {
            throttle.failed(key, now());
            addressThrottle.failed(address, now());
            if (failLog(address)) log.warn(`refused CONNECT from ${address} (user ${JSON.stringify(username ?? null)}): ${id.message}; further refusals from it are counted silently for a minute`);
            return done(id, false);
          }
          // A client id is one device's: another account must not take over (and kick) its session.
          const holder = aedes ? (aedes as unknown as { clients: Record<string, Client | undefined> }).clients[client.id] : undefined;
          const holderId = holder ? identities.get(holder) : undefined;
          if (holderId && holderId.username !== id.username) return done(fail(2, 'client id in use by another account'), false);
          if (id.kind === 'device') {
            // Connections of this account still open; a reconnect under the same client id replaces
            // its old session (aedes closes it), so it does not count against the limit.
            const open = connectionsOf.get(id.uuid) ?? new Set<Client>();
            for (const c of open) if ((c as { closed?: boolean }).closed) open.delete(c);
            const others = [...open].filter((c) => c.id !== client.id).length;
            if (others >= maxConnections) {
              registry.dropped(id, 'too_many_connections');
              if (failLog(`conn:${id.uuid}`)) log.warn(`refused CONNECT of ${id.username} from ${address}: already ${others} connections (MQTT_MAX_CONNECTIONS_PER_DEVICE=${maxConnections})`);
              return done(fail(5, 'too many connections for this account'), false);
            }
            open.add(client);
            connectionsOf.set(id.uuid, open);
          }
          throttle.succeeded(key);
          identities.set(client, id);
          checkedAt.set(client, started);
          checkedTime.set(client, begun);
          done(null, true);
        },
        (err) => {
          release();
          log.error('authentication lookup failed', err);
          done(Object.assign(new Error('server unavailable'), { returnCode: 3 }) as AuthenticateError, false);
        },
      );
    if (wait > 0) setTimeout(() => void run(), wait);
    else void run();
  };

  const authorizePublish: BrokerSecurity['hooks']['authorizePublish'] = (client, packet, done) => {
    if (!client) return done(null); // the broker's own messages
    const id = identities.get(client);
    if (!id) return done(new Error('not authenticated'));
    // Accounts are limited; the server is not (it republishes every group id after a reconnect),
    // nor are anonymous development connections (benchmarks pump thousands of messages a second).
    if (id.kind === 'device') {
      let bucket = buckets.get(id.uuid);
      if (!bucket) buckets.set(id.uuid, (bucket = new TokenBucket(o.publishRate.perSecond, o.publishRate.burst, now())));
      if (!bucket.take(now())) {
        registry.dropped(deviceOf(id), 'rate_limited');
        return done(new SilentDrop('rate_limited'));
      }
      // Discovery is the one shared topic, and its payload names the client: a device may only
      // announce itself, never overwrite another screen's record or invent new ones.
      if (packet.topic === 'infoscreen/discovery' && !announcesItself(packet.payload, id.uuid)) {
        registry.dropped(deviceOf(id), 'identity_mismatch');
        return done(new SilentDrop('identity_mismatch'));
      }
    }
    const p = principal(id);
    const bytes = typeof packet.payload === 'string' ? new TextEncoder().encode(packet.payload).length : packet.payload.length;
    if (p && !mayPublish(p, packet.topic, bytes)) {
      registry.dropped(deviceOf(id), 'acl_denied');
      return done(new SilentDrop('acl_denied'));
    }
    done(null);
  };

  const authorizeSubscribe: BrokerSecurity['hooks']['authorizeSubscribe'] = (client, sub, done) => {
    const id = identities.get(client);
    const p = id && principal(id);
    const allowed = id?.kind === 'anonymous' ? !sub.topic.startsWith('$') : !!p && maySubscribe(p, sub.topic);
    if (allowed) return done(null, sub);
    registry.dropped(deviceOf(id), 'subscribe_denied');
    done(null, null); // SUBACK 0x80 for this filter
  };

  const authorizeForward: BrokerSecurity['hooks']['authorizeForward'] = (client, packet) => {
    const id = identities.get(client);
    if (!id) return null;
    if (id.kind === 'anonymous') return packet;
    return mayReceive(principal(id)!, packet.topic) ? packet : null;
  };

  function attach(broker: Aedes): void {
    aedes = broker;
    broker.on('clientReady', (client) => {
      const id = identities.get(client);
      if (id?.kind !== 'device') return;
      registry.connected(id.uuid, id.username, client, now());
      if ((changes.get(id.uuid) ?? -1) >= (checkedAt.get(client) ?? 0)) {
        registry.totals.disconnectedByServer++;
        client.close(); // its credentials changed while it was connecting
      }
    });
    broker.on('clientDisconnect', (client) => {
      const id = identities.get(client);
      if (id?.kind === 'device') {
        registry.disconnected(id.uuid, client, now());
        connectionsOf.get(id.uuid)?.delete(client);
      }
    });
    broker.on('connectionError', () => {
      registry.totals.malformed++;
    });
  }

  function disconnect(uuid: string): number {
    changes.set(uuid, generation++);
    const clients = registry.clientsOf(uuid);
    for (const c of clients) {
      registry.totals.disconnectedByServer++;
      c.close();
    }
    return clients.length;
  }

  function disconnectCheckedBefore(uuid: string, changedAt: number): number {
    const stale = registry.clientsOf(uuid).filter((c) => (checkedTime.get(c) ?? -Infinity) <= changedAt);
    for (const c of stale) {
      registry.totals.disconnectedByServer++;
      c.close();
    }
    return stale.length;
  }

  return {
    hooks: { authenticate, authorizePublish, authorizeSubscribe, authorizeForward },
    attach,
    disconnect,
    disconnectCheckedBefore,
    identityOf: (c) => identities.get(c),
    registry,
    throttle,
  };
}
