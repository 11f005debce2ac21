import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, type Fixture } from './testing/route-fixture.ts';

let f: Fixture;
let admin: string;
test.before(async () => {
  f = await fixture();
  admin = await f.login('admin');
});
test.after(async () => {
  await f.close();
});

const raw = (method: string, path: string, body: BodyInit | null, headers: Record<string, string>) =>
  f.app.request(path, { method, body, headers: { cookie: admin, ...headers } });

test('malformed JSON answers 400 {error: "invalid JSON"}, before auth or validation', async () => {
  for (const [path, body] of [['/api/auth/login', '{"username": '], [`/api/users`, '{bad'], ['/api/users', '[1,']]) {
    const res = await raw('POST', path, body, { 'content-type': 'application/json' });
    assert.is(res.status, 400, path);
    assert.equal(await res.json(), { error: 'invalid JSON' });
  }
  const empty = await raw('POST', '/api/users', '', { 'content-type': 'application/json' });
  assert.is(empty.status, 400);
  assert.equal(await empty.json(), { error: 'invalid JSON' });
});

test('a JSON route refuses another content type (415), same-origin', async () => {
  const res = await raw('POST', '/api/users', 'username=x', { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost' });
  assert.is(res.status, 415);
  assert.match((await res.json()).error, /application\/json/);
});

test('bodies over 1 MiB answer 413, with or without Content-Length, and the app keeps serving', async () => {
  const big = JSON.stringify({ username: 'x'.repeat(1024 * 1024 + 10), password: 'y' });
  const declared = await raw('POST', '/api/auth/login', big, { 'content-type': 'application/json', 'content-length': String(big.length) });
  assert.is(declared.status, 413);
  assert.equal(await declared.json(), { error: 'request body too large' });
  const bytes = new TextEncoder().encode(big);
  const stream = new ReadableStream<Uint8Array>({
    start(ctrl) {
      for (let i = 0; i < bytes.length; i += 64 * 1024) ctrl.enqueue(bytes.slice(i, i + 64 * 1024));
      ctrl.close();
    },
  });
  const chunked = await f.app.request('/api/auth/login', { method: 'POST', body: stream, headers: { 'content-type': 'application/json' }, duplex: 'half' } as RequestInit);
  assert.is(chunked.status, 413);
  assert.is((await f.app.request('/health')).status, 200);
});

test('unexpected errors answer 500 {error: "internal error"}', async () => {
  const list = f.fleet.list;
  f.fleet.list = () => {
    throw new Error('boom');
  };
  const origError = console.error;
  console.error = () => {};
  try {
    const res = await f.app.request('/api/clients', { headers: { cookie: admin } });
    assert.is(res.status, 500);
    assert.equal(await res.json(), { error: 'internal error' });
  } finally {
    f.fleet.list = list;
    console.error = origError;
  }
});

test('unknown paths answer JSON 404; security headers are set', async () => {
  const res = await f.app.request('/api/nope', { headers: { cookie: admin } });
  assert.is(res.status, 404);
  assert.equal(await res.json(), { error: 'not found' });
  assert.is(res.headers.get('x-content-type-options'), 'nosniff');
  assert.is(res.headers.get('x-frame-options'), 'SAMEORIGIN');
});

test('GET /health: shape, no auth, probes injected', async () => {
  f.fleet.put({ uuid: '11111111-1111-4111-8111-111111111111' });
  f.clock.t += 42_000;
  const res = await f.app.request('/health');
  assert.is(res.status, 200);
  const body = await res.json();
  assert.equal(body, { status: 'ok', uptime: 42, broker: { connected: true }, db: { ok: true }, actors: { clients: 1, commands: 0 } });
});

test('GET /health: 503 when the database is gone', async () => {
  const { createApp } = await import('./app.ts');
  const app = createApp({
    config: f.config,
    db: { execute: async () => { throw new Error('closed'); } } as never,
    writer: f.writer,
    fleet: f.fleet,
    screenshots: f.screenshots,
    brokerStatus: () => ({ connected: false }),
    commandsCount: () => 3,
  });
  const res = await app.request('/health');
  assert.is(res.status, 503);
  const body = await res.json();
  assert.is(body.status, 'error');
  assert.equal(body.broker, { connected: false });
  assert.equal(body.actors, { clients: 1, commands: 3 });
});

test.run();
