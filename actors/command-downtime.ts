/**
 * Commands across a failover (docs/high-availability.md "Commands across a failover"): while no
 * server held the database nobody could hear an ack, so the time the servers were down does not
 * count against a command's stage. At restore, every stage deadline still pending when the last
 * server went silent is moved on by the downtime; an ack the broker delivers after the reconnect
 * then completes the command instead of finding it timed out. `expiresAt` never moves: the device
 * knows it from the payload, and an expired command must not run.
 */
import type { CommandRecord } from '../domain/command.types.ts';

/**
 * `downSince`: when the previous server was last known alive (its last lease renewal or its clean
 * end); null when there was none. `now`: restore time.
 */
export function extendForDowntime(records: CommandRecord[], downSince: number | null, now: number): CommandRecord[] {
  if (downSince === null || now <= downSince) return records;
  const downtime = now - downSince;
  return records.map((r) => (r.stageDeadline !== null && r.stageDeadline > downSince ? { ...r, stageDeadline: r.stageDeadline + downtime } : r));
}
