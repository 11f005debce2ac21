/**
 * Named queries for bulk runs (docs/commands.md "Bulk actions"). A run's commands are ordinary
 * client_commands rows tagged with `bulk_run_id`.
 *
 * Until group CRUD exists, a group "exists" when a `groups` row has its id or any client
 * is assigned to it; the client half is checked by the caller against the live fleet.
 */
import type { Db } from './client.ts';
import type { CommandRecord } from '../domain/command.types.ts';
import { rowToCommand } from './commands.ts';

/** Every command of one bulk run, in creation order. */
export async function commandsOfBulkRun(db: Db, runId: string): Promise<CommandRecord[]> {
  const rs = await db.execute({ sql: 'SELECT * FROM client_commands WHERE bulk_run_id = ? ORDER BY created_at, id', args: [runId] });
  return rs.rows.map(rowToCommand);
}

export async function groupRowExists(db: Db, id: number): Promise<boolean> {
  const rs = await db.execute({ sql: 'SELECT 1 FROM groups WHERE id = ?', args: [id] });
  return rs.rows.length > 0;
}
