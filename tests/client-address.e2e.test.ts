/**
 * The real entry point knows where a request came from: Node's socket reaches Hono's conninfo
 * (routes/middleware/client-address.ts), which the login limits and METRICS_ALLOW_FROM rely on. A
 * listener wrapper that dropped it once made every address 'unknown': /metrics refused loopback.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { tempDir, type TempDir } from '../testing/helpers.ts';
import { killServers, serverEnv, startServer } from '../testing/server-process.ts';

let dir: TempDir | null = null;
test.after(() => {
  killServers();
  dir?.remove();
});

test('a scrape from loopback passes METRICS_ALLOW_FROM; the same server refuses one that is not allowed', async () => {
  dir = tempDir('infoscreen-address-');
  const server = startServer(serverEnv(dir.dir, { METRICS_ALLOW_FROM: '127.0.0.1/8' }));
  const url = await server.waitFor(/listening on (http:\/\/\S+)/, 60_000);
  const res = await fetch(`${url.replace('localhost', '127.0.0.1')}/metrics`);
  const body = await res.text();
  assert.is(res.status, 200, body);
  assert.match(body, /infoscreen_build_info/);
  server.child.kill('SIGTERM');
  await server.exited;

  const other = startServer(serverEnv(dir.dir, { METRICS_ALLOW_FROM: '192.0.2.0/24' }));
  const url2 = await other.waitFor(/listening on (http:\/\/\S+)/, 60_000);
  assert.is((await fetch(`${url2.replace('localhost', '127.0.0.1')}/metrics`)).status, 401);
  other.child.kill('SIGTERM');
  await other.exited;
});

test.run();
