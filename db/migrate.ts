/**
 * Numbered SQL migrations (`db/migrations/NNNN_name.sql`), applied in order at start-up, each in
 * its own transaction together with its row in `schema_migrations`: idempotent and recorded.
 */
import { readdir, readFile } from 'node:fs/promises';
import type { Db } from './client.ts';

const DIR = new URL('./migrations/', import.meta.url);

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export async function loadMigrations(): Promise<Migration[]> {
  const files = (await readdir(DIR)).filter((f) => /^\d{4}_.+\.sql$/.test(f)).sort();
  return Promise.all(
    files.map(async (file) => ({
      version: Number(file.slice(0, 4)),
      name: file.replace(/\.sql$/, ''),
      sql: await readFile(new URL(file, DIR), 'utf8'),
    })),
  );
}

/** Applies pending migrations; returns the names applied now. */
export async function migrate(db: Db, migrations?: Migration[]): Promise<string[]> {
  await db.execute(
    'CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const done = new Set((await db.execute('SELECT version FROM schema_migrations')).rows.map((r) => Number(r.version)));
  const applied: string[] = [];
  for (const m of migrations ?? (await loadMigrations())) {
    if (done.has(m.version)) continue;
    const record = `INSERT INTO schema_migrations (version, name, applied_at) VALUES (${m.version}, '${m.name.replace(/'/g, "''")}', '${new Date().toISOString()}');`;
    try {
      await db.executeMultiple(`BEGIN;\n${m.sql}\n;${record}\nCOMMIT;`);
    } catch (err) {
      await db.execute('ROLLBACK').catch(() => {});
      throw new Error(`migration ${m.name} failed: ${(err as Error).message}`);
    }
    applied.push(m.name);
  }
  return applied;
}
