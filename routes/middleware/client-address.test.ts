/** Which address a login counts against: the socket's, Deno's remoteAddr, or the proxy's own X-Forwarded-For entry. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Hono } from 'hono';
import { clientAddress } from './client-address.ts';

const app = (trust: boolean) => new Hono().get('/', (c) => c.text(clientAddress(c, trust)));
const ask = async (trust: boolean, headers: Record<string, string>, env?: unknown) => (await app(trust).request('/', { headers }, env)).text();

test('Node socket address; Deno remoteAddr; unknown in-process', async () => {
  assert.is(await ask(false, {}, { incoming: { socket: { remoteAddress: '10.0.0.5' } } }), '10.0.0.5');
  assert.is(await ask(false, {}, { remoteAddr: { hostname: '10.0.0.6', port: 1, transport: 'tcp' } }), '10.0.0.6');
  assert.is(await ask(false, {}), 'unknown');
});

test('X-Forwarded-For only with TRUST_PROXY, and then its last entry (the one the proxy appended)', async () => {
  const env = { incoming: { socket: { remoteAddress: '127.0.0.1' } } };
  assert.is(await ask(false, { 'x-forwarded-for': '1.2.3.4' }, env), '127.0.0.1', 'a client cannot pick its address');
  assert.is(await ask(true, { 'x-forwarded-for': 'forged-by-client, 203.0.113.9' }, env), '203.0.113.9');
});

test.run();
