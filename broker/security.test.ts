/**
 * The enforcement hooks (broker/security.ts) on a real embedded broker over TCP, with device
 * accounts from an in-memory lookup: authentication outcomes and their counters, malformed
 * CONNECT, the per-address slow-down, the publish rate limit, client-id takeover, disconnects.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import net from 'node:net';
import { setQuiet } from '../lib/logger.ts';
import { Peer } from '../testing/acl-harness.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from './embedded.ts';
import { hashBrokerPassword } from './password-hash.ts';
import { createBrokerSecurity, type BrokerSecurity, type BrokerSecurityOptions, type DeviceAccount } from './security.ts';

setQuiet(true);
const A = 'aaaaaaaa-1111-4111-8111-111111111111';
const B = 'bbbbbbbb-2222-4222-8222-222222222222';
const SERVER = { username: 'infoscreen-server', password: 'server-password-server-password' };
const devA = { username: 'infoscreen-client-aaaaaaaa', password: 'a-password-a-password-a-password' };
const devB = { username: 'infoscreen-client-bbbbbbbb', password: 'b-password-b-password-b-password' };
const accounts = new Map<string, DeviceAccount>();
const open: Array<{ close(): Promise<unknown> } | Peer> = [];

async function start(o: Partial<BrokerSecurityOptions> = {}, host = '127.0.0.1'): Promise<{ b: EmbeddedBroker; s: BrokerSecurity; url: string }> {
  const s = createBrokerSecurity({
    allowAnonymous: false,
    server: SERVER,
    findDevice: async (u) => accounts.get(u) ?? null,
    groupOf: () => 1,
    publishRate: { perSecond: 1000, burst: 1000 },
    ...o,
  });
  const b = await startEmbeddedBroker({ host, port: 0, maxPayloadBytes: 1024 * 1024, enforcing: !o.allowAnonymous, ...s.hooks, attach: s.attach });
  open.push(b);
  return { b, s, url: `mqtt://127.0.0.1:${b.port}` };
}

async function connect(url: string, account: { username: string; password: string } | null, clientId: string): Promise<Peer> {
  const p = await Peer.connect(url, account, clientId);
  open.push(p);
  return p;
}

const refused = (url: string, account: { username: string; password: string } | null, clientId = `x-${Math.random()}`) =>
  Peer.connect(url, account, clientId).then(
    (p) => (void p.end(), assert.unreachable(`${account?.username ?? 'anonymous'} connected`)),
    (err: Error & { code?: number }) => err,
  );

/** ms until a CONNECT is answered (accepted or refused). */
async function timedConnect(url: string, account: { username: string; password: string }): Promise<number> {
  const t0 = Date.now();
  await Peer.connect(url, account, `t-${Math.random()}`).then((p) => p.end(), () => {});
  return Date.now() - t0;
}

