/**
 * Named queries for the media library (docs/media.md "Data"): items (one per content hash),
 * folders, and which events use an item. Writes are statements for the one writer.
 */
import type { InStatement, Row } from '@libsql/client';
import type { Db } from './client.ts';
import { fromIso } from '../lib/time.ts';

export const MEDIA_TYPES = ['video', 'pdf', 'presentation', 'image', 'other'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

export interface MediaMetadata {
  duration: number | null; // seconds
  width: number | null;
  height: number | null;
  bitrate: number | null; // bits per second
  pageCount: number | null;
  metadataError: string | null;
}

export interface MediaItem extends MediaMetadata {
  id: number;
  name: string;
  folder: string; // '' = root
  mediaType: MediaType;
  mimeType: string;
  size: number;
  fileHash: string;
  storagePath: string; // relative to DATA_DIR/media
  academicPeriodId: number | null;
  uploadedBy: number | null;
  createdAt: number;
  updatedAt: number;
}

export type MediaDraft = Pick<MediaItem, 'name' | 'folder' | 'mediaType' | 'mimeType' | 'size' | 'fileHash' | 'storagePath' | 'uploadedBy'> & Partial<MediaMetadata>;

const COLUMNS =
  'id, name, folder, media_type, mime_type, size, file_hash, storage_path, duration, width, height, bitrate, page_count, metadata_error, academic_period_id, uploaded_by, created_at, updated_at';

const num = (v: unknown): number | null => (v === null || v === undefined ? null : Number(v));

function toItem(r: Row): MediaItem {
  return {
    id: Number(r.id),
    name: String(r.name),
    folder: String(r.folder),
    mediaType: String(r.media_type) as MediaType,
    mimeType: String(r.mime_type),
    size: Number(r.size),
    fileHash: String(r.file_hash),
    storagePath: String(r.storage_path),
    duration: num(r.duration),
    width: num(r.width),
    height: num(r.height),
    bitrate: num(r.bitrate),
    pageCount: num(r.page_count),
    metadataError: r.metadata_error === null ? null : String(r.metadata_error),
    academicPeriodId: num(r.academic_period_id),
    uploadedBy: num(r.uploaded_by),
    createdAt: fromIso(r.created_at) ?? 0,
    updatedAt: fromIso(r.updated_at) ?? 0,
  };
}

export async function getMedia(db: Db, id: number): Promise<MediaItem | null> {
  const r = await db.execute({ sql: `SELECT ${COLUMNS} FROM event_media WHERE id = ?`, args: [id] });
  return r.rows[0] ? toItem(r.rows[0]) : null;
}

export async function getMediaByHash(db: Db, hash: string): Promise<MediaItem | null> {
  const r = await db.execute({ sql: `SELECT ${COLUMNS} FROM event_media WHERE file_hash = ?`, args: [hash] });
  return r.rows[0] ? toItem(r.rows[0]) : null;
}

/** Items of one folder (or all when `folder` is undefined), by folder then name. */
export async function listMedia(db: Db, filter: { folder?: string; mediaType?: MediaType } = {}): Promise<MediaItem[]> {
  const where: string[] = [];
  const args: Array<string> = [];
  if (filter.folder !== undefined) (where.push('folder = ?'), args.push(filter.folder));
  if (filter.mediaType !== undefined) (where.push('media_type = ?'), args.push(filter.mediaType));
  const sql = `SELECT ${COLUMNS} FROM event_media ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY folder, name COLLATE NOCASE, id`;
  return (await db.execute({ sql, args })).rows.map(toItem);
}

/** Every folder: the created ones, those holding items, and their parents; sorted. */
export async function listFolders(db: Db): Promise<string[]> {
  const r = await db.execute("SELECT path FROM media_folders UNION SELECT DISTINCT folder FROM event_media WHERE folder <> ''");
  const all = new Set<string>();
  for (const row of r.rows) {
    const parts = String(row.path).split('/');
    for (let i = 1; i <= parts.length; i++) all.add(parts.slice(0, i).join('/'));
  }
  return [...all].sort((a, b) => a.localeCompare(b));
}

/** A new item; a second row with the same content hash is ignored (the caller reads the winner by hash). */
export function insertMediaStatement(d: MediaDraft, now: number): InStatement {
  const at = new Date(now).toISOString();
  return {
    sql: `INSERT INTO event_media (name, folder, media_type, mime_type, size, file_hash, storage_path, duration, width, height, bitrate, page_count, metadata_error, uploaded_by, created_at, updated_at)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (file_hash) DO NOTHING`,
    args: [
      d.name, d.folder, d.mediaType, d.mimeType, d.size, d.fileHash, d.storagePath, d.duration ?? null, d.width ?? null, d.height ?? null,
      d.bitrate ?? null, d.pageCount ?? null, d.metadataError ?? null, d.uploadedBy, at, at,
    ],
  };
}

export function renameMediaStatement(id: number, to: { name: string; folder: string }, now: number): InStatement {
  return { sql: 'UPDATE event_media SET name = ?, folder = ?, updated_at = ? WHERE id = ?', args: [to.name, to.folder, new Date(now).toISOString(), id] };
}

export function deleteMediaStatement(id: number): InStatement {
  return { sql: 'DELETE FROM event_media WHERE id = ?', args: [id] };
}

export function insertFolderStatement(path: string, now: number): InStatement {
  return { sql: 'INSERT INTO media_folders (path, created_at) VALUES (?, ?) ON CONFLICT (path) DO NOTHING', args: [path, new Date(now).toISOString()] };
}

export function deleteFolderStatement(path: string): InStatement {
  return { sql: 'DELETE FROM media_folders WHERE path = ?', args: [path] };
}

/** Whether a folder (or one below it) still holds items or created sub-folders. */
export async function folderHasContent(db: Db, path: string): Promise<boolean> {
  const below = `${path}/%`;
  const r = await db.execute({
    sql: `SELECT (SELECT COUNT(*) FROM event_media WHERE folder = ? OR folder LIKE ?) + (SELECT COUNT(*) FROM media_folders WHERE path LIKE ?) AS n`,
    args: [path, below, below],
  });
  return Number(r.rows[0]?.n ?? 0) > 0;
}

export interface MediaUse {
  eventId: number;
  title: string;
  groupId: number;
}

/**
 * Events whose fields name one of the items: a video's `eventMediaId` or a presentation's
 * `eventMediaIds` (lib/schedule/types.ts), ordered by id.
 */
export async function eventsUsingMedia(db: Db, ids: number[]): Promise<MediaUse[]> {
  if (ids.length === 0) return [];
  const marks = ids.map(() => '?').join(', ');
  const r = await db.execute({
    sql: `SELECT id, title, group_id FROM events
          WHERE json_extract(fields, '$.video.eventMediaId') IN (${marks})
             OR EXISTS (SELECT 1 FROM json_each(events.fields, '$.presentation.eventMediaIds') WHERE value IN (${marks}))
          ORDER BY id`,
    args: [...ids, ...ids],
  });
  return r.rows.map((row) => ({ eventId: Number(row.id), title: String(row.title), groupId: Number(row.group_id) }));
}
