/** The vocabulary of a bulk run (docs/commands.md "Bulk actions"): its counts and why it stopped issuing. */

export interface BulkCounts {
  issued: number; // commands created and running (blocked ones excluded)
  blocked: number; // refused by the lockout (blocked_safety)
  skipped: number; // never issued because the run stopped
  completed: number;
  failed: number;
  timedOut: number;
  expired: number;
  canceled: number;
}

export type StopReason =
  /** The 5 % rule: `failed` of `finished` commands failed or timed out (`percent` > `limit`). */
  | { code: 'failure_ratio'; failed: number; finished: number; percent: number; limit: number; notIssued: number }
  /** An operator stopped it (`note`: the reason they gave). */
  | { code: 'operator'; by: string; note: string | null }
  /** The server stopped while the run was still issuing; nothing more was issued after the restart. */
  | { code: 'server_restart' };
