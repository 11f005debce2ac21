/**
 * Start-up refusals, with the real entry point in a child process: each wrong setting ends the
 * process within seconds with exit code 2 and one line on stderr naming the key, no stack trace,
 * and nothing created where nobody asked. A second server on the same database is refused while
 * the first runs, and a killed server's database can be used again at once.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { tempDir, type TempDir } from '../testing/helpers.ts';
import { killServers, serverEnv, startServer } from '../testing/server-process.ts';

const dirs: TempDir[] = [];
test.after(() => {
  killServers();
  dirs.forEach((d) => d.remove());
});

function base(extra: Record<string, string> = {}): Record<string, string> {
  const t = tempDir('infoscreen-startup-');
  dirs.push(t);
  return serverEnv(t.dir, extra);
}

/** Expects the start refused with one line naming `key` and `why`; answers that line. */
async function refused(env: Record<string, string>, key: string, why: RegExp): Promise<string> {
  const p = startServer(env);
  const t0 = Date.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const code = await Promise.race([p.exited.then((e) => e.code), new Promise<'hang'>((r) => (timer = setTimeout(() => r('hang'), 20_000)))]);
  clearTimeout(timer); // a pending 20 s timer would keep the test process alive
  assert.is(code, 2, `${key}: exit ${code}; stderr: ${p.err()}`);
  assert.ok(Date.now() - t0 < 20_000);
  const lines = p.err().trim().split('\n');
  assert.is(lines.length, 1, p.err());
  assert.match(lines[0], new RegExp(`\\b${key}\\b`));
  assert.match(lines[0], why);
  assert.not.match(p.err(), /\n\s+at /);
  assert.not.match(p.out(), /listening/);
  return lines[0];
}

const busyPort = () =>
  new Promise<{ server: Server; port: number }>((r) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => r({ server, port: (server.address() as { port: number }).port }));
  });

test('HTTP port in use', async () => {
  const { server, port } = await busyPort();
  await refused(base({ PORT: String(port) }), 'PORT', /already in use/);
  server.close();
});

test('MQTT port in use: the line says what usually holds it (Debian\'s mosquitto service) and how to move', async () => {
  const { server, port } = await busyPort();
  const line = await refused(base({ MQTT_EMBEDDED_PORT: String(port) }), 'MQTT_EMBEDDED_PORT', /already in use/);
  assert.match(line, new RegExp(`port ${port} `));
  assert.match(line, /mosquitto/);
  assert.match(line, /systemctl disable --now mosquitto/);
  assert.match(line, /set MQTT_EMBEDDED_PORT/);
  server.close();
});

test('DATA_DIR under /proc, and DATA_DIR that is a file', async () => {
  await refused(base({ DATA_DIR: '/proc/infoscreen-data' }), 'DATA_DIR', /system folder/);
  const env = base();
  const file = join(env.DATA_DIR, 'a-file');
  writeFileSync(file, 'x');
  await refused({ ...env, DATA_DIR: file }, 'DATA_DIR', /not a folder/);
});

test('DATABASE_URL: bad scheme, unreachable server, a folder that does not exist (not created)', async () => {
  await refused(base({ DATABASE_URL: 'postgres://db/infoscreen' }), 'DATABASE_URL', /not a libSQL URL/);
  await refused(base({ DATABASE_URL: 'http://127.0.0.1:1' }), 'DATABASE_URL', /cannot reach/);
  const missing = `/nonexistent-${process.pid}/deep/x.db`;
  await refused(base({ DATABASE_URL: `file:${missing}` }), 'DATABASE_URL', /does not exist/);
  assert.not.ok(existsSync(`/nonexistent-${process.pid}`), 'no folder created at the root');
});

test('bad HOST, missing TLS files, short superadmin password', async () => {
  await refused(base({ HOST: 'not a host!' }), 'HOST', /not an IP address or host name/);
  await refused(base({ HOST: '203.0.113.77' }), 'HOST', /cannot listen/);
  // Both files missing: the one line names both, so one fix makes the next start work.
  const tls = await refused(base({ MQTT_EMBEDDED_TLS_PORT: '0', MQTT_EMBEDDED_TLS_CERT: '/nonexistent/cert.pem', MQTT_EMBEDDED_TLS_KEY: '/nonexistent/key.pem' }), 'MQTT_EMBEDDED_TLS_CERT', /does not exist/);
  assert.match(tls, /\/nonexistent\/cert\.pem/);
  assert.match(tls, /\bMQTT_EMBEDDED_TLS_KEY\b.*\/nonexistent\/key\.pem/);
  await refused(base({ DEFAULT_SUPERADMIN_PASSWORD: 'short' }), 'DEFAULT_SUPERADMIN_PASSWORD', /at least 8/);
});

test('a second instance on the same database is refused; after kill -9 the database is free again at once', async () => {
  const env = base({ MQTT_ALLOW_ANONYMOUS: 'true' });
  mkdirSync(env.DATA_DIR, { recursive: true });
  const first = startServer(env);
  // The note follows the banner: wait for both (a pipe may deliver them in separate chunks).
  await first.waitFor(/listening[\s\S]*A new, empty database was created/);
  await refused(env, 'DATABASE_URL', new RegExp(`another infoscreen-server .*pid ${first.child.pid}`));
  first.child.kill('SIGKILL');
  await first.exited;
  const again = startServer(env); // after kill -9
  await again.waitFor(/listening/);
  assert.not.match(again.out(), /A new, empty database/, 'the existing database is not announced as new');
  again.child.kill('SIGTERM');
  assert.is((await again.exited).code, 0);
  const third = startServer(env); // a clean shutdown released the lease
  await third.waitFor(/listening/);
  third.child.kill('SIGTERM');
  await third.exited;
});

test.run();
