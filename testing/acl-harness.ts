/**
 * Table-driven ACL checks generated from the matrix (broker/acl.ts), run against a real broker by
 * broker/acl.embedded.test.ts and broker/acl.mosquitto.test.ts (not a test file itself).
 *
 * For every row and a device pair A/B: the allowed operation succeeds (the message arrives), the
 * forbidden one fails: a publish is dropped (it never arrives: a sentinel sent after it on an
 * ordered path arrives first), a subscription is refused (SUBACK 0x80, or on brokers that grant
 * and then filter every delivery, like Mosquitto's acl_file, nothing ever arrives on it).
 */
import { spawnSync } from 'node:child_process';
import mqtt, { type MqttClient } from 'mqtt';
import { ACL_MATRIX, type AclRow } from '../broker/acl.ts';
import { SUBSCRIPTIONS } from '../broker/topics.ts';

export interface Account {
  username: string;
  password: string;
}
export interface DeviceAccountFixture extends Account {
  uuid: string;
  groupId: number;
}

export interface AclTarget {
  url: string;
  protocolVersion: 4 | 5;
  server: Account;
  a: DeviceAccountFixture;
  b: DeviceAccountFixture;
  /** 'suback': refused with 0x80; 'filtered': granted, but nothing is ever delivered on it. */
  subscribeDenial: 'suback' | 'filtered';
  /** Whether "service_failed: clear only" (empty payload) is enforced for the server. */
  enforcesEmptyPayloadOnly: boolean;
}

export interface Msg {
  topic: string;
  payload: string;
  retain: boolean;
}

/** One MQTT connection with everything it received. */
export class Peer {
  got: Msg[] = [];
  closed = false;
  private constructor(readonly c: MqttClient) {
    c.on('message', (topic, payload, packet) => this.got.push({ topic, payload: payload.toString(), retain: packet.retain }));
    c.on('close', () => (this.closed = true));
  }

  static async connect(url: string, account: Account | null, clientId: string, protocolVersion: 4 | 5 = 4): Promise<Peer> {
    const c = await mqtt.connectAsync(url, {
      clientId,
      protocolVersion,
      reconnectPeriod: 0,
      connectTimeout: 5000,
      ...(account && { username: account.username, password: account.password }),
    });
    return new Peer(c);
  }

  /** Granted QoS, or 128 when refused. */
  async sub(filter: string): Promise<number> {
    try {
      const granted = await this.c.subscribeAsync(filter, { qos: 1 });
      return granted[0]?.qos ?? 128;
    } catch (err) {
      const g = (err as { packet?: { granted?: number[] } }).packet?.granted;
      if (g) return g[0];
      throw err;
    }
  }

  async unsub(filter: string): Promise<void> {
    await this.c.unsubscribeAsync(filter).catch(() => {});
  }

  /** QoS 1 publish: resolves after the PUBACK (or at once when the broker closed the connection). */
  async pub(topic: string, payload: string, retain = false): Promise<'acked' | 'closed'> {
    if (this.closed) return 'closed';
    let onClose = () => {};
    try {
      await Promise.race([
        this.c.publishAsync(topic, payload, { qos: 1, retain }),
        new Promise((_, reject) => this.c.once('close', (onClose = () => reject(new Error('closed'))))),
      ]);
      return 'acked';
    } catch {
      return 'closed';
    } finally {
      this.c.off('close', onClose);
    }
  }

  has(topic: string, payload: string): boolean {
    return this.got.some((m) => m.topic === topic && m.payload === payload);
  }

