/**
 * The header at 1280 px (issue 15 item 11i): the superadmin's menu entries fit one line, in
 * English and in German (the longer words), on the overview and on a page of the "More" group;
 * the less used entries sit behind "More" and open from there. Headless Chromium against the real
 * runtime; screenshots in test-artifacts/.
 */
import { test as uvuTest } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'playwright-core';
import { BrowserKit, browserTests, DESKTOP, shot } from '../testing/browser-kit.ts';

const test = browserTests(uvuTest);
const kit = new BrowserKit({ name: 'header browser test', prefix: 'infoscreen-browser-header-', locale: 'de-AT' });

test.before(async () => {
  await kit.start();
});
test.after(async () => {
  await kit.close();
});

/** How far apart the vertical centres of the header's items are (0: all on one line), and the header's height. */
const headerLines = (page: Page) =>
  page.evaluate(() => {
    const items = [...document.querySelectorAll('.topbar .brand, .topbar .nav > a, .topbar .nav > details > summary, .topbar > .menu > summary')];
    const centres = items.filter((e) => (e as HTMLElement).offsetParent !== null).map((e) => {
      const r = e.getBoundingClientRect();
      return r.top + r.height / 2;
    });
    return { spread: Math.max(...centres) - Math.min(...centres), height: document.querySelector('.topbar')!.getBoundingClientRect().height, count: centres.length };
  });

test('superadmin at 1280 px: one header line in German and English; the rest behind "More"', async () => {
  for (const locale of ['de-AT', 'en-GB'] as const) {
    const page = kit.watch(await kit.browser.newPage({ viewport: DESKTOP, locale }));
    await kit.login(page, '/');
    for (const path of ['/', '/users']) {
      await page.goto(`${kit.base}${path}`);
      const h = await headerLines(page);
      assert.ok(h.count >= 9, `${locale} ${path}: the header's items are there (${h.count})`);
      assert.ok(h.spread <= 4, `${locale} ${path}: one line (centres ${h.spread.toFixed(1)} px apart, header ${h.height} px)`);
      assert.ok(h.height < 64, `${locale} ${path}: header ${h.height} px high`);
    }
    await shot(page, `header-1280-${locale}`);
    // The grouped entries open from "More" and lead to their pages.
    assert.not.ok(await page.isVisible('.nav a[href="/holidays"]'));
    await page.click('.nav-more > summary');
    assert.ok(await page.isVisible('.nav a[href="/holidays"]'));
    assert.ok(await page.isVisible('.nav a[href="/inspector"]'));
    await Promise.all([page.waitForURL(/\/holidays$/), page.click('.nav a[href="/holidays"]')]);
    await page.close();
  }
  assert.equal(kit.problems, []);
});

test.run();
