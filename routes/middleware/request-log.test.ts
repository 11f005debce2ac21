/**
 * One id per request (docs/operations.md "Logs"): echoed as X-Request-Id, taken from the request
 * when it is sane, on every line logged while the request is handled (in any module, after awaits,
 * in the error handler), and one request line with method, path without the query, status.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Hono } from 'hono';
import { configureLogging, logger, setQuiet } from '../../lib/logger.ts';
import { requestLog } from './request-log.ts';

const lines: Array<Record<string, unknown>> = [];
const elsewhere = logger('some-module');
const app = new Hono();
app.use(requestLog());
app.onError((err, c) => {
  logger('http').error('failed', err);
  return c.json({ error: 'internal error' }, 500);
});
app.get('/work', async (c) => {
  elsewhere.info('before the await');
  await new Promise((r) => setTimeout(r, 1));
  elsewhere.warn('after the await');
  return c.text('ok');
});
app.get('/boom', () => {
  throw new Error('boom');
});

test.before(() => {
  setQuiet(false);
  configureLogging({ level: 'debug', pretty: false, write: (line) => void lines.push(JSON.parse(line)) });
});
test.after(() => configureLogging({ level: 'info', write: (line, s) => void (s === 'err' ? process.stderr : process.stdout).write(line) }));

test('every line of a request carries its id; the request line has no query string', async () => {
  lines.length = 0;
  const res = await app.request('/work?token=abc');
  const id = res.headers.get('x-request-id')!;
  assert.match(id, /^[0-9a-f-]{36}$/);
  assert.equal(lines.map((l) => [l.scope, l.reqId]), [['some-module', id], ['some-module', id], ['http', id]]);
  assert.match(String(lines[2].msg), /^GET \/work 200 [\d.]+ ms$/);
  assert.is(lines[2].level, 'debug', 'a successful read is logged at debug');
});

test('the error handler\'s line carries the id; a failed request line is info', async () => {
  lines.length = 0;
  const res = await app.request('/boom', { headers: { 'x-request-id': 'from-the-proxy-42' } });
  assert.is(res.status, 500);
  assert.is(res.headers.get('x-request-id'), 'from-the-proxy-42');
  assert.equal(lines.map((l) => [l.level, l.reqId]), [['error', 'from-the-proxy-42'], ['info', 'from-the-proxy-42']]);
});

test('an incoming id with odd characters or over 128 characters is replaced', async () => {
  for (const bad of ['a b', 'x'.repeat(129), '<script>']) {
    const id = (await app.request('/work', { headers: { 'x-request-id': bad } })).headers.get('x-request-id');
    assert.is.not(id, bad);
    assert.match(id ?? '', /^[0-9a-f-]{36}$/);
  }
});

test.run();
