/**
 * Stream floods (docs/reliability.md "Live streams under load"), on the real app behind a real HTTP
 * server: one session's 300 stream attempts get the per-session bound and 429 for the rest; the
 * per-user and total bounds; every SSE endpoint takes a slot; a reader that stopped reading is
 * dropped and its slot freed; the JSON snapshot of the fleet is built once for many readers.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { connect as tcpConnect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { fixture, PASSWORD, type Fixture } from '../../testing/route-fixture.ts';
import { EventBus } from '../../lib/bus.ts';
import { InspectionFeed } from '../../actors/inspection/feed.ts';
import { createApp } from '../../app.ts';
import { appParts } from '../../runtime/parts.ts';
import type { LiveHubOptions } from './live-hub.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const uuid = (i: number) => `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`;

interface Server {
  f: Fixture;
  bus: EventBus;
  base: string;
  port: number;
  login(username: string): Promise<string>;
  close(): Promise<void>;
}

/** The real app on a real HTTP server (ephemeral port), a fleet of `clients`, the given settings. */
async function start(env: Record<string, string>, clients = 200, hubOpts?: LiveHubOptions): Promise<Server> {
  const f = await fixture(env);
  for (let i = 0; i < clients; i++) {
    f.fleet.put({ uuid: uuid(i), description: `Room ${i}`, status: 'warning', connectivity: 'online', statusReasons: ['screen_black'], lastAlive: f.clock.t }, f.clock.t);
  }
  const bus = new EventBus();
  // The parts are built here, as the runtime does, and handed to the app (the hub with the test's windows).
  const live = appParts({ db: f.db, bus, persist: (...s) => f.writer.enqueue(...s), now: () => f.clock.t, hub: hubOpts }, { ids: f.parts.ids });
  const feed = new InspectionFeed({ now: () => f.clock.t });
  const app = createApp({
    config: f.config, db: f.db, writer: f.writer, fleet: f.fleet, screenshots: f.screenshots, bus, inspector: feed,
    brokerStatus: () => ({ connected: true }), now: () => f.clock.t, ...live.parts,
  });
  const server = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' });
  await new Promise<void>((r) => server.once('listening', () => r()));
  const port = (server.address() as AddressInfo).port;
  const base = `http://127.0.0.1:${port}`;
  const login = async (username: string) => {
    const res = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password: PASSWORD }) });
    assert.is(res.status, 200);
    return /sid=[^;]+/.exec(res.headers.get('set-cookie')!)![0];
  };
  return {
    f, bus, base, port, login,
    close: async () => {
      live.close();
      feed.close();
      (server as unknown as { closeAllConnections(): void }).closeAllConnections();
      await new Promise((r) => server.close(r));
      await f.close();
    },
  };
}

/** Opens a stream; answers its status and a way to leave (the body is left unread: a paused reader). */
async function open(base: string, path: string, cookie: string) {
  const ac = new AbortController();
  const res = await fetch(`${base}${path}`, { headers: { cookie, accept: 'text/event-stream' }, signal: ac.signal });
  if (res.status !== 200) await res.body?.cancel();
  return { status: res.status, res, leave: () => ac.abort() };
}

test('300 /api/stream attempts from one session: STREAM_MAX_PER_SESSION get 200, every other one 429', async () => {
  const s = await start({}, 2000);
  try {
    const limit = s.f.config.STREAM_MAX_PER_SESSION;
    assert.is(limit, 8, 'the default');
    const cookie = await s.login('user');
    const streams = await Promise.all(Array.from({ length: 300 }, () => open(s.base, '/api/stream', cookie)));
    const ok = streams.filter((x) => x.status === 200);
    const refused = streams.filter((x) => x.status === 429);
    assert.is(ok.length, limit);
    assert.is(refused.length, 300 - limit);
    const again = await fetch(`${s.base}/api/stream`, { headers: { cookie } });
    assert.is(again.status, 429);
    assert.ok(Number(again.headers.get('retry-after')) > 0);
    assert.equal(await again.json(), { error: 'too many open streams for this session' });
    // Another session of another user is not affected.
    const other = await open(s.base, '/api/stream', await s.login('editor'));
    assert.is(other.status, 200);
    other.leave();
    // Leaving frees the slots: the browser reconnects.
    ok.forEach((x) => x.leave());
    let back = 0;
    for (let i = 0; i < 200 && back !== 200; i++) {
      const x = await open(s.base, '/api/stream', cookie);
      back = x.status;
      x.leave();
      if (back !== 200) await sleep(20);
    }
    assert.is(back, 200, 'slots released when the streams end');
  } finally {
    await s.close();
  }
});

