/**
 * Named queries for the key/value system settings (docs/http.md `GET/POST /api/system-settings`).
 * Values are strings (callers encode anything richer as JSON); writes are statements for the writer.
 */
import type { InStatement } from '@libsql/client';
import type { Db } from './client.ts';

export async function getSetting(db: Db, key: string): Promise<string | null> {
  const rs = await db.execute({ sql: 'SELECT value FROM settings WHERE key = ?', args: [key] });
  const v = rs.rows[0]?.value;
  return v === undefined || v === null ? null : String(v);
}

/** Every setting as a plain object, keys sorted. */
export async function listSettings(db: Db): Promise<Record<string, string | null>> {
  const rs = await db.execute('SELECT key, value FROM settings ORDER BY key');
  const out: Record<string, string | null> = {};
  for (const r of rs.rows) out[String(r.key)] = r.value === null ? null : String(r.value);
  return out;
}

/** Upserts, one statement per key; enqueue them together so a multi-key save is one batch. */
export function setSettingsStatements(values: Record<string, string | null>, now: number): InStatement[] {
  const at = new Date(now).toISOString();
  return Object.entries(values).map(([key, value]) => ({
    sql: `INSERT INTO settings (key, value, updated_at) VALUES (?, ?, ?)
          ON CONFLICT(key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at`,
    args: [key, value, at],
  }));
}

export function deleteSettingStatement(key: string): InStatement {
  return { sql: 'DELETE FROM settings WHERE key = ?', args: [key] };
}
