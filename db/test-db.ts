/** Tests' database: a migrated in-memory libSQL database with its own writer (not a stand-in: real SQL). */
import { openDatabase, type Db } from './client.ts';
import { migrate } from './migrate.ts';
import { BatchedWriter } from './writer.ts';

export async function memoryDb(): Promise<{ db: Db; writer: BatchedWriter }> {
  const db = await openDatabase(':memory:');
  await migrate(db);
  return { db, writer: new BatchedWriter(db, { flushMs: 1000, freshnessMs: 1000, clientUpsert: () => null }) };
}