test('per-user and total bounds; every SSE endpoint (hub streams and the inspector\'s) takes a slot', async () => {
  const s = await start({ STREAM_MAX_PER_SESSION: '2', STREAM_MAX_PER_USER: '3', STREAM_MAX_TOTAL: '4' });
  try {
    const [a, b] = [await s.login('superadmin'), await s.login('superadmin')];
    const held = [await open(s.base, '/live/overview', a), await open(s.base, '/live/inspector', a)];
    assert.equal(held.map((x) => x.status), [200, 200]);
    for (const path of ['/api/stream', '/live/overview', '/live/monitoring', `/live/clients/${uuid(1)}`, '/live/inspector', '/live/alerts', '/live/commands']) {
      assert.is((await open(s.base, path, a)).status, 429, `${path}: per session`);
    }
    held.push(await open(s.base, '/live/monitoring', b));
    assert.is(held[2].status, 200);
    const perUser = await fetch(`${s.base}/api/stream`, { headers: { cookie: b } });
    assert.is(perUser.status, 429);
    assert.equal(await perUser.json(), { error: 'too many open streams for this user' });
    held.push(await open(s.base, '/api/stream', await s.login('admin')));
    assert.is(held[3].status, 200);
    const total = await fetch(`${s.base}/api/stream`, { headers: { cookie: await s.login('user') } });
    assert.is(total.status, 429);
    assert.equal(await total.json(), { error: 'too many open streams on this server' });
    held.forEach((x) => x.leave());
  } finally {
    await s.close();
  }
});

/** A raw HTTP/1.1 stream request whose socket is never read (a phone in a tunnel). */
function pausedReader(port: number, path: string, cookie: string): Socket {
  const sock = tcpConnect(port, '127.0.0.1');
  sock.pause();
  sock.on('error', () => {});
  sock.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nCookie: ${cookie}\r\nAccept: text/event-stream\r\n\r\n`);
  return sock;
}

test('a reader that stopped reading is dropped after STREAM_STALL_SECONDS: its slot is free again', async () => {
  const s = await start({ STREAM_MAX_PER_SESSION: '1', STREAM_STALL_SECONDS: '1' }, 2000, { flushMs: 5, seenFlushMs: 1000, keepAliveMs: 100 });
  const sock = { current: null as Socket | null };
  try {
    const cookie = await s.login('user');
    sock.current = pausedReader(s.port, '/api/stream', cookie);
    let status = 0;
    for (let i = 0; i < 100 && status !== 429; i++) {
      status = (await open(s.base, '/api/stream', cookie)).status;
      if (status !== 429) await sleep(10); // the paused reader's request has not been seen yet
    }
    assert.is(status, 429, 'the paused reader holds the session\'s one slot');
    // Changes keep coming (each batch names every client) until the server gives the reader up.
    let freed = false;
    for (let round = 0; round < 2000 && !freed; round++) {
      for (let i = 0; i < 2000; i++) {
        s.bus.emit({ type: 'client-status', uuid: uuid(i), status: 'warning', previous: 'warning', reasons: ['screen_black', `round-${round}`], at: round });
      }
      await sleep(10);
      if (round % 5 === 4) {
        const x = await open(s.base, '/api/stream', cookie);
        freed = x.status === 200;
        x.leave();
      }
    }
    assert.ok(freed, 'the stalled reader was dropped and its slot released');
  } finally {
    sock.current?.destroy();
    await s.close();
  }
});

test('many readers connecting together share one snapshot of the fleet', async () => {
  const s = await start({ STREAM_MAX_PER_SESSION: '20' }, 500, { flushMs: 60_000, seenFlushMs: 60_000, keepAliveMs: 60_000 });
  try {
    let lists = 0;
    const list = s.f.fleet.list;
    s.f.fleet.list = () => (lists++, list());
    const cookie = await s.login('user');
    const streams = await Promise.all(Array.from({ length: 12 }, () => open(s.base, '/api/stream', cookie)));
    assert.ok(streams.every((x) => x.status === 200));
    const texts = await Promise.all(
      streams.map(async (x) => {
        const reader = x.res.body!.getReader();
        let text = '';
        while ((text.match(/event: client-status/g)?.length ?? 0) < 500) text += new TextDecoder().decode((await reader.read()).value);
        x.leave();
        return text;
      }),
    );
    assert.ok(texts.every((t) => t === texts[0]), 'every reader got the same resync');
    assert.is(lists, 1, 'the fleet was listed once for 12 readers');
  } finally {
    await s.close();
  }
});

test.run();
