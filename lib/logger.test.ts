/**
 * The structured logger (docs/operations.md "Logs"): JSON lines off a terminal, readable lines on
 * one, LOG_LEVEL, setQuiet, errors to stderr, the request id on lines of that request, secrets
 * replaced at any depth. Lines are captured through `configureLogging({ write })`.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { configureLogging, logger, setQuiet } from './logger.ts';
import { outsideRequest, withRequestId } from './log-context.ts';

let lines: Array<{ line: string; stream: 'out' | 'err' }> = [];
const capture = (pretty = false, level: 'debug' | 'info' | 'warn' = 'info') => {
  lines = [];
  setQuiet(false);
  configureLogging({ pretty, level, write: (line, stream) => void lines.push({ line, stream }) });
};
const parsed = () => lines.map((l) => JSON.parse(l.line));
const log = logger('unit');

test('off a terminal: one JSON object per line with level, ISO time, scope and message; errors on stderr', () => {
  capture();
  log.info('started', { clients: 3 });
  log.error('failed', new Error('disk full'));
  assert.is(lines.length, 2);
  assert.ok(lines.every((l) => l.line.endsWith('\n') && l.line.indexOf('\n') === l.line.length - 1));
  const [a, b] = parsed();
  assert.equal([a.level, a.scope, a.msg, a.data], ['info', 'unit', 'started', { clients: 3 }]);
  assert.match(a.time, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  assert.equal([b.level, b.err.type, b.err.message], ['error', 'Error', 'disk full']);
  assert.equal(lines.map((l) => l.stream), ['out', 'err']);
});

test('on a terminal: readable lines, not JSON', () => {
  capture(true);
  withRequestId('req-7', () => log.warn('broker down', { retryInSeconds: 5 }));
  assert.is(lines.length, 1);
  const line = lines[0].line;
  assert.not.ok(line.startsWith('{'));
  assert.match(line, /^\S+Z .*WARN.* \[unit\] broker down \{"retryInSeconds":5\} \(req req-7\)\n$/);
});

test('LOG_LEVEL: lines below it are not written; debug appears at debug', () => {
  capture(false, 'warn');
  log.info('hidden');
  log.debug('hidden too');
  log.warn('shown');
  assert.equal(parsed().map((o) => o.msg), ['shown']);
  capture(false, 'debug');
  log.debug('now shown');
  assert.equal(parsed().map((o) => [o.level, o.msg]), [['debug', 'now shown']]);
});

test('setQuiet silences info and warn, never errors', () => {
  capture();
  setQuiet(true);
  log.info('quiet');
  log.warn('quiet');
  log.error('loud');
  setQuiet(false);
  assert.equal(parsed().map((o) => o.msg), ['loud']);
});

test('the request id is on every line logged inside the request, also after an await; not outside', async () => {
  capture();
  await withRequestId('abc-123', async () => {
    log.info('one');
    await new Promise((r) => setTimeout(r, 1));
    logger('other-module').warn('two');
  });
  log.info('three');
  assert.equal(parsed().map((o) => [o.msg, o.reqId]), [['one', 'abc-123'], ['two', 'abc-123'], ['three', undefined]]);
});

test('outsideRequest: a background timer armed during a request does not carry its id', async () => {
  capture();
  await withRequestId('r-9', () => new Promise<void>((done) => outsideRequest(() => setTimeout(() => (log.info('loop'), done()), 1))));
  assert.equal(parsed().map((o) => [o.msg, o.reqId]), [['loop', undefined]]);
});

test('secrets under secret-looking keys at any depth, and in text, are replaced', () => {
  capture();
  log.warn('login for x with Authorization: Bearer tok3n-AAA and cookie sid=S3SSION', {
    password: 'pw-111', nested: { deeper: { apiToken: 'tok-222', smtpUrl: 'smtp://u:pw-333@h' } }, list: [{ secret: 'sec-444' }], url: 'https://user:pw-555@example.org/x',
  });
  log.error('failed', new Error('connect to https://admin:pw-666@db.example failed'));
  const all = lines.map((l) => l.line).join('');
  for (const s of ['tok3n-AAA', 'S3SSION', 'pw-111', 'tok-222', 'pw-333', 'sec-444', 'pw-555', 'pw-666']) assert.not.match(all, s, s);
  assert.match(all, '[redacted]');
  assert.match(all, 'example.org/x', 'the rest of a URL stays readable');
});

test.after(() => configureLogging({ level: 'info', pretty: false, write: (line, s) => void (s === 'err' ? process.stderr : process.stdout).write(line) }));
test.run();
