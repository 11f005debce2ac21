/**
 * One device's huge "log lines" can neither fill the disk nor make its log page megabytes long:
 * a stored message and context are capped at LOG_TEXT_MAX_BYTES with a visible marker, rows stored
 * before the cap are capped when read, and a page ends at its byte budget with a working cursor.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Db } from './client.ts';
import type { BatchedWriter } from './writer.ts';
import { memoryDb } from '../testing/db.ts';
import { insertLogStatement, listLogs, LOG_API_PAGE_BYTES, LOG_HTML_PAGE_BYTES, LOG_TEXT_MAX_BYTES } from './logs.ts';
import { logPage } from './log-pages.ts';

const A = '11111111-1111-4111-8111-111111111111';
const B = '22222222-2222-4222-8222-222222222222';
const T = Date.parse('2026-05-01T12:00:00Z');
const MiB = 1024 * 1024;
let db: Db;
let writer: BatchedWriter;

test.before(async () => {
  ({ db, writer } = await memoryDb());
});
test.after(() => db.close());

test('a 1 MiB message and context are stored capped, with a marker naming the original size', async () => {
  await writer.write(insertLogStatement(A, { level: 'ERROR', timestamp: T, message: 'ä'.repeat(MiB / 2), context: { blob: 'x'.repeat(MiB) } }, T));
  const raw = await db.execute('SELECT length(CAST(message AS BLOB)) AS m, length(CAST(context AS BLOB)) AS c FROM client_logs');
  assert.ok(Number(raw.rows[0].m) <= LOG_TEXT_MAX_BYTES + 64, `stored ${raw.rows[0].m} bytes`);
  assert.ok(Number(raw.rows[0].c) < 100);
  const [log] = await listLogs(db, A, { limit: 1 });
  assert.match(log.message, /^ä+… \[truncated, 1048576 bytes\]$/);
  assert.equal(log.context, { truncated: true, bytes: JSON.stringify({ blob: 'x'.repeat(MiB) }).length });
});

test('rows stored before the cap are capped when read (API and page)', async () => {
  await db.execute({
    sql: 'INSERT INTO client_logs (client_uuid, level, timestamp, received_at, message, context) VALUES (?, ?, ?, ?, ?, ?)',
    args: [B, 'INFO', '2026-05-01T11:00:00.000Z', '2026-05-01T11:00:00.000Z', 'y'.repeat(2 * MiB), JSON.stringify({ z: 'z'.repeat(MiB) })],
  });
  const [api] = await listLogs(db, B, { limit: 1 });
  assert.ok(api.message.length < LOG_TEXT_MAX_BYTES + 64);
  assert.match(api.message, /\[truncated, 2097152 bytes\]$/);
  const page = await logPage(db, B, { limit: 50 });
  assert.ok(page.logs[0].message.length < LOG_TEXT_MAX_BYTES + 64);
});

test('pages end at their byte budget, and the cursor walks every row exactly once', async () => {
  const big = 'b'.repeat(LOG_TEXT_MAX_BYTES - 100);
  for (let i = 0; i < 100; i++) writer.enqueue(insertLogStatement(B, { level: 'WARN', timestamp: T + i * 1000, message: `${i} ${big}`, context: null }, T));
  await writer.write();
  const perPage = Math.floor(LOG_HTML_PAGE_BYTES / LOG_TEXT_MAX_BYTES);
  const seen: number[] = [];
  let before: string | undefined;
  let pages = 0;
  for (;;) {
    const p = await logPage(db, B, { level: 'WARN', limit: 500, before });
    pages++;
    const bytes = p.logs.reduce((n, l) => n + l.message.length, 0);
    assert.ok(bytes <= LOG_HTML_PAGE_BYTES, `page ${pages}: ${bytes} bytes`);
    if (p.next) assert.ok(p.logs.length >= perPage - 1, `page ${pages} holds ${p.logs.length} rows`);
    seen.push(...p.logs.map((l) => Number(l.message.split(' ')[0])));
    if (!p.next) break;
    before = p.next;
  }
  assert.equal(seen, Array.from({ length: 100 }, (_, i) => 99 - i));
  assert.ok(pages >= 100 / perPage);
  const api = await listLogs(db, B, { level: 'WARN', limit: 500 });
  assert.ok(api.length < 100 && api.length >= Math.floor(LOG_API_PAGE_BYTES / LOG_TEXT_MAX_BYTES) - 1, `API: ${api.length} rows`);
});

test.run();
