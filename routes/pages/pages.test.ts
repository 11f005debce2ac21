import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { fixture, UUID_A, UUID_B, UUID_C, type Fixture } from '../../testing/route-fixture.ts';
import { insertLogStatement } from '../../db/logs.ts';
import { getUserById } from '../../db/users.ts';

const EVIL = '<script>alert(1)</script>';
let f: Fixture;
let user: string;
let admin: string;

test.before(async () => {
  f = await fixture();
  user = await f.login('user');
  admin = await f.login('admin');
  const t = f.clock.t;
  await f.db.execute({ sql: 'INSERT INTO groups (id, name, created_at, updated_at) VALUES (7, ?, ?, ?)', args: ['Aula <b>', '2026-03-02T10:00:00Z', '2026-03-02T10:00:00Z'] });
  f.fleet.put({ uuid: UUID_A, hostname: EVIL, ip: '10.0.0.1', status: 'offline', connectivity: 'offline', statusReasons: ['heartbeat_stale'], lastAlive: t - 600_000 }, t);
  f.fleet.put({ uuid: UUID_B, description: 'Lehrerzimmer', groupId: 7, ip: '10.0.0.2', status: 'healthy', connectivity: 'online', statusReasons: [], lastAlive: t - 2000 }, t);
  f.fleet.put(
    {
      uuid: UUID_C,
      description: 'Turnsaal',
      groupId: 7,
      status: 'critical',
      connectivity: 'online',
      statusReasons: ['service_failed'],
      serviceStatus: 'failed',
      serviceFailedAt: t - 60_000,
      serviceFailedUnit: `${EVIL}.service`,
      currentProcess: EVIL,
      lastAlive: t - 1000,
    },
    t,
  );
  await f.writer.write(
    insertLogStatement(UUID_A, { level: 'ERROR', timestamp: t - 5000, message: `boom ${EVIL}`, context: { html: EVIL } }, t),
    insertLogStatement(UUID_A, { level: 'INFO', timestamp: t - 4000, message: 'plain info', context: null }, t),
  );
});
test.after(async () => {
  await f.close();
});

const get = (path: string, cookie?: string, headers: Record<string, string> = {}) =>
  f.app.request(path, { headers: { ...(cookie ? { cookie } : {}), ...headers } });
const form = (path: string, body: Record<string, string>, cookie?: string, headers: Record<string, string> = {}) =>
  f.app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost', ...(cookie ? { cookie } : {}), ...headers },
    body: new URLSearchParams(body).toString(),
  });
const htmx = { 'hx-request': 'true' };

function assertInert(html: string) {
  assert.not.ok(html.includes(EVIL), 'hostile string printed raw');
  assert.not.ok(/<script>alert/.test(html));
}

test('pages redirect anonymous browsers to /login (and back); htmx gets 401 + HX-Redirect', async () => {
  for (const path of ['/', '/monitoring', `/clients/${UUID_A}`, `/clients/${UUID_A}/logs`, '/live/overview']) {
    const res = await get(path);
    assert.is(res.status, 303, path);
    assert.is(res.headers.get('location'), path === '/' ? '/login' : `/login?next=${encodeURIComponent(path)}`);
  }
  const frag = await get('/?filter=offline', undefined, { ...htmx, 'hx-current-url': 'http://localhost/monitoring?page=2' });
  assert.is(frag.status, 401);
  assert.is(frag.headers.get('hx-redirect'), `/login?next=${encodeURIComponent('/monitoring?page=2')}`);
  const api = await get('/api/stream');
  assert.is(api.status, 401);
  assert.equal(await api.json(), { error: 'authentication required' });
});

