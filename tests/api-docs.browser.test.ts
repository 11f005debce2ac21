/**
 * `/api/docs` in headless Chromium against the real runtime (docs/http.md "OpenAPI"): Swagger UI,
 * served from node_modules under the dashboard's Content-Security-Policy (no inline script, no CDN),
 * renders the document's operations, and "Try it out" calls the API with the signed-in session.
 * Any CSP refusal or script error fails the test (browser-kit `problems`).
 */
import { test as uvuTest } from 'uvu';
import * as assert from 'uvu/assert';
import { BrowserKit, browserTests, shot } from '../testing/browser-kit.ts';

const test = browserTests(uvuTest);
const kit = new BrowserKit({ name: 'API docs browser test', prefix: 'infoscreen-browser-apidocs-', locale: 'de-AT' });

test.before(async () => {
  await kit.start();
});
test.after(async () => {
  await kit.close();
});

test('Swagger UI renders every tag under the CSP, loads nothing from elsewhere, and calls the API with the session', async () => {
  const page = await kit.newPage();
  const foreign: string[] = [];
  page.on('request', (r) => {
    if (!r.url().startsWith(kit.base) && !r.url().startsWith('data:')) foreign.push(r.url());
  });
  await kit.login(page, '/');
  const res = await page.goto(`${kit.base}/api/docs`);
  assert.match(res!.headers()['content-security-policy'] ?? '', "script-src 'self'");
  assert.is(await page.title(), 'API-Dokumentation · Infoscreens');
  await page.waitForSelector('.opblock-tag', { timeout: 20_000 });
  const tags = await page.$$eval('.opblock-tag', (els) => els.map((e) => e.getAttribute('data-tag')));
  for (const tag of ['Clients', 'Commands', 'Groups', 'Events', 'Users', 'Status', 'Alerts']) assert.ok(tags.includes(tag), `tag ${tag} shown (${tags.join(', ')})`);

  // Open GET /api/clients, try it out: the browser's session cookie goes along (same origin).
  await page.click('#operations-Clients-getApiClients .opblock-summary');
  await page.click('#operations-Clients-getApiClients .try-out__btn');
  const [answer] = await Promise.all([
    page.waitForResponse((r) => new URL(r.url()).pathname === '/api/clients'),
    page.click('#operations-Clients-getApiClients .execute'),
  ]);
  assert.is(answer.status(), 200, 'signed in through the cookie');
  const code = await page.waitForSelector('#operations-Clients-getApiClients .live-responses-table tbody .response-col_status');
  assert.is((await code.textContent())?.trim(), '200');
  await shot(page, 'api-docs');
  assert.equal(foreign, [], 'nothing fetched from another origin');
  assert.equal(kit.problems, []);
});

test.run();
