/**
 * Bulk runs tell what their commands did (docs/commands.md "Bulk actions"), over the API and on the
 * dashboard, before and after a restart: state, counts, badge and bar colours match the commands;
 * a finished or stopped run keeps its counts and stop reason across a restart, only a run still
 * issuing becomes interrupted; stop reasons are codes, rendered in the reader's language.
 * Real registry and BulkRuns on a simulated clock; a "restart" is a second app with a fresh,
 * empty BulkRuns over the same database.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createApp } from '../app.ts';
import { BulkRuns } from '../actors/bulk-runs.ts';
import { fixture, json, type Fixture } from '../testing/route-fixture.ts';
import { get } from '../testing/admin-pages.ts';

const uuid = (i: number) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;

let f: Fixture;
let admin: string;
test.before(async () => {
  f = await fixture();
  for (let i = 1; i <= 6; i++) f.fleet.put({ uuid: uuid(i), groupId: 3, status: 'offline' });
  f.fleet.put({ uuid: uuid(9), groupId: 4, status: 'offline' });
  admin = await f.login('admin');
});
test.after(async () => {
  await f.close();
});

const call = async (app: Fixture['app'], method: string, path: string, body?: unknown) => {
  const res = await app.request(path, json(method, body, admin));
  return { status: res.status, body: await res.json() };
};
const flush = () => new Promise((r) => setTimeout(r, 0));
const ack = (u: string, commandId: string, status: 'completed' | 'failed') =>
  f.commands.ack(u, { commandId, status, errorCode: status === 'failed' ? 'execution_failed' : null, errorMessage: null }, f.commandClock.now());

/** The server restarted: a new app whose BulkRuns holds nothing, over the same database. */
function restarted() {
  const bulkRuns = new BulkRuns({ commands: f.commands, bus: f.bus, now: () => f.commandClock.now(), persist: (s) => f.writer.enqueue(s) });
  const app = createApp({
    config: f.config, db: f.db, writer: f.writer, fleet: f.fleet, screenshots: f.screenshots, bus: f.bus, commands: f.commands, bulkRuns,
    brokerStatus: () => ({ connected: true }), now: () => f.clock.t,
  });
  return { app, close: () => bulkRuns.stop() };
}

