/**
 * Request helpers for the route tests of the dashboard's admin part (client commands, audit,
 * alerts, users, settings); not a test file itself. Forms carry `Origin` (Hono's csrf() check).
 */
import * as assert from 'uvu/assert';
import type { Fixture } from './route-fixture.ts';

export const EVIL = '<script>alert(1)</script>';
export const htmx = { 'hx-request': 'true' };

type App = Fixture['app'];

export const get = (app: App, path: string, cookie?: string, headers: Record<string, string> = {}) =>
  app.request(path, { headers: { ...(cookie ? { cookie } : {}), ...headers } });

export const form = (app: App, path: string, body: Record<string, string>, cookie?: string, headers: Record<string, string> = {}) =>
  app.request(path, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded', origin: 'http://localhost', ...(cookie ? { cookie } : {}), ...headers },
    body: new URLSearchParams(body).toString(),
  });

/** The hostile string never appears raw. */
export function assertInert(html: string) {
  assert.not.ok(html.includes(EVIL), 'hostile string printed raw');
  assert.not.match(html, /<script>alert/);
}

/** Opens an SSE stream; `until(re)` waits for a match in everything read so far. */
export async function connect(app: App, path: string, cookie: string, open: AbortController[], headers: Record<string, string> = {}, waitMs = 3000) {
  const ac = new AbortController();
  open.push(ac);
  const res = await app.request(path, { headers: { cookie, ...headers }, signal: ac.signal });
  assert.is(res.status, 200, path);
  assert.match(res.headers.get('content-type')!, /text\/event-stream/);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  const s = { text: '', done: false };
  void (async () => {
    for (;;) {
      const { done, value } = await reader.read().catch(() => ({ done: true, value: undefined }));
      if (done) return void (s.done = true);
      s.text += decoder.decode(value, { stream: true });
    }
  })();
  const until = async (re: RegExp, ms = waitMs) => {
    const end = Date.now() + ms;
    while (!re.test(s.text)) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${re}; got:\n${s.text.slice(-1500)}`);
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  const take = () => {
    const t = s.text;
    s.text = '';
    return t;
  };
  return { s, until, take, close: () => ac.abort() };
}
