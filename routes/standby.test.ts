/** A standby's HTTP answers (routes/standby.ts) through app.request(): health says standby, the rest 503 in the reader's language. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { standbyApp } from './standby.ts';

const app = standbyApp(() => ({ holder: 'x', host: 'alpha', pid: 7, startedAt: 's', renewedAt: 'r', epoch: 3 }));

test('/health and /health/ready: 503, status standby, naming the holder; /health/live: 200', async () => {
  for (const path of ['/health', '/health/ready']) {
    const res = await app.request(path);
    assert.is(res.status, 503);
    const body = await res.json();
    assert.is(body.status, 'standby');
    assert.equal(body.holder, { host: 'alpha', pid: 7, startedAt: 's', renewedAt: 'r', epoch: 3 });
  }
  assert.is((await app.request('/health/live')).status, 200);
});

test('every other path: 503 with Retry-After, in English or German', async () => {
  const en = await app.request('/clients');
  assert.is(en.status, 503);
  assert.is(en.headers.get('Retry-After'), '5');
  assert.match(await en.text(), /standby of alpha/);
  const de = await app.request('/', { headers: { 'Accept-Language': 'de-DE' } });
  assert.match(await de.text(), /Bereitschaftsserver von alpha/);
});

test.run();
