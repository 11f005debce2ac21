/**
 * Browser test (real Chromium, real runtime and server): on /settings a person creates an API token,
 * sees its secret once (it works as a Bearer token from outside the browser), no longer sees it when
 * the page is opened again, revokes it (it stops working), and finds both actions on /audit under the header's "More".
 */
import { test as uvuTest } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { BrowserKit, browserTests, shot } from '../testing/browser-kit.ts';

const test = browserTests(uvuTest);
const kit = new BrowserKit({ name: 'api tokens browser test', prefix: 'infoscreen-browser-tokens-', locale: 'en-GB' });
let page: Page;

test.before(async () => {
  if (!(await kit.start())) return;
  page = await kit.newPage();
  await kit.login(page, '/settings');
});

test.after(async () => {
  await kit.close();
});

const withToken = async (token: string) => (await fetch(`${kit.base}/api/clients`, { headers: { authorization: `Bearer ${token}` } })).status;

test('create a token on /settings, see it once, revoke it; both actions on the audit page', async () => {
  await page.fill('#token-name', 'Grafana');
  await page.check('#token-form input[name=scopes][value=metrics]');
  await page.fill('#token-days', '30');
  await Promise.all([page.waitForLoadState('load'), page.click('#token-form button[type=submit]')]);
  const secret = (await page.textContent('#token-secret'))!.trim();
  assert.match(secret, /^ist_[A-Za-z0-9_-]{43}$/);
  assert.match((await page.textContent('#settings-tokens [role=status]')) ?? '', 'shown only this once');
  assert.is(await withToken(secret), 200);
  await shot(page, 'api-token-created');

  await page.goto(`${kit.base}/settings`);
  assert.is(await page.$('#token-secret'), null, 'gone when the page is opened again');
  assert.not.match(await page.content(), secret.slice(12));
  const row = page.locator('#tokens-table tr', { hasText: 'Grafana' });
  assert.match((await row.textContent()) ?? '', 'read, metrics');

  await Promise.all([page.waitForLoadState('load'), row.locator('button:has-text("Revoke")').click()]);
  assert.match((await page.textContent('#settings-tokens [role=status]')) ?? '', 'Token "Grafana" revoked.');
  assert.match((await page.locator('#tokens-table tr', { hasText: 'Grafana' }).textContent()) ?? '', 'revoked');
  assert.is(await withToken(secret), 401);

  await page.click('.nav-more summary');
  await Promise.all([page.waitForURL(`${kit.base}/audit`), page.click('.nav-more a[href="/audit"]')]);
  const table = (await page.textContent('#audit-table')) ?? '';
  assert.match(table, 'tokens.revoke');
  assert.match(table, 'tokens.create');
  await shot(page, 'audit-page');
  assert.equal(kit.problems, []);
});

test.run();
