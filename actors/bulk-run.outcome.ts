/**
 * What a bulk run tells when it stops or ends (docs/commands.md "Bulk actions"): why it stopped issuing,
 * as a code with parameters (stored, and rendered on pages through the message catalog `bulk.stop.*`,
 * so a German page says it in German), the English text the JSON API keeps for scripts, and the
 * run's outcome as its commands tell it (badge and colours). Pure.
 */
import type { BulkCounts, StopReason } from '../domain/bulk-run.types.ts';

export type { StopReason };

export type StopCode = StopReason['code'];

/** The English text of a stop reason (the JSON API's `abortReason`, unchanged for scripts). */
export function stopReasonText(s: StopReason): string {
  if (s.code === 'failure_ratio')
    return `${s.failed} of ${s.finished} finished commands failed or timed out (${s.percent} % > ${s.limit} %): stopped issuing; ${s.notIssued} client(s) not issued`;
  if (s.code === 'operator') return `aborted by ${s.by}${s.note ? `: ${s.note}` : ''}`;
  return 'the server restarted during this run: it issued nothing more';
}

/** The parameters of a stop reason for the message catalog (`bulk.stop.<code>`). */
export function stopParams(s: StopReason): Record<string, string | number> {
  const { code: _code, ...rest } = s;
  return Object.fromEntries(Object.entries(rest).map(([k, v]) => [k, v ?? '']));
}

export type RunStatus = 'running' | 'done' | 'interrupted';

/**
 * What a run came to, from its commands (the badge and its colour): `completed` only when every
 * selected screen's command completed; `failed` when any command failed, timed out or expired;
 * `partial` when some never ran (canceled, blocked by the lockout, not sent) but none failed.
 */
export type RunOutcome = 'running' | 'stopping' | 'completed' | 'partial' | 'failed' | 'stopped' | 'interrupted';

export const failures = (c: BulkCounts) => c.failed + c.timedOut + c.expired;
export const finished = (c: BulkCounts) => c.completed + failures(c) + c.canceled;

export function runOutcome(status: RunStatus, aborted: boolean, c: BulkCounts): RunOutcome {
  if (status === 'interrupted') return 'interrupted';
  if (status === 'running') return aborted ? 'stopping' : 'running';
  if (aborted) return 'stopped';
  if (failures(c) > 0) return 'failed';
  return c.canceled + c.blocked + c.skipped > 0 ? 'partial' : 'completed';
}
