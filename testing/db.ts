/** Tests' database: a migrated in-memory libSQL database with its own writer (not a stand-in: real SQL). */
import { openDatabase, type Db } from '../db/client.ts';
import { migrate } from '../db/migrate.ts';
import { BatchedWriter } from '../db/writer.ts';

export async function memoryDb(): Promise<{ db: Db; writer: BatchedWriter }> {
  const db = await openDatabase(':memory:');
  await migrate(db);
  return { db, writer: new BatchedWriter(db, { flushMs: 1000, freshnessMs: 1000, clientUpsert: () => null }) };
}