  async waitFor(topic: string, payload: string, ms = 3000): Promise<Msg> {
    const end = Date.now() + ms;
    for (;;) {
      const m = this.got.find((x) => x.topic === topic && x.payload === payload);
      if (m) return m;
      if (Date.now() > end) throw new Error(`timed out waiting for ${payload} on ${topic}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  }

  async end(): Promise<void> {
    await this.c.endAsync(true).catch(() => {});
  }
}

let probes = 0;
export const probe = (what: string) => JSON.stringify({ probe: ++probes, what });

/** A row's topic for a device (placeholders filled); server rows: the `+` filled with the device. */
export function instance(row: AclRow, d: { uuid: string; groupId: number }): string {
  const t = row.topic.replace('{uuid}', d.uuid).replace('{group}', String(d.groupId));
  if (row.actor !== 'server') return t;
  return t.startsWith('infoscreen/events/') || t.startsWith('infoscreen/groups/') ? t.replace('+', String(d.groupId)) : t.replace('+', d.uuid);
}

export interface Peers {
  server: Peer;
  a: Peer;
  b: Peer;
}

export async function connectPeers(t: AclTarget, tag: string): Promise<Peers> {
  const server = await Peer.connect(t.url, t.server, `acl-${tag}-server`, t.protocolVersion);
  const a = await Peer.connect(t.url, t.a, `acl-${tag}-a`, t.protocolVersion);
  const b = await Peer.connect(t.url, t.b, `acl-${tag}-b`, t.protocolVersion);
  for (const f of SUBSCRIPTIONS) if ((await server.sub(f)) === 128) throw new Error(`server refused ${f}`);
  // Each device on its own topics (allowed), so a sentinel can reach it.
  for (const p of [a, b]) for (const r of ACL_MATRIX.filter((r) => r.actor === 'device' && r.access === 'subscribe')) {
    const d = p === a ? t.a : t.b;
    if ((await p.sub(instance(r, d))) === 128) throw new Error(`${d.username} refused its own ${r.topic}`);
  }
  return { server, a, b };
}

export interface AclCase {
  name: string;
  run(t: AclTarget, p: Peers): Promise<void>;
}

/** Asserts that `payload` on `topic` never reaches `to`: `sentinel` runs after it on an ordered path and must arrive. */
async function neverArrives(to: Peer, topic: string, payload: string, sentinel: () => Promise<{ topic: string; payload: string }>) {
  const s = await sentinel();
  await to.waitFor(s.topic, s.payload);
  await new Promise((r) => setTimeout(r, 30)); // margin for brokers that route after the PUBACK
  if (to.has(topic, payload)) throw new Error(`forbidden message ${payload} on ${topic} arrived`);
}

function expectRefused(t: AclTarget, granted: number, what: string) {
  if (t.subscribeDenial === 'suback' && granted !== 128) throw new Error(`${what}: granted QoS ${granted}, expected 0x80`);
}

/** The generated cases: two per matrix row (allowed for A, forbidden across A/B), plus deny-by-default probes. */
export function aclCases(): AclCase[] {
  const cases: AclCase[] = [];
  for (const row of ACL_MATRIX) {
    const label = `${row.actor} ${row.access} ${row.topic}`;
    if (row.actor === 'device' && row.access === 'publish') {
      cases.push({
        name: `${label}: A publishes its own → the server receives it`,
        async run(t, p) {
          const topic = instance(row, t.a);
          const body = probe('device publish allowed');
          if ((await p.a.pub(topic, body)) !== 'acked') throw new Error('publish not acknowledged');
          await p.server.waitFor(topic, body);
        },
      });
      if (row.topic.includes('{uuid}')) {
        cases.push({
          name: `${label}: B publishes A's → dropped`,
          async run(t, p) {
            const topic = instance(row, t.a);
            const body = probe('device publish forbidden');
            await p.b.pub(topic, body);
            await neverArrives(p.server, topic, body, async () => {
              const s = { topic: `infoscreen/${t.b.uuid}/heartbeat`, payload: probe('sentinel') };
              await p.b.pub(s.topic, s.payload);
              return s;
            });
          },
        });
      }
    } else if (row.actor === 'device' && row.access === 'subscribe') {
      cases.push({
        name: `${label}: A subscribes its own → granted, receives the server's message`,
        async run(t, p) {
          const topic = instance(row, t.a);
          const granted = await p.a.sub(topic);
          if (granted === 128) throw new Error('refused');
          const body = probe('device subscribe allowed');
          await p.server.pub(topic, body);
          await p.a.waitFor(topic, body);
        },
      });
      cases.push({
        name: `${label}: B subscribes A's → refused, receives nothing`,
        async run(t, p) {
          const topic = instance(row, t.a);
          expectRefused(t, await p.b.sub(topic), topic);
          const body = probe('device subscribe forbidden');
          await p.server.pub(topic, body);
          await neverArrives(p.b, topic, body, async () => {
            const s = { topic: instance(row, t.b), payload: probe('sentinel') };
            await p.server.pub(s.topic, s.payload);
            return s;
          });
          await p.b.unsub(topic);
        },
      });
    } else if (row.actor === 'server' && row.access === 'publish') {
      const toServer = row.topic.endsWith('/service_failed'); // no device reads it: the server's own subscription does
      cases.push({
        name: `${label}: the server publishes to A → delivered`,
        async run(t, p) {
          const topic = instance(row, t.a);
          const body = row.emptyPayloadOnly ? '' : probe('server publish allowed');
          await p.server.pub(topic, body);
          await (toServer ? p.server : p.a).waitFor(topic, body);
        },
      });
      cases.push({
        name: `${label}: device A publishes B's → dropped`,
        async run(t, p) {
          const topic = instance(row, t.b);
          const body = probe('forged server message');
          await p.a.pub(topic, body);
          const to = toServer ? p.server : p.b;
          await neverArrives(to, topic, body, async () => {
            const s = toServer ? { topic: `infoscreen/${t.a.uuid}/heartbeat`, payload: probe('sentinel') } : { topic, payload: probe('sentinel') };
            await (toServer ? p.a : p.server).pub(s.topic, s.payload);
            return s;
          });
        },
      });
      if (row.emptyPayloadOnly) {
        cases.push({
          name: `${label}: the server publishes a non-empty payload → dropped (clear only)`,
          async run(t, p) {
            if (!t.enforcesEmptyPayloadOnly) return; // Mosquitto's acl_file cannot express it (docs/broker.md)
            const topic = instance(row, t.a);
            const body = probe('non-empty clear');
            await p.server.pub(topic, body);
            await neverArrives(p.server, topic, body, async () => {
              await p.server.pub(topic, '');
              return { topic, payload: '' };
            });
          },
        });
      }
    } else {
      // server subscribe
      cases.push({
        name: `${label}: the server subscribes → granted, receives A's message`,
        async run(t, p) {
          if ((await p.server.sub(row.topic)) === 128) throw new Error('refused');
          const topic = row.topic.replace('+', t.a.uuid).replace('#', 'error');
          const body = probe('server subscribe allowed');
          await p.a.pub(topic, body);
          await p.server.waitFor(topic, body);
        },
      });
      cases.push({
        name: `${label}: device A subscribes the filter and B's instance → refused, receives nothing of B`,
        async run(t, p) {
          const filter = row.topic;
          const bTopic = row.topic.replace('+', t.b.uuid).replace('#', 'error');
          expectRefused(t, await p.a.sub(filter), filter);
          if (bTopic !== filter) expectRefused(t, await p.a.sub(bTopic), bTopic);
          const body = probe('other device telemetry');
          await p.b.pub(bTopic, body);
          await p.server.waitFor(bTopic, body); // it was published, just not to A
          await neverArrives(p.a, bTopic, body, async () => {
            const s = { topic: `infoscreen/${t.a.uuid}/commands`, payload: probe('sentinel') };
            await p.server.pub(s.topic, s.payload);
            return s;
          });
          await p.a.unsub(filter);
          await p.a.unsub(bTopic);
        },
      });
    }
  }
  cases.push({
    name: 'deny by default: a device subscribing "#" or another group gets nothing else',
    async run(t, p) {
      expectRefused(t, await p.a.sub('#'), '#');
      expectRefused(t, await p.a.sub(`infoscreen/events/${t.b.groupId}`), 'other group');
      const body = probe('other group event');
      const topic = `infoscreen/events/${t.b.groupId}`;
      await p.server.pub(topic, body);
      await p.b.waitFor(topic, body);
      await neverArrives(p.a, topic, body, async () => {
        const s = { topic: `infoscreen/${t.a.uuid}/commands`, payload: probe('sentinel') };
        await p.server.pub(s.topic, s.payload);
        return s;
      });
      await p.a.unsub('#');
      await p.a.unsub(topic);
    },
  });
  return cases;
}

