/**
 * A dashboard form while the database refuses writes (docs/reliability.md "Storage faults"): the
 * htmx form gets 503, which the htmx config does not swap, so app.js shows the server's notice as a
 * toast, in the page's language; nothing is stored. The fault is real: `PRAGMA query_only=1` on the
 * runtime's own libSQL connection (SQLite answers SQLITE_READONLY).
 */
import { test as uvuTest } from 'uvu';
import * as assert from 'uvu/assert';
import { waitFor } from '../testing/helpers.ts';
import { BrowserKit, browserTests } from '../testing/browser-kit.ts';

const test = browserTests(uvuTest);
const kit = new BrowserKit({ name: 'store fault browser test', prefix: 'infoscreen-browser-store-', locale: 'de-AT' });

test.before(async () => {
  await kit.start();
});
test.after(() => kit.close());

test('creating a group while the store fails: 503 toast (German), no group stored; after recovery it works', async () => {
  const page = await kit.newPage();
  await kit.login(page, '/groups');
  const rt = kit.h.rt;
  for (const c of [rt.db, rt.writerDb]) await c.execute('PRAGMA query_only=1'); // the writer's connection too (its own thread)
  rt.writer.enqueue({ sql: 'UPDATE settings SET value = value WHERE 0' }); // any write: the next flush finds the failure
  await waitFor(() => rt.writer.failing, 'the writer to see the failing store');
  await page.fill('#g-new-name', 'Aula');
  await page.click('.group-new button[type=submit]');
  const toast = page.locator('#toasts .toast-store');
  await toast.waitFor({ timeout: 5000 });
  assert.match(await toast.textContent() ?? '', /Datenbank kann gerade keine Änderungen speichern/);
  for (const c of [rt.db, rt.writerDb]) await c.execute('PRAGMA query_only=0'); // the writer's connection too (its own thread)
  await waitFor(() => !rt.writer.failing, 'the store back', 10_000);
  assert.is((await rt.db.execute("SELECT COUNT(*) AS n FROM groups WHERE name = 'Aula'")).rows[0].n, 0);
  await page.click('.group-new button[type=submit]');
  await page.locator('.group-card', { hasText: 'Aula' }).waitFor({ timeout: 5000 });
  assert.equal(kit.problems, []);
});

test.run();