const badge = (html: string) => /<span class="badge ([^"]+)" data-state="([^"]+)">.*?<\/span>([^<]*)<\/span>/.exec(html)?.slice(1, 4);
const bar = (html: string) => Object.fromEntries([...html.matchAll(/data-seg="(\w+)" x="\d+" width="(\d+)"/g)].map((m) => [m[1], Number(m[2])]));

let timedOutRun = '';

test('a run whose only command timed out: finished with failures (red), its header names the timeout, the bar is red', async () => {
  const r = await call(f.app, 'POST', '/api/groups/4/restart', { reason: 'dark' });
  assert.is(r.status, 202);
  timedOutRun = r.body.run.id;
  f.commandClock.increment(60_000); // no acknowledgement: timed out
  await flush();
  const run = (await call(f.app, 'GET', `/api/bulk-runs/${timedOutRun}`)).body.run;
  assert.equal([run.status, run.outcome, run.aborted, run.counts.timedOut, run.counts.failed], ['done', 'failed', false, 1, 0]);

  const html = await (await get(f.app, `/bulk-runs/${timedOutRun}`, admin)).text();
  assert.equal(badge(html), ['s-critical', 'failed', 'finished with failures']);
  assert.match(html, /1 of 1 finished · <span class="bulk-failed" data-failures="timedOut">Timed out: 1<\/span>/);
  assert.not.match(html, /data-failures="failed"/, 'no "failed" where nothing failed');
  assert.equal(bar(html), { completed: 0, failures: 1, notRun: 0 });
  const list = await (await get(f.app, '/bulk-runs', admin)).text();
  assert.equal(badge(list.slice(list.indexOf(`id="run-${timedOutRun}"`))), ['s-critical', 'failed', 'finished with failures']);
});

test('a run where every command completed is the only green one; the bar is all green', async () => {
  const r = await call(f.app, 'POST', '/api/groups/3/restart', { reason: 'ok run', uuids: [uuid(1), uuid(2)] });
  for (const c of r.body.commands) ack(c.clientUuid, c.commandId, 'completed');
  await flush();
  const html = await (await get(f.app, `/bulk-runs/${r.body.run.id}`, admin)).text();
  assert.equal(badge(html), ['s-healthy', 'completed', 'completed']);
  assert.equal(bar(html), { completed: 2, failures: 0, notRun: 0 });
  assert.not.match(html, /bulk-failed/);
});

test('after a restart: a run stopped by the 5 % rule keeps its state, skipped count and stop reason (German on German pages); a run still issuing is interrupted', async () => {
  const uuids = Array.from({ length: 6 }, (_, i) => uuid(i + 1));
  const stopped = await call(f.app, 'POST', '/api/groups/3/restart', { reason: 'rollout', uuids, action: 'restart_app' });
  const [c0, ...rest] = stopped.body.commands;
  ack(c0.clientUuid, c0.commandId, 'failed');
  await flush();
  for (const c of rest) ack(c.clientUuid, c.commandId, 'completed');
  await flush();
  const before = (await call(f.app, 'GET', `/api/bulk-runs/${stopped.body.run.id}`)).body.run;
  assert.equal([before.status, before.outcome, before.counts.skipped, before.abortCode], ['done', 'stopped', 1, 'failure_ratio']);
  assert.is(before.abortReason, '1 of 1 finished commands failed or timed out (100 % > 5 %): stopped issuing; 1 client(s) not issued');
  assert.equal(before.abortDetails, { failed: 1, finished: 1, percent: 100, limit: 5, notIssued: 1 });

  // A second run, still issuing (5 in flight of 6) when the server stops.
  f.commandClock.increment(1000);
  const issuing = await call(f.app, 'POST', '/api/groups/3/restart', { reason: 'second', uuids, action: 'restart_app' });
  assert.is(issuing.body.commands.length, 5);

  const after = restarted();
  try {
    const again = (await call(after.app, 'GET', `/api/bulk-runs/${stopped.body.run.id}`)).body.run;
    assert.equal(again, before, 'the stopped run reads exactly as before the restart');
    const timedOut = (await call(after.app, 'GET', `/api/bulk-runs/${timedOutRun}`)).body.run;
    assert.equal([timedOut.status, timedOut.outcome], ['done', 'failed']);
    const cut = (await call(after.app, 'GET', `/api/bulk-runs/${issuing.body.run.id}`)).body.run;
    assert.equal([cut.status, cut.outcome, cut.abortCode, cut.counts.issued, cut.counts.skipped], ['interrupted', 'interrupted', 'server_restart', 5, 1]);
    assert.match(cut.abortReason, /server restarted/);

    const de = { 'accept-language': 'de' };
    const stoppedDe = await (await get(after.app, `/bulk-runs/${stopped.body.run.id}`, admin, de)).text();
    assert.equal(badge(stoppedDe), ['s-critical', 'stopped', 'gestoppt']);
    assert.match(stoppedDe, /Gestoppt: 1 von 1 beendeten Befehlen sind fehlgeschlagen oder blieben ohne Antwort \(100 % &gt; 5 %\)/);
    assert.match(stoppedDe, /data-count="skipped"><span class="muted">Nicht gesendet<\/span> <strong>1<\/strong>/);
    assert.not.match(stoppedDe, /failed or timed out/);
    const cutDe = await (await get(after.app, `/bulk-runs/${issuing.body.run.id}`, admin, de)).text();
    assert.equal(badge(cutDe), ['s-critical', 'interrupted', 'unterbrochen']);
    assert.match(cutDe, /der Server wurde während dieser Aktion neu gestartet/);
    assert.not.match(cutDe, /server restarted/);
    assert.not.match(cutDe, /\/live\/bulk-runs\/|Aktion abbrechen/, 'not held: no live stream of the run (the toasts stream is every page\'s), no abort');
    const list = (await call(after.app, 'GET', '/api/bulk-runs')).body.runs.map((r: { id: string }) => r.id);
    assert.is(list[0], issuing.body.run.id, 'saved runs are listed after a restart, newest first');
    assert.ok(list.includes(stopped.body.run.id) && list.includes(timedOutRun));
  } finally {
    after.close();
  }
});

test('an operator abort is stored as a code: English in the API, German on German pages', async () => {
  const r = await call(f.app, 'POST', '/api/groups/3/restart', { reason: 'third', uuids: Array.from({ length: 6 }, (_, i) => uuid(i + 1)), action: 'restart_app' });
  const ab = await call(f.app, 'POST', `/api/bulk-runs/${r.body.run.id}/abort`, { reason: 'falsche Gruppe' });
  assert.equal([ab.body.run.abortCode, ab.body.run.abortReason, ab.body.run.abortDetails], ['operator', 'aborted by admin: falsche Gruppe', { by: 'admin', note: 'falsche Gruppe' }]);
  const de = await (await get(f.app, `/bulk-runs/${r.body.run.id}`, admin, { 'accept-language': 'de' })).text();
  assert.match(de, /Gestoppt: abgebrochen von admin: falsche Gruppe/);
  assert.equal(badge(de), ['s-critical', 'stopping', 'wird gestoppt']);
});

test.run();
