/**
 * Smoke test of `npm run demo`: the real script in a child process, on free
 * ports and a temp data dir. It prints the URL and login; the simulated screens show up in
 * /api/clients in their groups and rooms and report over their own device accounts; Ctrl-C
 * (SIGINT) stops it cleanly with exit code 0. Plus the plan itself: 5 groups, every profile.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoPlan, profileCounts, DEMO_GROUPS } from './demo-fleet.ts';

const CLIENTS = 10;
let child: ChildProcess | null = null;
let dir = '';
let out = '';

test.after(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('the plan: ~50 screens, 5 groups, every behaviour, mostly healthy, same seed same uuids', () => {
  const plan = demoPlan(50, 7);
  assert.is(plan.length, 50);
  assert.is(new Set(plan.map((c) => c.uuid)).size, 50);
  assert.equal([...new Set(plan.map((c) => c.group))], [0, 1, 2, 3, 4]);
  assert.is(DEMO_GROUPS.length, 5);
  const counts = profileCounts(plan);
  assert.equal(Object.keys(counts).sort(), ['black_screen', 'crashing', 'flaky', 'healthy', 'service_failed']);
  assert.is(counts.healthy, 35);
  assert.equal(demoPlan(50, 7), plan);
  assert.is.not(demoPlan(50, 8)[0]!.uuid, plan[0]!.uuid);
  assert.is(plan[10]!.room, 'Raum 0.01');
});

test('npm run demo: starts, prints URL and login, screens report, Ctrl-C stops it cleanly', async () => {
  dir = mkdtempSync(join(tmpdir(), 'infoscreen-demo-'));
  const script = new URL('./demo.ts', import.meta.url).pathname;
  child = spawn(process.execPath, ['--import', 'tsx', script, '--port', '0', '--mqtt-port', '0', '--data-dir', dir, '--clients', String(CLIENTS), '--speed', '5'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));

  const deadline = Date.now() + 30_000;
  let url = '';
  while (!url && Date.now() < deadline) {
    url = /dashboard: (http:\/\/\S+?)\/\s/.exec(out)?.[1] ?? '';
    if (child.exitCode !== null) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(url, `no dashboard URL printed:\n${out}`);
  assert.match(out, /login:\s+superadmin \/ infoscreen-demo/);
  assert.match(out, new RegExp(`${CLIENTS} simulated screens in 5 groups`));

  const login = await fetch(`${url}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username: 'superadmin', password: 'infoscreen-demo' }),
  });
  assert.is(login.status, 200);
  const cookie = /sid=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
  type C = { uuid: string; description: string | null; groupId: number | null; connectivity: string; lastAlive: string | null };
  let list: C[] = [];
  while (Date.now() < deadline) {
    list = await (await fetch(`${url}/api/clients`, { headers: { cookie } })).json();
    if (list.length === CLIENTS && list.filter((c) => c.lastAlive !== null).length >= CLIENTS - 2) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  assert.is(list.length, CLIENTS);
  assert.ok(list.filter((c) => c.lastAlive !== null).length >= CLIENTS - 2, 'the screens report over MQTT');
  assert.ok(list.every((c) => c.groupId !== null && c.description), 'every screen has a group and a room');
  assert.is(new Set(list.map((c) => c.groupId)).size, 5);
  // Every group has its school-day schedule (created through the same domain as the API).
  const events: { groupId: number; recurrenceRule: string | null }[] = await (await fetch(`${url}/api/events`, { headers: { cookie } })).json();
  assert.equal([...new Set(events.map((e) => e.groupId))].sort(), [...new Set(list.map((c) => c.groupId!))].sort());
  assert.ok(events.every((e) => /FREQ=WEEKLY/.test(e.recurrenceRule ?? '')), JSON.stringify(events));

  child.kill('SIGINT');
  const code = await Promise.race([exited, new Promise((r) => setTimeout(() => r('timeout'), 10_000).unref())]);
  assert.is(code, 0, `exit: ${String(code)}\n${out}`);
  assert.match(out, /demo stopped/);
});

test.run();
