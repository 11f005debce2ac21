/**
 * Opening the libSQL database: an embedded file (default), `:memory:` for tests, or a libSQL
 * server / Turso URL. File databases run in WAL mode with synchronous=NORMAL (docs/architecture.md "One writer").
 */
import { createClient, type Client } from '@libsql/client';
import { mkdir } from 'node:fs/promises';
import { dirname } from 'node:path';

export type Db = Client;

export function isFileUrl(url: string): boolean {
  return url.startsWith('file:');
}

export async function openDatabase(url: string, authToken?: string): Promise<Db> {
  if (isFileUrl(url)) {
    const path = url.slice('file:'.length).split('?')[0];
    if (path && path !== ':memory:') await mkdir(dirname(path), { recursive: true });
  }
  const db = createClient({ url, authToken });
  if (isFileUrl(url) && !url.includes(':memory:')) {
    await db.execute('PRAGMA journal_mode=WAL');
    await db.execute('PRAGMA synchronous=NORMAL');
  }
  await db.execute('PRAGMA foreign_keys=ON');
  return db;
}

/** Health check (`/health`): the database answers a trivial query. */
export async function databaseAnswers(db: Db): Promise<boolean> {
  return (await db.execute('SELECT 1')).rows.length === 1;
}
