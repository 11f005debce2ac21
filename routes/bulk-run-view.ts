/**
 * One view of a bulk run for the API and the dashboard (docs/commands.md "Bulk actions"), whether this
 * process holds it (actors/bulk-runs.ts) or only the database does (the server restarted since):
 * a saved run reads as it was saved; one that was still issuing when the server stopped is
 * `interrupted`, its never-issued screens counted as not sent. Counts of a run not finished come
 * from its commands. Runs from before runs were saved are summarised from their commands alone.
 */
import type { BulkRunView } from '../actors/bulk-runs.ts';
import type { BulkCounts } from '../actors/bulk-run.machine.ts';
import { runOutcome, stopReasonText, type RunOutcome, type RunStatus, type StopReason } from '../actors/bulk-run.outcome.ts';
import { isTerminal, type CommandRecord } from '../domain/command.types.ts';
import type { BulkRunRow } from '../db/bulk-runs.ts';
import { iso } from '../lib/time.ts';

export interface RunView {
  id: string;
  groupId: number | null;
  action: string;
  reason: string | null;
  requestedBy: number | null;
  status: RunStatus;
  targets: number | null;
  counts: BulkCounts;
  aborted: boolean;
  stop: StopReason | null;
  outcome: RunOutcome;
  /** This process holds the run: it can be aborted and watched live. */
  held: boolean;
  startedAt: number;
  finishedAt: number | null;
}

export function heldRunView(v: BulkRunView): RunView {
  return {
    id: v.id, groupId: v.groupId, action: v.action, reason: v.reason, requestedBy: v.requestedBy, status: v.status, targets: v.targets,
    counts: v.counts, aborted: v.aborted, stop: v.stop, outcome: runOutcome(v.status, v.aborted, v.counts), held: true,
    startedAt: v.startedAt, finishedAt: v.finishedAt,
  };
}

/** What a run's commands say (skipped: none known). */
export function countsOf(rows: CommandRecord[]): BulkCounts {
  const counts: BulkCounts = { issued: 0, blocked: 0, skipped: 0, completed: 0, failed: 0, timedOut: 0, expired: 0, canceled: 0 };
  for (const r of rows) {
    if (r.status === 'blocked_safety') counts.blocked++;
    else counts.issued++;
    if (r.status === 'completed') counts.completed++;
    else if (r.status === 'timed_out') counts.timedOut++;
    else if (r.status === 'expired') counts.expired++;
    else if (r.status === 'canceled') counts.canceled++;
    else if (r.status === 'failed' || r.status === 'manual_intervention_required') counts.failed++;
  }
  return counts;
}

const SERVER_RESTART: StopReason = { code: 'server_restart' };

/** A run this process does not hold, from its saved row and its commands; null when neither exists. */
export function storedRunView(id: string, saved: BulkRunRow | null, rows: CommandRecord[]): RunView | null {
  if (!saved) return rows.length ? legacyRunView(id, rows) : null;
  const base = {
    id, groupId: saved.groupId, action: saved.action, reason: saved.reason, requestedBy: saved.requestedBy, targets: saved.targets,
    held: false, startedAt: saved.startedAt,
  };
  if (saved.status === 'done') {
    const { counts, stop } = saved;
    return { ...base, status: 'done', counts, aborted: stop !== null, stop, outcome: runOutcome('done', stop !== null, counts), finishedAt: saved.finishedAt };
  }
  const fromRows = countsOf(rows);
  // Issue errors (the registry threw) left no command row: they stay counted as failures.
  const issueErrors = Math.max(0, saved.counts.failed - rows.filter((r) => r.status === 'failed' || r.status === 'manual_intervention_required').length);
  const counts = { ...fromRows, failed: fromRows.failed + issueErrors };
  if (saved.issuing) {
    // Still issuing when the server stopped: whoever got no command never will.
    counts.skipped = Math.max(0, saved.targets - rows.length - issueErrors);
    return { ...base, status: 'interrupted', counts, aborted: true, stop: SERVER_RESTART, outcome: 'interrupted', finishedAt: null };
  }
  // It had stopped issuing (all sent, or stopped): its commands run to their end after the restart too.
  counts.skipped = saved.counts.skipped;
  const done = rows.every((r) => isTerminal(r.status));
  const status: RunStatus = done ? 'done' : 'running';
  const finishedAt = done ? Math.max(saved.startedAt, ...rows.map((r) => r.updatedAt)) : null;
  return { ...base, status, counts, aborted: saved.stop !== null, stop: saved.stop, outcome: runOutcome(status, saved.stop !== null, counts), finishedAt };
}

/** A run started before runs were saved (migration 0011): only its commands tell. */
function legacyRunView(id: string, rows: CommandRecord[]): RunView {
  const first = rows[0];
  return {
    id, groupId: null, action: first.action, reason: first.reason, requestedBy: first.requestedBy, status: 'interrupted', targets: null,
    counts: countsOf(rows), aborted: true, stop: SERVER_RESTART, outcome: 'interrupted', held: false, startedAt: first.createdAt, finishedAt: null,
  };
}

/** The JSON API's run: the stop reason as a code (`abortCode`, `abortDetails`) and in English (`abortReason`, for scripts). */
export function runJson(v: RunView) {
  const { code, ...details } = v.stop ?? { code: null };
  return {
    id: v.id, groupId: v.groupId, action: v.action, reason: v.reason, requestedBy: v.requestedBy, status: v.status, outcome: v.outcome,
    targets: v.targets, counts: v.counts, aborted: v.aborted, abortCode: code, abortDetails: code === null ? null : details,
    abortReason: v.stop ? stopReasonText(v.stop) : null, startedAt: iso(v.startedAt), finishedAt: iso(v.finishedAt),
  };
}