async function until(cond: () => boolean, what: string, ms = 3000) {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test.before(async () => {
  accounts.set(devA.username, { uuid: A, passwordHash: await hashBrokerPassword(devA.password) });
  accounts.set(devB.username, { uuid: B, passwordHash: await hashBrokerPassword(devB.password) });
});

test.after(async () => {
  for (const o of open.reverse()) await (o instanceof Peer ? o.end() : o.close());
});

test('enforcing: listens beyond loopback; anonymous, unknown users, wrong and revoked passwords are refused and counted', async () => {
  const { s, url } = await start({}, '0.0.0.0');
  assert.match(String(await refused(url, null)), /Not authorized/);
  assert.match(String(await refused(url, { username: devA.username, password: 'wrong' })), /Bad username or password/);
  assert.match(String(await refused(url, { username: 'nobody', password: 'x' })), /Bad username or password/);
  assert.match(String(await refused(url, { username: SERVER.username, password: 'wrong' })), /Bad username or password/);
  const t = s.registry.totals;
  assert.is(t.authFailures, 4);
  assert.is(t.anonymousRefused, 1);
  const a = s.registry.get(A)!;
  assert.is(a.authFailures, 1);
  assert.ok(a.lastAuthFailureAt !== null);
  // The broker is alive and lets the right ones in.
  const ok = await connect(url, devA, 'dev-a');
  await connect(url, SERVER, 'srv');
  assert.is(s.registry.get(A)!.connections, 1);
  assert.is(s.registry.connectedDevices(), 1);
  await ok.end();
  await until(() => s.registry.get(A)!.connections === 0, 'disconnect seen');
  assert.ok(s.registry.get(A)!.lastDisconnectAt !== null);
  accounts.set('revoked-one', { uuid: B, passwordHash: null });
  assert.match(String(await refused(url, { username: 'revoked-one', password: 'anything' })), /Bad username or password/);
});

test('a malformed CONNECT (or garbage) closes the socket, is counted, and the broker stays up', async () => {
  const { s, b, url } = await start();
  for (const bytes of [Buffer.from([0x10, 0x06, 0x00, 0x02, 0x58, 0x58, 0x04, 0x02]), Buffer.from('GET / HTTP/1.1\r\nHost: x\r\n\r\n')]) {
    const sock = net.connect(b.port, '127.0.0.1');
    await new Promise<void>((r) => sock.once('connect', () => r()));
    const closed = new Promise<void>((r) => sock.once('close', () => r()));
    sock.on('error', () => {});
    sock.write(bytes);
    await closed;
  }
  await until(() => s.registry.totals.malformed === 2, 'two malformed connections counted');
  assert.is(s.registry.totals.authFailures, 0, 'not confused with bad credentials');
  await connect(url, devB, 'after-garbage');
});

test('repeated failures from one address are slowed down (and a success is too, until it clears)', async () => {
  const { s, url } = await start({ throttle: { freeFailures: 2, baseDelayMs: 300, maxDelayMs: 1000 } });
  const timed = (account: { username: string; password: string }) => timedConnect(url, account);
  const bad = { username: devA.username, password: 'guess' };
  assert.ok((await timed(bad)) < 250);
  assert.ok((await timed(bad)) < 250);
  const third = await timed(bad);
  assert.ok(third >= 290, `third attempt answered after ${third} ms`);
  const fourth = await timed(bad);
  assert.ok(fourth >= 590, `fourth attempt answered after ${fourth} ms (doubling)`);
  assert.ok(s.throttle.penalised(Date.now()) === 1 && s.throttle.delayed === 2);
  const good = await timed(devA);
  assert.ok(good >= 1000 - 10, `even the right password waits while the address is penalised (${good} ms)`);
  assert.ok((await timed(devA)) < 250, 'a success cleared the record');
});

test('publish rate: excess is acknowledged, dropped and counted per device; the device stays connected', async () => {
  const { s, url } = await start({ publishRate: { perSecond: 5, burst: 5 } });
  const server = await connect(url, SERVER, 'srv-rate');
  await server.sub('infoscreen/+/heartbeat');
  const a = await connect(url, devA, 'a-rate');
  for (let i = 0; i < 20; i++) assert.is(await a.pub(`infoscreen/${A}/heartbeat`, `hb-${i}`), 'acked');
  await new Promise((r) => setTimeout(r, 100));
  const got = server.got.length;
  assert.ok(got >= 5 && got <= 7, `${got} of 20 got through`);
  assert.is(s.registry.get(A)!.dropped.rate_limited, 20 - got);
  assert.not.ok(a.closed);
  await new Promise((r) => setTimeout(r, 400));
  await a.pub(`infoscreen/${A}/heartbeat`, 'later');
  await server.waitFor(`infoscreen/${A}/heartbeat`, 'later');
  // The server account is never rate limited.
  for (let i = 0; i < 20; i++) await server.pub(`infoscreen/${A}/commands`, `c-${i}`);
  assert.is(s.registry.totals.dropped.rate_limited, 20 - got);
});

test("a client id in use by one account cannot be taken over by another; the same account may resume it", async () => {
  const { url } = await start();
  const a = await connect(url, devA, 'shared-id');
  const err = await refused(url, devB, 'shared-id');
  assert.match(String(err), /Identifier rejected/i);
  assert.not.ok(a.closed);
  await connect(url, devA, 'shared-id');
  await until(() => a.closed, 'the older session of the same account replaced');
});

test('disconnect(uuid) cuts every connection of that device at once, and only those', async () => {
  const { s, url } = await start();
  const a1 = await connect(url, devA, 'a1');
  const a2 = await connect(url, devA, 'a2');
  const b = await connect(url, devB, 'b1');
  assert.is(s.disconnect(A), 2);
  await until(() => a1.closed && a2.closed, 'A cut off');
  assert.not.ok(b.closed);
  assert.is(await b.pub(`infoscreen/${B}/heartbeat`, '{}'), 'acked');
  assert.is(s.registry.totals.disconnectedByServer, 2);
});

test('a revocation landing while the CONNECT is being checked still closes the connection', async () => {
  let release!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const { s, url } = await start({
    findDevice: async (u) => {
      await gate;
      return accounts.get(u) ?? null;
    },
  });
  const pending = Peer.connect(url, devA, 'racing');
  await new Promise((r) => setTimeout(r, 50));
  s.disconnect(A); // the password check already started with the old credentials
  release();
  const p = await pending; // the old password was still valid when checked: CONNACK 0, then closed
  open.push(p);
  await until(() => p.closed, 'the racing connection closed');
});

test('failures slow down the (address, username) that failed, not the other devices behind the same address', async () => {
  const { s, url } = await start({ throttle: { freeFailures: 2, baseDelayMs: 600, maxDelayMs: 1000 } });
  const timed = (account: { username: string; password: string }) => timedConnect(url, account);
  const bad = { username: devA.username, password: 'guess' };
  for (let i = 0; i < 3; i++) await timed(bad);
  assert.ok((await timed(bad)) >= 590, 'the guessing pair is slowed');
  const other = await timed(devB);
  assert.ok(other < 300, `another device behind the same address gets in at once (${other} ms)`);
  assert.ok(s.throttle.penalised(Date.now()) === 1);
});

test('a coarse per-address ceiling still slows guessing across many usernames', async () => {
  const { url } = await start({ throttle: { freeFailures: 50, addressFreeFailures: 3, baseDelayMs: 600, maxDelayMs: 1000 } });
  const timed = (account: { username: string; password: string }) => timedConnect(url, account);
  for (let i = 0; i < 3; i++) await timed({ username: `spray-${i}`, password: 'x' });
  assert.ok((await timed({ username: 'spray-next', password: 'x' })) >= 590);
});

test('the publish rate is per account: parallel connections of one device share it', async () => {
  const { s, url } = await start({ publishRate: { perSecond: 5, burst: 5 } });
  const server = await connect(url, SERVER, 'srv-acct-rate');
  await server.sub('infoscreen/+/heartbeat');
  const a1 = await connect(url, devA, 'a-rate-1');
  const a2 = await connect(url, devA, 'a-rate-2');
  for (let i = 0; i < 10; i++) {
    await a1.pub(`infoscreen/${A}/heartbeat`, `one-${i}`);
    await a2.pub(`infoscreen/${A}/heartbeat`, `two-${i}`);
  }
  await new Promise((r) => setTimeout(r, 150));
  const got = server.got.length;
  assert.ok(got >= 5 && got <= 7, `${got} of 20 got through from two connections`);
  assert.is(s.registry.get(A)!.dropped.rate_limited, 20 - got);
});

test('connections per account are capped; a reconnect under the same client id is not an extra one', async () => {
  const { s, url } = await start({ maxConnectionsPerDevice: 2 });
  const a1 = await connect(url, devA, 'cap-1');
  await connect(url, devA, 'cap-2');
  assert.match(String(await refused(url, devA, 'cap-3')), /Not authorized/);
  assert.is(s.registry.get(A)!.dropped.too_many_connections, 1);
  await connect(url, devA, 'cap-2'); // the same session again: replaces the old one
  await connect(url, devB, 'cap-b'); // other accounts are not affected
  await a1.end();
  await until(() => s.registry.get(A)!.connections === 1, 'one connection of A left');
  await connect(url, devA, 'cap-4');
});

test('discovery: a device may announce only itself; another uuid in the payload is dropped and counted', async () => {
  const { s, url } = await start();
  const server = await connect(url, SERVER, 'srv-disc');
  await server.sub('infoscreen/discovery');
  const a = await connect(url, devA, 'a-disc');
  assert.is(await a.pub('infoscreen/discovery', JSON.stringify({ uuid: B, hostname: 'spoofed' })), 'acked');
  assert.is(await a.pub('infoscreen/discovery', JSON.stringify({ uuid: '99999999-9999-4999-8999-999999999999', hostname: 'phantom' })), 'acked');
  assert.is(await a.pub('infoscreen/discovery', JSON.stringify({ uuid: A.toUpperCase(), hostname: 'me' })), 'acked');
  await server.waitFor('infoscreen/discovery', JSON.stringify({ uuid: A.toUpperCase(), hostname: 'me' }));
  assert.is(server.got.length, 1, server.got.map((m) => m.payload).join(' | '));
  assert.is(s.registry.get(A)!.dropped.identity_mismatch, 2);
  assert.not.ok(a.closed);
});

test('discovery: a byte-order mark in front of the JSON does not smuggle another uuid past the check', async () => {
  const { s, url } = await start();
  const server = await connect(url, SERVER, 'srv-bom');
  await server.sub('infoscreen/discovery');
  const a = await connect(url, devA, 'a-bom');
  assert.is(await a.pub('infoscreen/discovery', '\uFEFF' + JSON.stringify({ uuid: B, hostname: 'spoofed' })), 'acked');
  assert.is(await a.pub('infoscreen/discovery', JSON.stringify({ uuid: A, hostname: 'sentinel' })), 'acked');
  await server.waitFor('infoscreen/discovery', JSON.stringify({ uuid: A, hostname: 'sentinel' }));
  assert.is(server.got.length, 1, server.got.map((m) => m.payload).join(' | '));
  assert.is(s.registry.get(A)!.dropped.identity_mismatch, 1);
});

test('MQTT_ALLOW_ANONYMOUS: anonymous (and unknown users) get in unrestricted; accounts keep their ACL', async () => {
  const { url } = await start({ allowAnonymous: true });
  const anon = await connect(url, null, 'anon');
  assert.is(await anon.sub('#'), 1);
  const stranger = await connect(url, { username: 'whoever', password: 'x' }, 'stranger');
  assert.is(await stranger.sub('infoscreen/+/commands'), 1);
  assert.match(String(await refused(url, { username: devA.username, password: 'wrong' })), /Bad username or password/);
  const a = await connect(url, devA, 'a-anon-mode');
  assert.is(await a.sub('#'), 128);
  await a.pub(`infoscreen/${B}/heartbeat`, 'forged');
  await a.pub(`infoscreen/${A}/heartbeat`, 'own');
  await anon.waitFor(`infoscreen/${A}/heartbeat`, 'own');
  assert.not.ok(anon.has(`infoscreen/${B}/heartbeat`, 'forged'));
});

test.run();
