/**
 * API tokens over `app.request()` with a real libSQL database (docs/http.md "API tokens"): shown once,
 * stored as a hash, every refusal (malformed, unknown, revoked, expired, deactivated owner, missing
 * scope, rate), rights = scopes ∩ the owner's current role, and the cross-site check skipped for
 * Bearer requests only.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createHash } from 'node:crypto';
import { fixture, json, UUID_A, type Fixture } from '../testing/route-fixture.ts';
import { listAudit } from '../db/audit.ts';

let f: Fixture;
const cookies: Record<string, string> = {};
test.before(async () => {
  f = await fixture({ API_TOKEN_MAX_DAYS: '30' });
  f.fleet.put({ uuid: UUID_A });
  for (const role of ['user', 'editor', 'admin', 'superadmin']) cookies[role] = await f.login(role);
});
test.after(async () => {
  await f.close();
});

const create = async (who: string, body: Record<string, unknown>) => {
  const res = await f.app.request('/api/tokens', json('POST', { name: 'ci', expiresInDays: 7, ...body }, cookies[who]));
  return { status: res.status, body: await res.json(), res };
};
const bearer = (token: string, method = 'GET', body?: unknown, headers: Record<string, string> = {}): RequestInit => ({
  method,
  headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
  body: body === undefined ? undefined : JSON.stringify(body),
});

test('create: 201 with the secret (ist_ + 43 chars) once; the list never has it; only its SHA-256 is stored; audited', async () => {
  const r = await create('editor', { scopes: ['read', 'schedule'] });
  assert.is(r.status, 201);
  assert.match(r.body.token, /^ist_[A-Za-z0-9_-]{43}$/);
  assert.equal(r.body.scopes, ['read', 'schedule']);
  assert.is(r.body.expiresAt, new Date(f.clock.t + 7 * 86_400_000).toISOString());
  assert.is(r.res.headers.get('cache-control'), 'no-store');

  const list = await (await f.app.request('/api/tokens', json('GET', undefined, cookies.editor))).text();
  assert.not.match(list, r.body.token.slice(12), 'the secret part never appears in the list');
  assert.is(JSON.parse(list).items[0].id, r.body.id);
  assert.is(JSON.parse(list).items[0].prefix, r.body.token.slice(0, 12));

  const row = (await f.db.execute({ sql: 'SELECT * FROM api_tokens WHERE id = ?', args: [r.body.id] })).rows[0];
  assert.is(row.token_hash, createHash('sha256').update(r.body.token).digest('hex'));
  assert.not.match(JSON.stringify(row), r.body.token.slice(12));

  const audit = await listAudit(f.db, { action: 'tokens' });
  assert.is(audit[0].action, 'tokens.create');
  assert.is(audit[0].target, String(r.body.id));
  assert.is(audit[0].actor, `user:${f.ids.editor}:editor`);
  assert.not.match(JSON.stringify(audit), r.body.token.slice(12));
});

test('create refuses: unknown scope, no scope, a scope beyond the role, expiry past API_TOKEN_MAX_DAYS', async () => {
  assert.is((await create('user', { scopes: ['root'] })).status, 400);
  assert.is((await create('user', { scopes: [] })).status, 400);
  const beyond = await create('user', { scopes: ['commands'] });
  assert.is(beyond.status, 400);
  assert.match(beyond.body.error, 'needs role admin');
  assert.match((await create('admin', { scopes: ['read'], expiresInDays: 31 })).body.error, 'API_TOKEN_MAX_DAYS');
  assert.is((await f.app.request('/api/tokens', json('POST', { name: 'x', scopes: ['read'], expiresInDays: 1 }))).status, 401);
});

test('a read token reads the API as role user: GET works, an admin GET and every write are refused', async () => {
  const { body } = await create('admin', { scopes: ['read'] });
  assert.is((await f.app.request('/api/clients', bearer(body.token))).status, 200);
  const users = await f.app.request('/api/users', bearer(body.token));
  assert.is(users.status, 403, 'GET /api/users needs admin; a read token acts as role user');
  const write = await f.app.request('/api/groups', bearer(body.token, 'POST', { name: 'G' }));
  assert.is(write.status, 403);
  assert.equal(await write.json(), { error: 'insufficient_scope', scope: 'schedule', message: 'this token lacks scope schedule' });
  assert.is(write.headers.get('www-authenticate'), 'Bearer error="insufficient_scope", scope="schedule"');
  const cmd = await f.app.request(`/api/clients/${UUID_A}/restart`, bearer(body.token, 'POST', {}));
  assert.is(cmd.status, 403);
  assert.is((await cmd.json()).scope, 'commands');
  const other = await f.app.request('/api/system-settings', bearer(body.token, 'POST', {}));
  assert.is((await other.json()).scope, 'admin');
});

test('401 invalid_token for malformed, unknown, revoked and expired tokens, each saying which', async () => {
  const expect401 = async (token: string, why: string) => {
    const res = await f.app.request('/api/clients', bearer(token));
    assert.is(res.status, 401, why);
    assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer error="invalid_token"/);
    assert.is((await res.json()).message, why);
  };
  await expect401('abc', 'malformed token');
  const empty = await f.app.request('/api/clients', { headers: { authorization: 'Bearer' } });
  assert.is(empty.status, 401, 'an empty Bearer header');
  await expect401(`ist_${'A'.repeat(43)}`, 'unknown token');

  const revoked = (await create('admin', { scopes: ['read'] })).body;
  const del = await f.app.request(`/api/tokens/${revoked.id}`, json('DELETE', undefined, cookies.admin));
  assert.is(del.status, 200);
  assert.ok((await del.json()).revokedAt);
  await expect401(revoked.token, 'token revoked');
  assert.is((await listAudit(f.db, { action: 'tokens.revoke' }))[0].target, String(revoked.id));

  const short = (await create('admin', { scopes: ['read'], expiresInDays: 1 })).body;
  assert.is((await f.app.request('/api/clients', bearer(short.token))).status, 200);
  f.clock.t += 86_400_000;
  try {
    await expect401(short.token, 'token expired');
  } finally {
    f.clock.t -= 86_400_000;
  }
});

test('revoke: someone else\'s token is 404 for a non-admin; an admin may revoke it', async () => {
  const t = (await create('editor', { scopes: ['read'] })).body;
  assert.is((await f.app.request(`/api/tokens/${t.id}`, json('DELETE', undefined, cookies.user))).status, 404);
  assert.is((await f.app.request('/api/tokens/nope', json('DELETE', undefined, cookies.user))).status, 404);
  assert.is((await f.app.request(`/api/tokens/${t.id}`, json('DELETE', undefined, cookies.admin))).status, 200);
});

test('rights follow the owner: a deactivated owner\'s token stops (401), a downgraded owner loses the routes of the old role', async () => {
  // A fresh admin account, so the fixture's users keep their roles.
  const created = await f.app.request('/api/users', json('POST', { username: 'ops', password: 'correct horse battery', role: 'admin' }, cookies.superadmin));
  const ops = await created.json();
  const opsCookie = await f.login('ops');
  const t = (await f.app.request('/api/tokens', json('POST', { name: 'ops', scopes: ['read', 'commands'], expiresInDays: 7 }, opsCookie))).json();
  const token = (await t).token as string;
  assert.is((await f.app.request(`/api/clients/${UUID_A}/commands`, bearer(token))).status, 403, 'read acts as role user: the command history is admin');
  assert.is((await f.app.request(`/api/clients/${UUID_A}/restart`, bearer(token, 'POST', {}))).status, 202);

  await f.app.request(`/api/users/${ops.id}`, json('PUT', { role: 'editor' }, cookies.superadmin));
  const down = await f.app.request(`/api/clients/${UUID_A}/restart`, bearer(token, 'POST', {}));
  assert.is(down.status, 403);
  assert.is((await down.json()).error, 'requires role admin');

  await f.app.request(`/api/users/${ops.id}`, json('PUT', { isActive: false }, cookies.superadmin));
  const gone = await f.app.request('/api/clients', bearer(token));
  assert.is(gone.status, 401);
  assert.is((await gone.json()).message, 'token owner deactivated');
});

test('Bearer requests skip the cross-site check; cookie requests keep it; a cookie beside a Bearer token is ignored', async () => {
  const t = (await create('admin', { scopes: ['admin'] })).body;
  const victim = (await create('admin', { scopes: ['read'] })).body;
  const foreign = { origin: 'http://evil.example' };
  const byCookie = await f.app.request(`/api/tokens/${victim.id}`, { method: 'DELETE', headers: { cookie: cookies.admin, ...foreign } });
  assert.is(byCookie.status, 403, 'a bodyless cookie DELETE from a foreign origin is refused');
  const form = await f.app.request('/api/tokens', { method: 'POST', headers: { cookie: cookies.admin, 'content-type': 'application/x-www-form-urlencoded', ...foreign }, body: 'name=x' });
  assert.is(form.status, 403, 'a cookie form POST from a foreign origin is refused');
  const byToken = await f.app.request(`/api/tokens/${victim.id}`, bearer(t.token, 'DELETE', undefined, foreign));
  assert.is(byToken.status, 200, 'the same request with a Bearer token passes');

  const read = (await create('admin', { scopes: ['read'] })).body;
  const mixed = await f.app.request('/api/tokens', { method: 'POST', headers: { authorization: `Bearer ${read.token}`, cookie: cookies.admin, 'content-type': 'application/json' }, body: JSON.stringify({ name: 'x', scopes: ['read'], expiresInDays: 1 }) });
  assert.is(mixed.status, 403, 'the admin cookie does not lend its rights to a read token');
});

test('last use: time and address written at most once a minute per token', async () => {
  const t = (await create('admin', { scopes: ['read'] })).body;
  const lastUsed = async () => {
    await f.writer.settled();
    return (await f.db.execute({ sql: 'SELECT last_used_at, last_used_from FROM api_tokens WHERE id = ?', args: [t.id] })).rows[0];
  };
  await f.app.request('/api/clients', bearer(t.token));
  const first = await lastUsed();
  assert.is(first.last_used_at, new Date(f.clock.t).toISOString());
  assert.is(first.last_used_from, 'unknown', 'in-process requests have no address');
  f.clock.t += 30_000;
  await f.app.request('/api/clients', bearer(t.token));
  assert.is((await lastUsed()).last_used_at, first.last_used_at, 'not again within the minute');
  f.clock.t += 31_000;
  await f.app.request('/api/clients', bearer(t.token));
  assert.is((await lastUsed()).last_used_at, new Date(f.clock.t).toISOString());
});

test('metrics: a metrics token is refused everywhere but GET /metrics (its reads there: routes/prometheus.test.ts)', async () => {
  const m = (await create('admin', { scopes: ['metrics'] })).body;
  const res = await f.app.request('/api/clients', bearer(m.token));
  assert.is(res.status, 403);
  assert.is((await res.json()).scope, 'read');
});

test('rate limit per token: past the burst 429 with Retry-After; another token is not affected', async () => {
  const g = await fixture({ API_TOKEN_BURST: '3', API_TOKEN_RATE: '1' });
  try {
    const admin = await g.login('admin');
    const mk = async () => (await (await g.app.request('/api/tokens', json('POST', { name: 'r', scopes: ['read'], expiresInDays: 1 }, admin))).json()).token as string;
    const [a, b] = [await mk(), await mk()];
    for (let i = 0; i < 3; i++) assert.is((await g.app.request('/api/clients', bearer(a))).status, 200);
    const limited = await g.app.request('/api/clients', bearer(a));
    assert.is(limited.status, 429);
    assert.is(limited.headers.get('retry-after'), '1');
    assert.is((await g.app.request('/api/clients', bearer(b))).status, 200);
    g.clock.t += 1000;
    assert.is((await g.app.request('/api/clients', bearer(a))).status, 200, 'one more a second later');
  } finally {
    await g.close();
  }
});

test.run();
