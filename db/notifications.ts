/**
 * Named queries for notifications (0015_notifications.sql): channels, rules, the outbox, mutes and
 * the alerts rules have announced. Writes are statements for the one writer (docs/architecture.md
 * "One writer"). A channel's secret is read only by `channelSecret` (delivery), never listed.
 */
import type { InStatement, Row } from '@libsql/client';
import type { Db } from './client.ts';
import { fromIso, iso } from '../lib/time.ts';
import type { AlertKind, Channel, ChannelSecret, ChannelType, Notice, QuietHours, Rule, Severity } from '../domain/notifications.ts';

const json = <T>(v: unknown, fallback: T): T => {
  if (v === null || v === undefined) return fallback;
  try {
    return JSON.parse(String(v)) as T;
  } catch {
    return fallback;
  }
};

// ── channels ───────────────────────────────────────────────────────────────────────────────────

export interface NewChannel {
  name: string;
  type: ChannelType;
  target: string;
  secret: ChannelSecret;
  language: 'en' | 'de';
  rateCap: number;
}

/** The id comes from the process's IdAllocator (db/ids.ts) (the writer answers no row id). */
export function insertChannelStatement(id: number, c: NewChannel, now: number): InStatement {
  return {
    sql: `INSERT INTO notification_channels (id, name, type, target, secret, language, rate_cap, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [id, c.name, c.type, c.target, JSON.stringify(c.secret), c.language, c.rateCap, iso(now)],
  };
}

export function deleteChannelStatement(id: number): InStatement {
  return { sql: 'DELETE FROM notification_channels WHERE id = ?', args: [id] };
}

function toChannel(r: Row): Channel {
  return {
    id: Number(r.id),
    name: String(r.name),
    type: String(r.type) as ChannelType,
    target: String(r.target),
    language: r.language === 'de' ? 'de' : 'en',
    rateCap: Number(r.rate_cap),
    enabled: Number(r.enabled) === 1,
    createdAt: fromIso(r.created_at) ?? 0,
  };
}

const CHANNEL_COLUMNS = 'id, name, type, target, language, rate_cap, enabled, created_at';

export async function listChannels(db: Db): Promise<Channel[]> {
  const rs = await db.execute(`SELECT ${CHANNEL_COLUMNS} FROM notification_channels ORDER BY id`);
  return rs.rows.map(toChannel);
}

export async function getChannel(db: Db, id: number): Promise<Channel | undefined> {
  const rs = await db.execute({ sql: `SELECT ${CHANNEL_COLUMNS} FROM notification_channels WHERE id = ?`, args: [id] });
  return rs.rows[0] ? toChannel(rs.rows[0]) : undefined;
}

/** Delivery only: the URL or mail settings of a channel. */
export async function channelSecret(db: Db, id: number): Promise<ChannelSecret | undefined> {
  const rs = await db.execute({ sql: 'SELECT secret FROM notification_channels WHERE id = ?', args: [id] });
  return rs.rows[0] ? json<ChannelSecret>(rs.rows[0].secret, {}) : undefined;
}

// ── rules ──────────────────────────────────────────────────────────────────────────────────────

export type NewRule = Omit<Rule, 'id' | 'createdAt'>;

export function insertRuleStatement(id: number, r: NewRule, now: number): InStatement {
  return {
    sql: `INSERT INTO notification_rules (id, channel_id, kinds, min_severity, group_ids, delay_seconds, notify_resolved, repeat_seconds, respect_schedule, quiet_hours, created_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    args: [
      id,
      r.channelId,
      r.kinds ? JSON.stringify(r.kinds) : null,
      r.minSeverity,
      r.groupIds ? JSON.stringify(r.groupIds) : null,
      r.delaySeconds,
      r.notifyResolved ? 1 : 0,
      r.repeatSeconds,
      r.respectSchedule ? 1 : 0,
      r.quietHours ? JSON.stringify(r.quietHours) : null,
      iso(now),
    ],
  };
}

export function deleteRuleStatement(id: number): InStatement {
  return { sql: 'DELETE FROM notification_rules WHERE id = ?', args: [id] };
}

export async function listRules(db: Db): Promise<Rule[]> {
  const rs = await db.execute('SELECT * FROM notification_rules ORDER BY id');
  return rs.rows.map((r) => ({
    id: Number(r.id),
    channelId: Number(r.channel_id),
    kinds: json<AlertKind[] | null>(r.kinds, null),
    minSeverity: String(r.min_severity) as Severity,
    groupIds: json<number[] | null>(r.group_ids, null),
    delaySeconds: r.delay_seconds === null ? null : Number(r.delay_seconds),
    notifyResolved: Number(r.notify_resolved) === 1,
    repeatSeconds: r.repeat_seconds === null ? null : Number(r.repeat_seconds),
    respectSchedule: Number(r.respect_schedule) === 1,
    quietHours: json<QuietHours | null>(r.quiet_hours, null),
    createdAt: fromIso(r.created_at) ?? 0,
  }));
}

// ── outbox ─────────────────────────────────────────────────────────────────────────────────────

export type OutboxStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface OutboxItem {
  id: string;
  channelId: number;
  ruleId: number | null;
  kind: Notice['kind'];
  notice: Notice;
  status: OutboxStatus;
  attempts: number;
  nextAt: number;
  lastError: string | null;
  lastStatus: number | null;
  latencyMs: number | null;
  createdAt: number;
  sentAt: number | null;
}

export function insertOutboxStatement(o: { id: string; channelId: number; ruleId: number | null; notice: Notice; at: number }): InStatement {
  return {
    sql: `INSERT INTO notification_outbox (id, channel_id, rule_id, kind, notice, status, attempts, next_at, created_at) VALUES (?, ?, ?, ?, ?, 'pending', 0, ?, ?)`,
    args: [o.id, o.channelId, o.ruleId, o.notice.kind, JSON.stringify(o.notice), iso(o.at), iso(o.at)],
  };
}

/** An attempt starts: counted before the request leaves, so a crash mid-attempt is still one attempt. */
export function attemptStatement(id: string): InStatement {
  return { sql: `UPDATE notification_outbox SET status = 'sending', attempts = attempts + 1 WHERE id = ? AND status IN ('pending', 'sending')`, args: [id] };
}

export function outcomeStatement(
  id: string,
  o: { status: OutboxStatus; nextAt?: number; error: string | null; httpStatus: number | null; latencyMs: number | null; sentAt?: number },
): InStatement {
  return {
    sql: `UPDATE notification_outbox SET status = ?, next_at = COALESCE(?, next_at), last_error = ?, last_status = ?, latency_ms = ?, sent_at = ? WHERE id = ?`,
    args: [o.status, iso(o.nextAt ?? null), o.error, o.httpStatus, o.latencyMs, iso(o.sentAt ?? null), id],
  };
}

function toOutbox(r: Row): OutboxItem {
  return {
    id: String(r.id),
    channelId: Number(r.channel_id),
    ruleId: r.rule_id === null ? null : Number(r.rule_id),
    kind: String(r.kind) as Notice['kind'],
    notice: json<Notice>(r.notice, { kind: 'firing', alerts: [], at: 0 }),
    status: String(r.status) as OutboxStatus,
    attempts: Number(r.attempts),
    nextAt: fromIso(r.next_at) ?? 0,
    lastError: r.last_error === null ? null : String(r.last_error),
    lastStatus: r.last_status === null ? null : Number(r.last_status),
    latencyMs: r.latency_ms === null ? null : Number(r.latency_ms),
    createdAt: fromIso(r.created_at) ?? 0,
    sentAt: fromIso(r.sent_at),
  };
}

/** Due items, oldest first ('sending' ones were cut short by a stop or crash: due again). */
export async function dueOutbox(db: Db, now: number, limit: number): Promise<OutboxItem[]> {
  const rs = await db.execute({
    sql: `SELECT * FROM notification_outbox WHERE status IN ('pending', 'sending') AND next_at <= ? ORDER BY next_at, created_at LIMIT ?`,
    args: [iso(now), limit],
  });
  return rs.rows.map(toOutbox);
}

export async function getOutbox(db: Db, id: string): Promise<OutboxItem | undefined> {
  const rs = await db.execute({ sql: 'SELECT * FROM notification_outbox WHERE id = ?', args: [id] });
  return rs.rows[0] ? toOutbox(rs.rows[0]) : undefined;
}

/** Newest first; optionally one channel's. */
export async function listOutbox(db: Db, opts: { channelId?: number; limit: number }): Promise<OutboxItem[]> {
  const where = opts.channelId === undefined ? '' : 'WHERE channel_id = ?';
  const args = opts.channelId === undefined ? [opts.limit] : [opts.channelId, opts.limit];
  const rs = await db.execute({ sql: `SELECT * FROM notification_outbox ${where} ORDER BY created_at DESC, rowid DESC LIMIT ?`, args });
  return rs.rows.map(toOutbox);
}

// ── mutes ──────────────────────────────────────────────────────────────────────────────────────

export interface Mute {
  id: number;
  targetType: 'group' | 'client';
  targetId: string;
  until: number;
  reason: string | null;
  createdBy: string;
  createdAt: number;
}

export function insertMuteStatement(m: Mute): InStatement {
  return {
    sql: 'INSERT INTO notification_mutes (id, target_type, target_id, until, reason, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    args: [m.id, m.targetType, m.targetId, iso(m.until), m.reason, m.createdBy, iso(m.createdAt)],
  };
}

export function endMuteStatement(id: number, now: number): InStatement {
  return { sql: 'UPDATE notification_mutes SET until = ? WHERE id = ? AND until > ?', args: [iso(now), id, iso(now)] };
}

/** Mutes still running at `now`. */
export async function activeMutes(db: Db, now: number): Promise<Mute[]> {
  const rs = await db.execute({ sql: 'SELECT * FROM notification_mutes WHERE until > ? ORDER BY until', args: [iso(now)] });
  return rs.rows.map((r) => ({
    id: Number(r.id),
    targetType: String(r.target_type) as Mute['targetType'],
    targetId: String(r.target_id),
    until: fromIso(r.until) ?? 0,
    reason: r.reason === null ? null : String(r.reason),
    createdBy: String(r.created_by),
    createdAt: fromIso(r.created_at) ?? 0,
  }));
}

// ── announced alerts ───────────────────────────────────────────────────────────────────────────

export function openStatement(ruleId: number, fingerprint: string, alert: unknown, firedAt: number): InStatement {
  return {
    sql: 'INSERT INTO notification_open (rule_id, fingerprint, alert, fired_at) VALUES (?, ?, ?, ?) ON CONFLICT (rule_id, fingerprint) DO UPDATE SET alert = excluded.alert',
    args: [ruleId, fingerprint, JSON.stringify(alert), iso(firedAt)],
  };
}

export function closeStatement(ruleId: number, fingerprint: string): InStatement {
  return { sql: 'DELETE FROM notification_open WHERE rule_id = ? AND fingerprint = ?', args: [ruleId, fingerprint] };
}

export async function listOpen(db: Db): Promise<Array<{ ruleId: number; fingerprint: string; alert: unknown; firedAt: number }>> {
  const rs = await db.execute('SELECT * FROM notification_open');
  return rs.rows.map((r) => ({ ruleId: Number(r.rule_id), fingerprint: String(r.fingerprint), alert: json(r.alert, null), firedAt: fromIso(r.fired_at) ?? 0 }));
}
