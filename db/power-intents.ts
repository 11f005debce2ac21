/**
 * Named queries for `power_intents` (migration 0007): the scheduler's last intent per group, so a
 * restart keeps the intent_id when nothing semantic changed (docs/scheduler.md: a new id only on a
 * semantic change). Writes are statements for the one writer.
 */
import type { InStatement } from '@libsql/client';
import type { Db } from './client.ts';
import type { IntentState } from '../lib/schedule/power-intent.ts';

export async function listPowerIntents(db: Db): Promise<Map<number, IntentState>> {
  const rs = await db.execute('SELECT group_id, state FROM power_intents');
  const out = new Map<number, IntentState>();
  for (const r of rs.rows) {
    try {
      const s = JSON.parse(String(r.state)) as IntentState;
      if (typeof s.intentId === 'string' && (s.desiredState === 'on' || s.desiredState === 'off')) out.set(Number(r.group_id), s);
    } catch {
      // A damaged row only costs a new intent_id at the next poll.
    }
  }
  return out;
}

export function savePowerIntentStatement(groupId: number, state: IntentState, now: number): InStatement {
  return {
    sql: `INSERT INTO power_intents (group_id, state, updated_at) VALUES (?, ?, ?)
          ON CONFLICT(group_id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at`,
    args: [groupId, JSON.stringify(state), new Date(now).toISOString()],
  };
}

export function deletePowerIntentStatement(groupId: number): InStatement {
  return { sql: 'DELETE FROM power_intents WHERE group_id = ?', args: [groupId] };
}