/**
 * Group change: A in group 1 sees group 1's retained events; after `moveA` puts it
 * in group 2 it receives group 2's retained events, and its old subscription stops receiving.
 */
export async function groupChangeScenario(t: AclTarget, tag: string, g1: number, g2: number, moveA: () => Promise<void>): Promise<void> {
  const server = await Peer.connect(t.url, t.server, `grp-${tag}-server`, t.protocolVersion);
  const a = await Peer.connect(t.url, t.a, `grp-${tag}-a`, t.protocolVersion);
  try {
    const e1 = `infoscreen/events/${g1}`;
    const e2 = `infoscreen/events/${g2}`;
    const r1 = probe('group 1 retained');
    const r2 = probe('group 2 retained');
    await server.pub(e1, r1, true);
    await server.pub(e2, r2, true);
    if ((await a.sub(e1)) === 128) throw new Error('A refused its own group');
    await a.waitFor(e1, r1);
    await moveA();
    if ((await a.sub(e2)) === 128) throw new Error('A refused its new group');
    const got = await a.waitFor(e2, r2);
    if (!got.retain) throw new Error("group 2's event arrived, but not as the retained message");
    const after = probe('group 1 after the move');
    await server.pub(e1, after, true);
    await new Promise((r) => setTimeout(r, 30));
    const sentinel = probe('sentinel');
    await server.pub(e2, sentinel);
    await a.waitFor(e2, sentinel);
    if (a.has(e1, after)) throw new Error('A still receives group 1 after the move');
    // clean the retained messages for other tests
    await server.pub(e1, '', true);
    await server.pub(e2, '', true);
  } finally {
    await a.end();
    await server.end();
  }
}

/** The Mosquitto binary, or null (PATH, then /usr/sbin which PATH often lacks). */
export function mosquittoBinary(): string | null {
  for (const cmd of ['mosquitto', '/usr/sbin/mosquitto', '/usr/local/sbin/mosquitto']) {
    if (!spawnSync(cmd, ['-h'], { stdio: 'ignore' }).error) return cmd;
  }
  return null;
}
