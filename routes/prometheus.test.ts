/**
 * Who may read GET /metrics (docs/operations.md "Metrics"): addresses in METRICS_ALLOW_FROM
 * (loopback by default, through the real socket-address helper), an admin session from anywhere,
 * an admin's API token with scope `metrics` (real tokens, through the app-wide bearer middleware);
 * everyone else 401/403. The text itself is checked in tests/metrics.e2e.test.ts.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createApp } from '../app.ts';
import { loadConfig } from '../config.ts';
import { fixture, type Fixture } from '../testing/route-fixture.ts';

let f: Fixture;
let admin: string;
let user: string;
const source = { contentType: 'text/plain; version=0.0.4; charset=utf-8', text: async () => '# HELP x y\n# TYPE x gauge\nx 1\n' };
const from = (address: string) => ({ incoming: { socket: { remoteAddress: address } } });

const appWith = (env: Record<string, string> = {}) =>
  createApp({
    config: loadConfig({ ENV: 'test', DATABASE_URL: f.config.DATABASE_URL, ...env }),
    db: f.db, writer: f.writer, fleet: f.fleet, screenshots: f.screenshots, brokerStatus: () => ({ connected: true }), now: () => f.clock.t,
    prometheus: source,
  });

test.before(async () => {
  f = await fixture();
  admin = await f.login('admin');
  user = await f.login('user');
});
test.after(() => f.close());

const scrape = (app: ReturnType<typeof createApp>, address: string, headers: Record<string, string> = {}) => app.request('/metrics', { headers }, from(address));

test('loopback scrapes by default (IPv4, IPv6, mapped IPv4); other addresses get 401 without credentials', async () => {
  const app = appWith();
  for (const a of ['127.0.0.1', '::1', '::ffff:127.0.0.1']) {
    const res = await scrape(app, a);
    assert.is(res.status, 200, a);
    assert.is(await res.text(), await source.text());
    assert.match(res.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  }
  const res = await scrape(app, '192.0.2.10');
  assert.is(res.status, 401);
  assert.match((await res.json()).error, /METRICS_ALLOW_FROM/);
  assert.is((await app.request('/metrics')).status, 401, 'an in-process request has no address');
});

test('an admin session reads from anywhere; a user session is 403', async () => {
  const app = appWith();
  assert.is((await scrape(app, '192.0.2.10', { cookie: admin })).status, 200);
  assert.is((await scrape(app, '192.0.2.10', { cookie: user })).status, 403);
});

test('METRICS_ALLOW_FROM: a listed range scrapes; `none` shuts out loopback too', async () => {
  const lan = appWith({ METRICS_ALLOW_FROM: '10.0.0.0/8, fd00::/8' });
  assert.is((await scrape(lan, '10.1.2.3')).status, 200);
  assert.is((await scrape(lan, 'fd00::5')).status, 200);
  assert.is((await scrape(lan, '127.0.0.1')).status, 401, 'the list replaces the default');
  assert.is((await scrape(appWith({ METRICS_ALLOW_FROM: 'none' }), '127.0.0.1')).status, 401);
  assert.throws(() => loadConfig({ METRICS_ALLOW_FROM: '10.0.0.0/40' }), /METRICS_ALLOW_FROM: "10\.0\.0\.0\/40"/);
});

test('TRUST_PROXY: the address is the proxy\'s X-Forwarded-For entry, so a local proxy does not open /metrics', async () => {
  const app = appWith({ TRUST_PROXY: 'true' });
  assert.is((await scrape(app, '127.0.0.1', { 'x-forwarded-for': '198.51.100.7' })).status, 401);
  assert.is((await scrape(app, '127.0.0.1', { 'x-forwarded-for': '127.0.0.1' })).status, 200);
});

test('API tokens from anywhere: an admin\'s metrics token reads; a read token is 403 insufficient_scope; an editor cannot have one; an unknown one 401', async () => {
  const app = appWith();
  const token = async (cookie: string, scopes: string[]) => {
    const res = await app.request('/api/tokens', {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, origin: 'http://localhost' },
      body: JSON.stringify({ name: 'scraper', scopes, expiresInDays: 7 }),
    });
    assert.is(res.status, 201, await res.clone().text());
    return `Bearer ${(await res.json()).token}`;
  };
  const metrics = await token(admin, ['metrics']);
  assert.is((await scrape(app, '192.0.2.10', { authorization: metrics })).status, 200);
  const read = await scrape(app, '192.0.2.10', { authorization: await token(admin, ['read']) });
  assert.is(read.status, 403);
  assert.is((await read.json()).error, 'insufficient_scope');
  const editor = await f.login('editor');
  const editors = await app.request('/api/tokens', {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: editor, origin: 'http://localhost' },
    body: JSON.stringify({ name: 'scraper', scopes: ['metrics'], expiresInDays: 7 }),
  });
  assert.is(editors.status, 400, 'scope metrics is beyond an editor: no such token exists');
  for (const unknown of ['metrics-scope-token', `ist_${'x'.repeat(43)}`]) {
    const res = await scrape(app, '192.0.2.10', { authorization: `Bearer ${unknown}` });
    assert.is(res.status, 401);
    assert.match(res.headers.get('www-authenticate') ?? '', /invalid_token/);
  }
});

test.run();
