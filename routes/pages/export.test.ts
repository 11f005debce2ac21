import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { insertLogStatement } from '../../db/logs.ts';
import { fixture, UUID_A, UUID_B, type Fixture } from '../../testing/route-fixture.ts';
import { csvField } from './export.ts';

let f: Fixture;
let admin: string;
let user: string;

test.before(async () => {
  f = await fixture();
  admin = await f.login('admin');
  user = await f.login('user');
  const t = f.clock.t;
  await f.db.execute({ sql: 'INSERT INTO groups (id, name, created_at, updated_at) VALUES (5, ?, ?, ?)', args: ['Aula', '2026-03-02T10:00:00Z', '2026-03-02T10:00:00Z'] });
  f.fleet.put({ uuid: UUID_A, hostname: '=HYPERLINK("http://evil")', ip: '10.0.0.1', status: 'critical', statusReasons: ['process_crashed', 'recent_errors'], lastAlive: t - 1000 }, t);
  f.fleet.put({ uuid: UUID_B, description: 'Aula, links "vorne"', groupId: 5, status: 'healthy', lastAlive: t - 2000 }, t);
  await f.writer.write(
    insertLogStatement(UUID_A, { level: 'ERROR', timestamp: t - 60_000, message: '@SUM(1+1) player died', context: null }, t),
    insertLogStatement(UUID_A, { level: 'WARN', timestamp: t - 50_000, message: 'slow', context: null }, t),
    insertLogStatement(UUID_A, { level: 'ERROR', timestamp: t - 30 * 3_600_000, message: 'old', context: null }, t),
  );
});
test.after(async () => {
  await f.close();
});

const get = (path: string, cookie?: string) => f.app.request(path, { headers: cookie ? { cookie } : {} });

test('csvField: quotes what needs quoting, defuses spreadsheet formulas', () => {
  assert.is(csvField('plain'), 'plain');
  assert.is(csvField(null), '');
  assert.is(csvField(42), '42');
  assert.is(csvField(-3), '-3', 'numbers are not formulas');
  assert.is(csvField('a,b'), '"a,b"');
  assert.is(csvField('say "hi"'), '"say ""hi"""');
  assert.is(csvField('=1+1'), "'=1+1");
  assert.is(csvField('+1'), "'+1");
  assert.is(csvField('@x,y'), `"'@x,y"`);
  assert.is(csvField(['a', 'b']), 'a b');
});

test('CSV export: admin only, one row per client, counts within the window, formulas defused', async () => {
  assert.is((await get('/api/monitoring/export')).status, 401);
  const forbidden = await get('/api/monitoring/export', user);
  assert.is(forbidden.status, 403);
  assert.equal(await forbidden.json(), { error: 'requires role admin' });

  const res = await get('/api/monitoring/export?format=csv', admin);
  assert.is(res.status, 200);
  assert.match(res.headers.get('content-type') ?? '', /^text\/csv; charset=utf-8/);
  assert.match(res.headers.get('content-disposition') ?? '', /^attachment; filename="monitoring-20260302-1000\.csv"$/);
  const bytes = new Uint8Array(await res.arrayBuffer());
  assert.equal([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
  const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes.slice(3));
  assert.ok(text.startsWith('uuid,name,description,hostname,ip,groupId,groupName,status,statusReasons,'));
  const lines = text.trimEnd().split('\r\n');
  assert.is(lines.length, 3);
  const a = lines.find((l) => l.startsWith(UUID_A))!;
  assert.match(a, /,"'=HYPERLINK\(""http:\/\/evil""\)",/);
  assert.match(a, /,critical,process_crashed recent_errors,2026-03-02T09:59:59\.000Z,/);
  assert.match(a, /,1,1,'@SUM\(1\+1\) player died,/, '1 ERROR and 1 WARN within 24 h (the 30 h old error is outside)');
});

test('JSON export: summary and clients; hours widens the window; bad values answer 400', async () => {
  const res = await get('/api/monitoring/export?format=json&hours=48', admin);
  assert.is(res.status, 200);
  assert.match(res.headers.get('content-disposition') ?? '', /\.json"$/);
  const body = await res.json();
  assert.is(body.generatedAt, '2026-03-02T10:00:00.000Z');
  assert.is(body.hours, 48);
  assert.is(body.summary.total, 2);
  const a = body.clients.find((c: { uuid: string }) => c.uuid === UUID_A);
  assert.is(a.errorCount, 2, 'the 30 h old error is inside 48 h');
  const b = body.clients.find((c: { uuid: string }) => c.uuid === UUID_B);
  assert.is(b.groupName, 'Aula');
  assert.is(b.name, 'Aula, links "vorne"');
  for (const q of ['format=xml', 'hours=0', 'hours=abc', `hours=${90 * 24 + 1}`]) {
    const bad = await get(`/api/monitoring/export?${q}`, admin);
    assert.is(bad.status, 400, q);
    assert.match((await bad.json()).error, /^invalid (format|hours)$/);
  }
});

test.run();