test('login form: errors re-render the form, success sets the cookie and follows next; csrf needs Origin', async () => {
  const page = await get('/login?next=/monitoring', undefined, { 'accept-language': 'de-AT,de;q=0.9' });
  assert.is(page.status, 200);
  const html = await page.text();
  assert.match(html, /<html lang="de">/);
  assert.match(html, /Benutzername/);
  assert.match(html, /name="next" value="\/monitoring"/);

  const bad = await form('/login', { username: 'admin', password: 'wrong', next: '/monitoring' });
  assert.is(bad.status, 401);
  const badHtml = await bad.text();
  assert.match(badHtml, /Invalid username or password/);
  assert.match(badHtml, /value="admin"/);
  assert.is(bad.headers.get('set-cookie'), null);
  assert.is((await form('/login', { username: '', password: '' })).status, 400);

  const noOrigin = await f.app.request('/login', {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'username=admin&password=x',
  });
  assert.is(noOrigin.status, 403);

  const ok = await form('/login', { username: 'admin', password: 'correct horse battery', next: '//evil.example/x' });
  assert.is(ok.status, 303);
  assert.is(ok.headers.get('location'), '/', 'foreign next is ignored');
  const cookie = /sid=[^;]+/.exec(ok.headers.get('set-cookie') ?? '')![0];
  assert.match(ok.headers.get('set-cookie')!, /HttpOnly/i);
  assert.is((await get('/', cookie)).status, 200);
  // Signed in: /login goes straight on; logout ends the session.
  assert.is((await get('/login?next=/monitoring', cookie)).headers.get('location'), '/monitoring');
  assert.is((await get('/logout', cookie)).status, 200);
  const out = await form('/logout', {}, cookie);
  assert.is(out.status, 303);
  assert.is((await get('/', cookie)).status, 303);
});

test('overview: counts, group cards with escaped names, filters and search; htmx gets the #fleet fragment', async () => {
  const res = await get('/', user);
  assert.is(res.status, 200);
  assert.is(res.headers.get('vary'), 'HX-Request');
  assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'(;|$)/);
  assert.not.match(res.headers.get('content-security-policy') ?? '', /unsafe/);
  const html = await res.text();
  assertInert(html);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(html, /Aula &lt;b&gt;/);
  assert.match(html, /id="c-22222222-2222-4222-8222-222222222222"/);
  assert.match(html, /<span class="count-n">3<\/span><span class="count-l">Screens/);
  assert.match(html, /hx-sse:connect="\/live\/overview\?v=\d+"/);
  // Worst first inside a group: critical Turnsaal before healthy Lehrerzimmer.
  assert.ok(html.indexOf('Turnsaal') < html.indexOf('Lehrerzimmer'));

  const frag = await (await get('/?filter=offline', user, htmx)).text();
  assert.ok(frag.startsWith('<div id="fleet">'), frag.slice(0, 40));
  assert.not.match(frag, /<html/);
  assert.match(frag, /c-11111111/);
  assert.not.match(frag, /c-22222222/);
  assert.match(frag, /hx-sse:connect="\/live\/overview\?filter=offline&amp;v=\d+"/);

  const search = await (await get('/?q=10.0.0.2', user)).text();
  assert.match(search, /Lehrerzimmer/);
  assert.not.match(search, /Turnsaal/);
  const none = await (await get('/?q=nothing-matches', user)).text();
  assert.match(none, /No screen matches/);
  const group = await (await get('/?group=7', user)).text();
  assert.match(group, /Group: Aula &lt;b&gt;/);
  assert.not.match(group, /c-11111111/);
});

test('monitoring: admin only (page, fragment and stream); panels, reasons, escaped recent errors', async () => {
  assert.is((await get('/monitoring', user)).status, 403);
  assert.is((await get('/monitoring?page=2', user, htmx)).status, 403);
  assert.is((await get('/live/monitoring', user)).status, 403);
  const res = await get('/monitoring', admin);
  assert.is(res.status, 200);
  const html = await res.text();
  assertInert(html);
  assert.match(html, /id="crashed"/);
  assert.match(html, /No heartbeat/);
  assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;\.service/);
  assert.match(html, /boom &lt;script&gt;/);
  assert.match(html, /action="\/monitoring\/service-failed\/33333333-3333-4333-8333-333333333333\/ack"/);
  const frag = await (await get('/monitoring?page=1', admin, htmx)).text();
  assert.ok(frag.startsWith('<section id="status-table"'));
});

