/**
 * Named queries for device MQTT accounts (docs/mqtt.md "Who may publish and subscribe": one account per
 * device, username `infoscreen-client-<first 8 chars of uuid>`, password stored only as a hash).
 * Reads run on `db`; writes are statements for the one writer (docs/architecture.md "One writer").
 */
import type { InStatement, Row } from '@libsql/client';
import type { Db } from './client.ts';
import { fromIso, iso } from '../lib/time.ts';

export const DEVICE_USERNAME_PREFIX = 'infoscreen-client-';

/** docs/mqtt.md: `infoscreen-client-<first 8 chars of uuid>` (uuid lower-cased). */
export function deviceUsername(uuid: string): string {
  return DEVICE_USERNAME_PREFIX + uuid.toLowerCase().slice(0, 8);
}

export interface DeviceCredential {
  uuid: string;
  username: string;
  /** `$7$` hash (broker/password-hash.ts); null while revoked. */
  passwordHash: string | null;
  createdAt: number;
  rotatedAt: number | null;
  revokedAt: number | null;
}

function toCredential(r: Row): DeviceCredential {
  return {
    uuid: String(r.uuid),
    username: String(r.username),
    passwordHash: r.password_hash === null ? null : String(r.password_hash),
    createdAt: fromIso(r.created_at) ?? 0,
    rotatedAt: fromIso(r.rotated_at),
    revokedAt: fromIso(r.revoked_at),
  };
}

export async function getCredential(db: Db, uuid: string): Promise<DeviceCredential | undefined> {
  const rs = await db.execute({ sql: 'SELECT * FROM device_credentials WHERE uuid = ?', args: [uuid] });
  return rs.rows[0] ? toCredential(rs.rows[0]) : undefined;
}

/** The broker's lookup on every CONNECT (exact, case-sensitive like MQTT usernames). */
export async function getCredentialByUsername(db: Db, username: string): Promise<DeviceCredential | undefined> {
  const rs = await db.execute({ sql: 'SELECT * FROM device_credentials WHERE username = ?', args: [username] });
  return rs.rows[0] ? toCredential(rs.rows[0]) : undefined;
}

/** Every account, revoked ones included (the operator view). */
export async function listCredentials(db: Db): Promise<DeviceCredential[]> {
  const rs = await db.execute('SELECT * FROM device_credentials ORDER BY username');
  return rs.rows.map(toCredential);
}

/** Every account with a usable password (the Mosquitto password and ACL files), by username. */
export async function listActiveCredentials(db: Db): Promise<DeviceCredential[]> {
  const rs = await db.execute('SELECT * FROM device_credentials WHERE password_hash IS NOT NULL ORDER BY username');
  return rs.rows.map(toCredential);
}

/**
 * Create, re-issue or rotate: the new hash replaces any earlier one and lifts a revocation.
 * `rotated_at` records every replacement of an existing row; `created_at` stays the first issue.
 */
export function upsertCredentialStatement(uuid: string, username: string, passwordHash: string, now: number): InStatement {
  const at = iso(now);
  return {
    sql: `INSERT INTO device_credentials (uuid, username, password_hash, created_at) VALUES (?, ?, ?, ?)
          ON CONFLICT(uuid) DO UPDATE SET username = excluded.username, password_hash = excluded.password_hash,
          rotated_at = excluded.created_at, revoked_at = NULL`,
    args: [uuid, username, passwordHash, at],
  };
}

/** Revoke: the hash is dropped (nothing left to verify against), the row stays for the record. */
export function revokeCredentialStatement(uuid: string, now: number): InStatement {
  return { sql: 'UPDATE device_credentials SET password_hash = NULL, revoked_at = ? WHERE uuid = ?', args: [iso(now), uuid] };
}

/** The client itself was deleted (docs/http.md `DELETE /api/clients/{uuid}`: "…its credentials"). */
export function deleteCredentialStatement(uuid: string): InStatement {
  return { sql: 'DELETE FROM device_credentials WHERE uuid = ?', args: [uuid] };
}

/**
 * A bare client row when none exists (the CLI provisions devices the server has never heard of;
 * the running server creates clients through the fleet instead). Column defaults fill the rest.
 */
export function ensureClientRowStatement(uuid: string, now: number): InStatement {
  const at = iso(now);
  return { sql: 'INSERT INTO clients (uuid, created_at, updated_at) VALUES (?, ?, ?) ON CONFLICT(uuid) DO NOTHING', args: [uuid, at, at] };
}

/** Persisted group of every client, for generating Mosquitto files without a live fleet (the CLI). */
export async function persistedGroups(db: Db): Promise<Map<string, number | null>> {
  const rs = await db.execute('SELECT uuid, group_id FROM clients');
  return new Map(rs.rows.map((r) => [String(r.uuid), r.group_id === null ? null : Number(r.group_id)]));
}

/**
 * Accounts revoked or rotated at or after `since` (another process, the provisioning CLI, may have
 * changed them: broker/credential-watch.ts). ISO times compare as text.
 */
export async function credentialsChangedSince(db: Db, since: number): Promise<Array<{ uuid: string; changedAt: number }>> {
  const rs = await db.execute({
    sql: 'SELECT uuid, revoked_at, rotated_at FROM device_credentials WHERE revoked_at >= ?1 OR rotated_at >= ?1',
    args: [iso(since)],
  });
  return rs.rows.map((r) => ({ uuid: String(r.uuid), changedAt: Math.max(fromIso(r.revoked_at) ?? 0, fromIso(r.rotated_at) ?? 0) }));
}
