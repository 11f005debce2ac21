/**
 * Named queries for the secrets the server generates for itself (migration 0014): read by name,
 * created once (the first stored value wins when two instances race).
 */
import type { InStatement } from '@libsql/client';
import type { Db } from './client.ts';

export async function getServerSecret(db: Db, name: string): Promise<string | null> {
  const rs = await db.execute({ sql: 'SELECT value FROM server_secrets WHERE name = ?', args: [name] });
  const v = rs.rows[0]?.value;
  return v === undefined || v === null ? null : String(v);
}

export function createServerSecretStatement(name: string, value: string, now: number): InStatement {
  return {
    sql: 'INSERT INTO server_secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT(name) DO NOTHING',
    args: [name, value, new Date(now).toISOString()],
  };
}
