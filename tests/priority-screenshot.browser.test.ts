/**
 * The priority screenshot on the client page (docs/clients-screens.md "Priority screenshots"),
 * headless Chromium against the real runtime: an `event_start` capture sent over MQTT appears under
 * the latest screenshot while it is active and disappears by itself when its TTL runs out, without
 * a reload; the image URL then serves the latest capture. The TTL is set to its minimum (1 s).
 */
import { test as uvuTest } from 'uvu';
import * as assert from 'uvu/assert';
import type { MqttClient } from 'mqtt';
import { examples, JPEG_B64 } from '../testing/broker-fixtures.ts';
import { topics } from '../broker/topics.ts';
import { device, pub, waitFor } from '../testing/helpers.ts';
import { BrowserKit, browserTests } from '../testing/browser-kit.ts';

const test = browserTests(uvuTest);
const SCREEN = '6a6a6a6a-aaaa-4aaa-8aaa-6a6a6a6a6a6a';
const kit = new BrowserKit({ name: 'priority screenshot browser test', prefix: 'infoscreen-priority-', locale: 'en-GB', env: { PRIORITY_SCREENSHOT_TTL_SECONDS: '1' } });
let dev: MqttClient;

test.before(async () => {
  if (!(await kit.start())) return;
  dev = await device(kit.h.url);
  await pub(dev, topics.discovery, { uuid: SCREEN, hostname: 'pi-prio', ip: '10.0.9.1', software_version: '2.4.1' });
  await waitFor(() => kit.h.rt.fleet.get(SCREEN), 'the client');
});
test.after(async () => {
  await dev?.endAsync();
  await kit.close();
});

test('an event_start capture shows on the client page while active and goes away by itself after the TTL', async () => {
  const page = await kit.newPage();
  await kit.login(page, `/clients/${SCREEN}`);
  const dashboard = { ...examples.dashboard, message: { ...examples.dashboard.message, client_id: SCREEN }, content: { screenshot: { ...examples.dashboard.content.screenshot, data: JPEG_B64 } } };
  await pub(dev, topics.dashboard(SCREEN), dashboard);
  const figure = page.locator(`#client-now img[src^="/screenshots/${SCREEN}/priority"]`);
  // Arrives over the live stream; then leaves at the end of its 1 s TTL with no reload.
  await figure.waitFor({ state: 'attached', timeout: 5000 });
  await figure.waitFor({ state: 'detached', timeout: 5000 });
  assert.is(await page.locator(`#client-now img[src^="/screenshots/${SCREEN}.jpg"]`).count(), 1, 'the latest screenshot stays');
  await page.reload();
  assert.is(await figure.count(), 0, 'a reload after the TTL renders no priority figure either');
  assert.equal(kit.problems, []);
  await page.close();
});

test.run();
