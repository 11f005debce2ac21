/** routes/pages/hx.ts: page or fragment keyed on HX-Request, always with `Vary` and `no-store`. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Hono } from 'hono';
import { detachedContext } from '../../views/render.ts';
import { fragment, hxPartial, hxRedirect, isHtmx, render } from './hx.ts';

const app = new Hono();
const data = () => ({ ...detachedContext('en', null, Date.now()), title: 'T', status: 404, message: 'gone <b>' });
app.get('/page', (c) => render(c, { page: 'error', fragment: 'error', data: data(), status: 404 }));
app.get('/page-only', (c) => render(c, { page: 'error', data: data() }));
app.get('/frag', (c) => (isHtmx(c) ? fragment(c, '<p>x</p>', 409) : c.redirect('/page', 303)));
app.post('/away', (c) => {
  hxRedirect(c, '/elsewhere');
  return c.body(null, 204);
});
const htmx = { 'hx-request': 'true' };

test('a plain request gets the whole page, htmx the fragment; both vary on HX-Request and are not cached', async () => {
  const page = await app.request('/page');
  const frag = await app.request('/page', { headers: htmx });
  for (const r of [page, frag]) {
    assert.is(r.status, 404);
    assert.is(r.headers.get('vary'), 'HX-Request');
    assert.is(r.headers.get('cache-control'), 'no-store');
  }
  assert.match(await page.text(), /<html/);
  const html = await frag.text();
  assert.not.match(html, /<html/);
  assert.match(html, /notice-error/);
  assert.match(html, /gone &lt;b&gt;/);
});

test('a page without a fragment is the page for htmx too', async () => {
  const r = await app.request('/page-only', { headers: htmx });
  assert.match(await r.text(), /<html/);
  assert.is(r.headers.get('vary'), 'HX-Request');
});

test('fragment(): htmx alone, with its status, Vary and no-store; HX-Request other than "true" is not htmx', async () => {
  const r = await app.request('/frag', { headers: htmx });
  assert.is(r.status, 409);
  assert.is(await r.text(), '<p>x</p>');
  assert.is(r.headers.get('vary'), 'HX-Request');
  assert.is(r.headers.get('cache-control'), 'no-store');
  assert.is((await app.request('/frag', { headers: { 'hx-request': 'false' } })).status, 303);
});

test('hxRedirect() and hxPartial()', async () => {
  assert.is((await app.request('/away', { method: 'POST' })).headers.get('hx-redirect'), '/elsewhere');
  assert.is(hxPartial('#a', 'outerHTML', '<i></i>'), '<hx-partial hx-target="#a" hx-swap="outerHTML"><i></i></hx-partial>');
});

test.run();