test('acknowledge a service failure: htmx answers the panel, a form redirects, unknown 404, user 403', async () => {
  assert.is((await form(`/monitoring/service-failed/${UUID_C}/ack`, {}, user)).status, 403);
  assert.is((await form('/monitoring/service-failed/not-a-uuid/ack', {}, admin)).status, 404);
  const res = await form(`/monitoring/service-failed/${UUID_C}/ack`, {}, admin, htmx);
  assert.is(res.status, 200);
  const html = await res.text();
  assert.ok(html.startsWith('<section id="service-failed"'));
  assert.match(html, /Acknowledged/);
  assert.equal(f.fleet.cleared, [UUID_C]);
  const plain = await form(`/monitoring/service-failed/${UUID_C}/ack`, {}, admin);
  assert.is(plain.status, 303);
  assert.is(plain.headers.get('location'), '/monitoring');
});

test('client page: user sees status, no logs; admin sees escaped logs; 404 for unknown', async () => {
  const asUser = await (await get(`/clients/${UUID_A}`, user)).text();
  assertInert(asUser);
  assert.match(asUser, /id="client-status"/);
  assert.match(asUser, /No heartbeat/);
  assert.match(asUser, /id="client-actions"/);
  assert.not.match(asUser, /id="client-logs"/);
  assert.not.match(asUser, /boom/);
  assert.is((await get(`/clients/${UUID_A}/logs`, user, htmx)).status, 403);

  const asAdmin = await (await get(`/clients/${UUID_A}`, admin)).text();
  assertInert(asAdmin);
  assert.match(asAdmin, /boom &lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  assert.match(asAdmin, /&quot;html&quot;: &quot;&lt;script&gt;/);
  const errorsOnly = await (await get(`/clients/${UUID_A}/logs?level=error`, admin, htmx)).text();
  assert.ok(errorsOnly.startsWith('<section id="client-logs"'));
  assert.match(errorsOnly, /boom/);
  assert.not.match(errorsOnly, /plain info/);
  assert.is((await get(`/clients/${UUID_A}/logs?level=LOUD`, admin, htmx)).status, 400);
  assert.is((await get(`/clients/${UUID_A}?before=junk`, admin)).status, 400);
  assert.is((await get(`/clients/${UUID_A}/logs?level=INFO`, admin)).headers.get('location'), `/clients/${UUID_A}?level=INFO`);

  const crit = await (await get(`/clients/${UUID_C}`, admin)).text();
  assertInert(crit);
  for (const path of ['/clients/44444444-4444-4444-8444-444444444444', '/clients/nope', '/clients/nope/logs']) {
    const res = await get(path, admin);
    assert.is(res.status, 404, path);
    assert.match(await res.text(), /Page not found/);
  }
});

test('log paging: older entries follow the cursor', async () => {
  const t = f.clock.t;
  for (let i = 0; i < 55; i++) f.writer.enqueue(insertLogStatement(UUID_B, { level: 'INFO', timestamp: t - 100_000 + i, message: `line ${i}`, context: null }, t));
  await f.writer.write();
  const first = await (await get(`/clients/${UUID_B}/logs`, admin, htmx)).text();
  assert.match(first, /line 54/);
  assert.not.match(first, /line 4</);
  const next = /hx-get="(\/clients\/[^"]+\/logs\?before=[^"]+)"/.exec(first)![1].replace(/&amp;/g, '&');
  const second = await (await get(next, admin, htmx)).text();
  assert.match(second, /line 4</);
  assert.match(second, /line 0</);
  assert.not.match(second, /line 54/);
  assert.match(second, /Newest entries/);
});

test('group assignment: admin only, existing groups only', async () => {
  assert.is((await form(`/clients/${UUID_A}/group`, { groupId: '7' }, user)).status, 403);
  assert.is((await form(`/clients/${UUID_A}/group`, { groupId: '99' }, admin)).status, 400);
  assert.is((await form(`/clients/${UUID_A}/group`, { groupId: 'x' }, admin)).status, 400);
  const res = await form(`/clients/${UUID_A}/group`, { groupId: '7' }, admin, htmx);
  assert.is(res.status, 200);
  assert.match(await res.text(), /Group saved/);
  assert.is(f.fleet.get(UUID_A)!.groupId, 7);
  assert.is((await form(`/clients/${UUID_A}/group`, { groupId: '' }, admin)).status, 303);
  assert.is(f.fleet.get(UUID_A)!.groupId, null);
});

test('language: the user setting beats Accept-Language', async () => {
  const cookie = await f.login('editor');
  assert.match(await (await get('/', cookie, { 'accept-language': 'de' })).text(), /Übersicht/);
  const res = await form('/language', { language: 'en', next: '/monitoring' }, cookie);
  assert.is(res.status, 303);
  assert.is(res.headers.get('location'), '/monitoring');
  assert.is((await getUserById(f.db, f.ids.editor))!.language, 'en');
  const html = await (await get('/', cookie, { 'accept-language': 'de' })).text();
  assert.match(html, /<html lang="en">/);
  assert.is((await form('/language', { language: 'fr' }, cookie)).status, 400);
});

test('static files: htmx and our CSS/JS, hashed URLs cached, nothing else', async () => {
  const js = await get('/vendor/htmx.min.js');
  assert.is(js.status, 200);
  assert.match(js.headers.get('content-type')!, /javascript/);
  assert.is(js.headers.get('cache-control'), 'no-cache');
  const page = await (await get('/', user)).text();
  const css = /href="(\/static\/app\.css\?v=[0-9a-f]+)"/.exec(page)![1];
  const res = await get(css);
  assert.is(res.headers.get('cache-control'), 'public, max-age=31536000, immutable');
  assert.match(await res.text(), /--healthy/);
  assert.is((await get('/static/app.css', undefined, { 'if-none-match': res.headers.get('etag')! })).status, 304);
  assert.is((await get('/vendor/hx-sse.js')).status, 200);
  assert.is((await get('/static/app.js')).status, 200);
  // Alpine is its CSP build (no eval: routes/pages/index.ts), never the standard one.
  const alpine = await get('/vendor/alpine.js');
  assert.is(alpine.status, 200);
  assert.match(await alpine.text(), /CSP Parser Error/); // only the CSP build has its own expression parser
  for (const p of ['/vendor/alpinejs.js', '/static/..%2Fpackage.json', '/static/../package.json']) assert.is((await get(p)).status, 404, p);
});

test('the icon: /favicon.ico is an ICO for everyone, the layout links the SVG (hashed) and the ICO', async () => {
  const ico = await get('/favicon.ico');
  assert.is(ico.status, 200);
  assert.is(ico.headers.get('content-type'), 'image/x-icon');
  const bytes = new Uint8Array(await ico.arrayBuffer());
  assert.equal([...bytes.subarray(0, 4)], [0, 0, 1, 0], 'ICO header (reserved 0, type 1 = icon)');
  assert.ok(bytes.length < 4096, `small: ${bytes.length} bytes`);
  assert.is((await get('/favicon.ico', undefined, { 'if-none-match': ico.headers.get('etag')! })).status, 304);
  for (const cookie of [undefined, user]) {
    const page = await (await get(cookie ? '/' : '/login', cookie)).text();
    assert.match(page, /<link rel="icon" href="\/favicon\.ico" sizes="32x32">/);
    const svgUrl = /<link rel="icon" href="(\/static\/favicon\.svg\?v=[0-9a-f]+)" type="image\/svg\+xml">/.exec(page)?.[1];
    assert.ok(svgUrl, 'the SVG icon is linked with its hash');
    const svg = await get(svgUrl!);
    assert.is(svg.status, 200);
    assert.is(svg.headers.get('content-type'), 'image/svg+xml');
    const text = await svg.text();
    assert.match(text, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    // "--" inside an XML comment makes the whole SVG invalid (browsers then show no icon at all).
    for (const comment of text.match(/<!--[\s\S]*?-->/g) ?? []) assert.not.ok(comment.slice(4, -3).includes('--'), comment);
  }
});

test.run();
