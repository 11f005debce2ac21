/**
 * Named queries for the conversion queue (docs/media.md "Presentation conversion"): one row per
 * source item, target format and source content hash, moving pending → processing → ready | failed.
 */
import type { InStatement, Row } from '@libsql/client';
import type { Db } from './client.ts';
import { fromIso } from '../lib/time.ts';

export const CONVERSION_STATUSES = ['pending', 'processing', 'ready', 'failed'] as const;
export type ConversionStatus = (typeof CONVERSION_STATUSES)[number];

export interface Conversion {
  id: number;
  sourceMediaId: number;
  sourceName: string;
  targetFormat: string;
  targetPath: string | null;
  targetMediaId: number | null;
  status: ConversionStatus;
  fileHash: string;
  requestedAt: number;
  startedAt: number | null;
  completedAt: number | null;
  errorMessage: string | null;
}

const SELECT = `SELECT c.id, c.source_event_media_id, m.name AS source_name, c.target_format, c.target_path, c.target_media_id, c.status,
  c.file_hash, c.requested_at, c.started_at, c.completed_at, c.error_message
  FROM conversions c JOIN event_media m ON m.id = c.source_event_media_id`;

function toConversion(r: Row): Conversion {
  return {
    id: Number(r.id),
    sourceMediaId: Number(r.source_event_media_id),
    sourceName: String(r.source_name),
    targetFormat: String(r.target_format),
    targetPath: r.target_path === null ? null : String(r.target_path),
    targetMediaId: r.target_media_id === null ? null : Number(r.target_media_id),
    status: String(r.status) as ConversionStatus,
    fileHash: String(r.file_hash),
    requestedAt: fromIso(r.requested_at) ?? 0,
    startedAt: fromIso(r.started_at),
    completedAt: fromIso(r.completed_at),
    errorMessage: r.error_message === null ? null : String(r.error_message),
  };
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The job of this source, format and content (null when none was ever requested). */
export async function getConversion(db: Db, sourceId: number, format: string, hash: string): Promise<Conversion | null> {
  const r = await db.execute({ sql: `${SELECT} WHERE c.source_event_media_id = ? AND c.target_format = ? AND c.file_hash = ?`, args: [sourceId, format, hash] });
  return r.rows[0] ? toConversion(r.rows[0]) : null;
}

export async function getConversionById(db: Db, id: number): Promise<Conversion | null> {
  const r = await db.execute({ sql: `${SELECT} WHERE c.id = ?`, args: [id] });
  return r.rows[0] ? toConversion(r.rows[0]) : null;
}

/** Newest first (the status page). */
export async function listConversions(db: Db, limit = 200): Promise<Conversion[]> {
  return (await db.execute({ sql: `${SELECT} ORDER BY c.id DESC LIMIT ?`, args: [limit] })).rows.map(toConversion);
}

/** Pending jobs, oldest first: what the queue works through. */
export async function pendingConversions(db: Db): Promise<Conversion[]> {
  return (await db.execute(`${SELECT} WHERE c.status = 'pending' ORDER BY c.id`)).rows.map(toConversion);
}

/** A new pending job; an existing one (same source, format, hash) stays as it is. */
export function ensureConversionStatement(sourceId: number, format: string, hash: string, now: number): InStatement {
  return {
    sql: `INSERT INTO conversions (source_event_media_id, target_format, status, file_hash, requested_at) VALUES (?, ?, 'pending', ?, ?)
          ON CONFLICT (source_event_media_id, target_format, file_hash) DO NOTHING`,
    args: [sourceId, format, hash, iso(now)],
  };
}

/** A failed job asked for again. */
export function requeueStatement(id: number, now: number): InStatement {
  return {
    sql: `UPDATE conversions SET status = 'pending', error_message = NULL, started_at = NULL, completed_at = NULL, requested_at = ? WHERE id = ? AND status = 'failed'`,
    args: [iso(now), id],
  };
}

export function startedStatement(id: number, now: number): InStatement {
  return { sql: `UPDATE conversions SET status = 'processing', started_at = ? WHERE id = ?`, args: [iso(now), id] };
}

export function readyStatement(id: number, target: { path: string; mediaId: number }, now: number): InStatement {
  return {
    sql: `UPDATE conversions SET status = 'ready', target_path = ?, target_media_id = ?, completed_at = ?, error_message = NULL WHERE id = ?`,
    args: [target.path, target.mediaId, iso(now), id],
  };
}

export function failedStatement(id: number, message: string, now: number): InStatement {
  return { sql: `UPDATE conversions SET status = 'failed', error_message = ?, completed_at = ? WHERE id = ?`, args: [message.slice(0, 2000), iso(now), id] };
}

/** At start-up: a job caught in `processing` by a stop or crash runs again. */
export function resumeProcessingStatement(): InStatement {
  return { sql: `UPDATE conversions SET status = 'pending', started_at = NULL WHERE status = 'processing'`, args: [] };
}

/** The PDF item of each presentation whose newest conversion is ready (source id → PDF id). */
export async function readyPdfBySource(db: Db): Promise<Map<number, number>> {
  const r = await db.execute(
    `SELECT c.source_event_media_id AS src, c.target_media_id AS pdf FROM conversions c JOIN event_media m ON m.id = c.source_event_media_id
     WHERE c.status = 'ready' AND c.target_format = 'pdf' AND c.file_hash = m.file_hash AND c.target_media_id IS NOT NULL`,
  );
  return new Map(r.rows.map((row) => [Number(row.src), Number(row.pdf)]));
}

/** The presentations a media item was converted from (a converted PDF names its sources). */
export async function conversionSourcesOf(db: Db, targetMediaId: number): Promise<number[]> {
  const rs = await db.execute({ sql: 'SELECT source_event_media_id AS s FROM conversions WHERE target_media_id = ?', args: [targetMediaId] });
  return rs.rows.map((r) => Number(r.s));
}
