/**
 * Named queries for client logs (docs/clients.md "Logs, screenshots, retention"; docs/http.md client-logs).
 *
 * Two clocks: `timestamp` is the client's (what operators read, what `since` and the summary
 * windows filter on, as in the original API); `received_at` is the server's, used where our own
 * timing matters: retention (a client with a broken clock cannot keep rows forever) and
 * `recentLogLevels` (the actors count logs by arrival time). Writes are statements for the writer.
 */
import * as nodeCrypto from 'node:crypto';
import type { InStatement, Row } from '@libsql/client';
import type { Db } from './client.ts';
import type { LogEntry } from '../domain/ingest.port.ts';
import type { LogLevel } from '../domain/client.types.ts';
import { fromIso } from '../lib/time.ts';

export const LOG_LEVELS: readonly LogLevel[] = ['ERROR', 'WARN', 'INFO', 'DEBUG'];

export interface LogJson {
  id: number;
  timestamp: string; // ISO Z, the client's clock
  level: LogLevel;
  message: string;
  context: unknown; // parsed JSON, or null
}

/** The one writer as its users see it (db/writer.ts BatchedWriter; docs/architecture.md "One writer"). */
export interface Writes {
  /** Fire-and-forget: stored by the next flush. */
  enqueue(...statements: InStatement[]): void;
  /** Resolves once these statements (and all queued before) are stored; StoreUnavailableError while the store fails. */
  write(...statements: InStatement[]): Promise<void>;
  /** The read barrier for rows others queued fire-and-forget; never fails while the store does. */
  settled(): Promise<void>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * One log row's message and context are each stored and shown up to this many UTF-8 bytes: a
 * device sending megabyte "log lines" must not fill the disk or make its log page megabytes long.
 * Longer text keeps its start and ends with a visible marker saying how long it was.
 */
export const LOG_TEXT_MAX_BYTES = 16 * 1024;
/** What one page of logs may weigh, besides its row count (a page always holds at least one row). */
export const LOG_API_PAGE_BYTES = 1024 * 1024;
export const LOG_HTML_PAGE_BYTES = 256 * 1024;

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder();

/** `text` cut to `max` UTF-8 bytes (on a character boundary) with the marker; unchanged when it fits. */
export function capText(text: string, max = LOG_TEXT_MAX_BYTES, fullBytes?: number): string {
  // A UTF-16 code unit is at most 3 UTF-8 bytes: short text fits without encoding it (every log row).
  if (fullBytes === undefined && text.length * 3 <= max) return text;
  const bytes = utf8.encode(text);
  const total = Math.max(fullBytes ?? 0, bytes.length);
  if (total <= max) return text;
  // Room for the marker inside the cap, so a capped text read back is not capped a second time.
  const head = fromUtf8.decode(bytes.subarray(0, max - 64)).replace(/\uFFFD+$/, '');
  return `${head}… [truncated, ${total} bytes]`;
}

/** A context whose JSON is over the cap is replaced by a note of its size. */
function capContext(json: string | null): string | null {
  if (json === null || json.length * 3 <= LOG_TEXT_MAX_BYTES) return json;
  const bytes = utf8.encode(json).length;
  return bytes <= LOG_TEXT_MAX_BYTES ? json : JSON.stringify({ truncated: true, bytes });
}

/** Rows of a page up to `budget` bytes of message and context (at least one row). */
export function withinBytes(logs: LogJson[], budget: number): LogJson[] {
  let used = 0;
  for (let i = 0; i < logs.length; i++) {
    used += logs[i].message.length + (logs[i].context === null ? 0 : JSON.stringify(logs[i].context).length);
    if (used > budget && i > 0) return logs.slice(0, i);
  }
  return logs;
}

/**
 * The columns a log read selects: text capped in SQL already (rows stored before the cap existed
 * may be megabytes), with the stored sizes, so `toLog` can add the marker.
 */
export const logColumns = (t = '') => `${t}id AS id, ${t}timestamp AS timestamp, ${t}level AS level,
  substr(${t}message, 1, ${LOG_TEXT_MAX_BYTES}) AS message, length(CAST(${t}message AS BLOB)) AS message_bytes,
  CASE WHEN length(CAST(${t}context AS BLOB)) > ${LOG_TEXT_MAX_BYTES} THEN NULL ELSE ${t}context END AS context,
  length(CAST(${t}context AS BLOB)) AS context_bytes`;
export const LOG_COLUMNS = logColumns();

function parseContext(raw: unknown): unknown {
  if (raw === null || raw === undefined) return null;
  try {
    return JSON.parse(String(raw));
  } catch {
    return String(raw);
  }
}

/** A client_logs row as the API returns it (also used by log-pages.ts). */
export function toLog(r: Row): LogJson {
  const contextBytes = r.context_bytes === undefined || r.context_bytes === null ? 0 : Number(r.context_bytes);
  return {
    id: Number(r.id),
    timestamp: String(r.timestamp),
    level: String(r.level) as LogLevel,
    message: capText(String(r.message), LOG_TEXT_MAX_BYTES, r.message_bytes === undefined ? undefined : Number(r.message_bytes)),
    context: contextBytes > LOG_TEXT_MAX_BYTES ? { truncated: true, bytes: contextBytes } : parseContext(r.context),
  };
}

/**
 * Idempotent when the device stamped the line (migration 0025): a QoS 1 redelivery of the same
 * message after a restart or failover adds no second row. Limit: two identical lines with the same
 * device timestamp (and context) are one row; lines without a device timestamp are never merged.
 */
export function insertLogStatement(uuid: string, entry: LogEntry, receivedAt: number): InStatement {
  const context = capContext(entry.context === undefined || entry.context === null ? null : JSON.stringify(entry.context));
  const message = capText(entry.message);
  const timestamp = iso(entry.timestamp);
  const key = entry.deviceStamped ? logKey(entry.timestamp, [uuid, entry.level, timestamp, message, context]) : null;
  return {
    sql: 'INSERT OR IGNORE INTO client_logs (client_uuid, level, timestamp, received_at, message, context, dedup_key) VALUES (?, ?, ?, ?, ?, ?, ?)',
    args: [uuid, entry.level, timestamp, iso(receivedAt), message, context, key],
  };
}

/** One-shot digest where the runtime has it (Node ≥ 20.12), else the streaming API. */
const sha256 = (text: string): string =>
  (nodeCrypto as { hash?: (alg: string, data: string, enc: string) => string }).hash?.('sha256', text, 'base64url') ??
  nodeCrypto.createHash('sha256').update(text).digest('base64url');

/**
 * The digest of what the device said (not when it arrived), so a redelivery maps to the same key,
 * behind the device's time in base 36: new keys then land at the end of the unique index instead
 * of at random places in it (a random 43-character key made each log row cost about twice as much
 * to insert; docs/performance.md "Log rows"). 128 bits of the digest, as the time narrows it anyway.
 * Rows stored before this format have the bare 43-character digest; only a redelivery spanning the
 * upgrade could miss its first copy.
 */
function logKey(deviceTime: number, parts: (string | null)[]): string {
  return `${Math.max(0, Math.trunc(deviceTime)).toString(36)}.${sha256(JSON.stringify(parts)).slice(0, 22)}`;
}

export interface LogQuery {
  level?: LogLevel;
  limit: number;
  since?: number; // epoch ms, compared with the client's timestamp
}

/** One client's logs, newest first, at most `q.limit` rows and about LOG_API_PAGE_BYTES. */
export async function listLogs(db: Db, uuid: string, q: LogQuery): Promise<LogJson[]> {
  const where = ['client_uuid = ?'];
  const args: (string | number)[] = [uuid];
  if (q.level) where.push('level = ?'), args.push(q.level);
  if (q.since !== undefined) where.push('timestamp >= ?'), args.push(iso(q.since));
  args.push(q.limit);
  const rs = await db.execute({
    sql: `SELECT ${LOG_COLUMNS} FROM client_logs WHERE ${where.join(' AND ')}
          ORDER BY timestamp DESC, id DESC LIMIT ?`,
    args,
  });
  return withinBytes(rs.rows.map(toLog), LOG_API_PAGE_BYTES);
}

export type LevelCounts = { ERROR: number; WARN: number; INFO: number };

/** Per client ERROR/WARN/INFO counts since `sinceMs` (only clients with at least one log). */
export async function logSummary(db: Db, sinceMs: number): Promise<Record<string, LevelCounts>> {
  const rs = await db.execute({
    sql: `SELECT client_uuid, level, COUNT(*) AS n FROM client_logs
          WHERE level IN ('ERROR', 'WARN', 'INFO') AND timestamp >= ? GROUP BY client_uuid, level`,
    args: [iso(sinceMs)],
  });
  const out: Record<string, LevelCounts> = {};
  for (const r of rs.rows) {
    const counts = (out[String(r.client_uuid)] ??= { ERROR: 0, WARN: 0, INFO: 0 });
    counts[String(r.level) as keyof LevelCounts] = Number(r.n);
  }
  return out;
}

export interface RecentError extends LogJson {
  uuid: string;
  clientName: string; // description, else hostname, else uuid
  description: string | null;
  hostname: string | null;
}

/** Newest ERROR logs across the fleet with the client's names. */
export async function recentErrors(db: Db, limit: number): Promise<RecentError[]> {
  const rs = await db.execute({
    sql: `SELECT ${logColumns('l.')}, l.client_uuid, c.description, c.hostname
          FROM client_logs l LEFT JOIN clients c ON c.uuid = l.client_uuid
          WHERE l.level = 'ERROR' ORDER BY l.timestamp DESC, l.id DESC LIMIT ?`,
    args: [limit],
  });
  return rs.rows.map((r) => {
    const description = r.description === null ? null : String(r.description);
    const hostname = r.hostname === null ? null : String(r.hostname);
    const uuid = String(r.client_uuid);
    return { ...toLog(r), uuid, description, hostname, clientName: description || hostname || uuid };
  });
}

export interface ClientLogOverview {
  errorCount: number;
  warnCount: number;
  latestLog: LogJson | null;
  latestError: LogJson | null;
}

/**
 * For the monitoring overview: per client ERROR/WARN counts, latest log and latest error since
 * `sinceMs`. Three grouped queries over the window instead of one per client. SQLite fills the
 * bare columns of a `MAX()` aggregate from the row holding the maximum.
 */
export async function logOverview(db: Db, sinceMs: number): Promise<Map<string, ClientLogOverview>> {
  const since = iso(sinceMs);
  const out = new Map<string, ClientLogOverview>();
  const entry = (uuid: string) => {
    let e = out.get(uuid);
    if (!e) out.set(uuid, (e = { errorCount: 0, warnCount: 0, latestLog: null, latestError: null }));
    return e;
  };
  const counts = await db.execute({
    sql: `SELECT client_uuid, level, COUNT(*) AS n FROM client_logs
          WHERE level IN ('ERROR', 'WARN') AND timestamp >= ? GROUP BY client_uuid, level`,
    args: [since],
  });
  for (const r of counts.rows) {
    const e = entry(String(r.client_uuid));
    if (r.level === 'ERROR') e.errorCount = Number(r.n);
    else e.warnCount = Number(r.n);
  }
  const latest = (levelFilter: string) =>
    db.execute({
      sql: `SELECT client_uuid, ${LOG_COLUMNS}, MAX(timestamp) AS max_ts FROM client_logs
            WHERE timestamp >= ? ${levelFilter} GROUP BY client_uuid`,
      args: [since],
    });
  for (const r of (await latest('')).rows) entry(String(r.client_uuid)).latestLog = toLog(r);
  for (const r of (await latest("AND level = 'ERROR'")).rows) entry(String(r.client_uuid)).latestError = toLog(r);
  return out;
}

/** ERROR/WARN arrivals since `sinceMs` (server clock), oldest first: replayed into actors at restore. */
export async function recentLogLevels(db: Db, sinceMs: number): Promise<{ uuid: string; level: 'ERROR' | 'WARN'; at: number }[]> {
  const rs = await db.execute({
    sql: `SELECT client_uuid, level, received_at FROM client_logs
          WHERE received_at >= ? AND level IN ('ERROR', 'WARN') ORDER BY received_at, id`,
    args: [iso(sinceMs)],
  });
  return rs.rows.map((r) => ({
    uuid: String(r.client_uuid),
    level: String(r.level) as 'ERROR' | 'WARN',
    at: fromIso(r.received_at) ?? 0,
  }));
}

/** Ids of up to `limit` logs received before `olderThanMs` (uses idx_client_logs_received). */
export async function expiredLogIds(db: Db, olderThanMs: number, limit: number): Promise<number[]> {
  const rs = await db.execute({
    sql: 'SELECT id FROM client_logs WHERE received_at < ? LIMIT ?',
    args: [iso(olderThanMs), limit],
  });
  return rs.rows.map((r) => Number(r.id));
}

export function deleteLogsStatement(ids: number[]): InStatement {
  return { sql: `DELETE FROM client_logs WHERE id IN (${ids.map(() => '?').join(',')})`, args: ids };
}

/**
 * One bounded purge step through the writer: select up to `batchSize` expired ids (a read), then
 * delete exactly those in one write. Answers the number of rows deleted (0: nothing left).
 */
export async function purgeOldLogs(db: Db, writer: Writes, olderThanMs: number, batchSize: number): Promise<number> {
  const ids = await expiredLogIds(db, olderThanMs, batchSize);
  if (ids.length === 0) return 0;
  await writer.write(deleteLogsStatement(ids));
  return ids.length;
}

/** Everything stored about a client besides its row: logs and commands (docs/http.md DELETE client). */
export function deleteClientData(uuid: string): InStatement[] {
  return [
    { sql: 'DELETE FROM client_logs WHERE client_uuid = ?', args: [uuid] },
    { sql: 'DELETE FROM client_commands WHERE client_uuid = ?', args: [uuid] },
    { sql: 'DELETE FROM connectivity_changes WHERE client_uuid = ?', args: [uuid] }, // availability history
  ];
}
