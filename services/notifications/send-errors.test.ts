import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { readSendError, sendError } from './send-errors.ts';

test('every stored sentence reads back as its code and parameters; foreign text stays unread', () => {
  assert.equal(readSendError(sendError('http_answer', { host: 'hooks.example', status: 500, answer: 'oops: down' })), { code: 'http_answer', params: { host: 'hooks.example', status: '500', answer: 'oops: down' } });
  assert.equal(readSendError(sendError('http', { host: 'hooks.example', status: 404 })), { code: 'http', params: { host: 'hooks.example', status: '404' } });
  assert.equal(readSendError(sendError('smtp_unconfigured')), { code: 'smtp_unconfigured', params: {} });
  assert.equal(readSendError(sendError('smtp', { detail: 'Invalid login' })), { code: 'smtp', params: { detail: 'Invalid login' } });
  assert.equal(readSendError(sendError('timeout', { host: 'h', seconds: 10 })), { code: 'timeout', params: { host: 'h', seconds: '10' } });
  assert.equal(readSendError(sendError('refused', { host: 'h:8080' }))?.code, 'refused');
  assert.equal(readSendError(sendError('reset', { host: 'h' }))?.code, 'reset');
  assert.is(readSendError('something else entirely'), null);
  assert.is(readSendError(null), null);
});

test.run();
