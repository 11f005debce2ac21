/**
 * One bulk run (docs/commands.md "Bulk actions"): one command per selected client, issued through the
 * injected `issueOne` actor (the registry applies the lockout per client), with at most `window`
 * commands in flight; it stops issuing once more than 5 % of the commands already finished ended
 * `failed` or `timed_out` (a canary rule: a bad rollout stops after the first casualties, not
 * after the whole group). Pure: no clock, no I/O; the owner (actors/bulk-runs.ts) feeds FINISHED.
 *
 * Decisions: `expired` and `manual_intervention_required` count as failures too (a command that
 * never completed by its deadline is a timeout by another name); `canceled` finishes without
 * counting as a failure; `blocked_safety` never runs, so it is neither in flight nor finished.
 */
import { assign, fromPromise, setup } from 'xstate';
import type { CommandAction, CommandStatus } from '../domain/command.types.ts';
import type { BulkCounts, StopReason } from '../domain/bulk-run.types.ts';

export type { BulkCounts };

/** docs/commands.md: stop issuing when MORE than 5 % of the finished commands failed or timed out. */
export const MAX_FAILURE_RATIO = 0.05;
export const DEFAULT_WINDOW = 5; // commands in flight at once

export interface BulkRunInput {
  runId: string;
  targets: string[]; // client uuids, in issuing order
  action: CommandAction;
  reason: string;
  requestedBy: number | null;
  window?: number;
}

export interface BulkRunContext extends Required<BulkRunInput> {
  next: number; // index of the next target to issue
  inFlight: string[]; // command ids issued and not finished
  commandIds: string[]; // every command created, blocked ones included, in issuing order
  counts: BulkCounts;
  aborted: boolean;
  stop: StopReason | null; // why it stopped issuing (actors/bulk-run.outcome.ts)
}

export type IssueOneInput = Pick<BulkRunContext, 'runId' | 'action' | 'reason' | 'requestedBy'> & { uuid: string };
export interface IssueOneOutput {
  commandId: string;
  blocked: boolean;
}

export type BulkRunEvent =
  | { type: 'FINISHED'; commandId: string; status: CommandStatus }
  // An operator stops the run: nothing more is issued; commands already sent run to their end.
  | { type: 'ABORT'; by: string; note?: string | null };

const finishedCount = (c: BulkCounts) => c.completed + c.failed + c.timedOut + c.expired + c.canceled;
const failureCount = (c: BulkCounts) => c.failed + c.timedOut + c.expired;

/** Counts after one more command finished with `status`. */
function count(c: BulkCounts, status: CommandStatus): BulkCounts {
  if (status === 'completed') return { ...c, completed: c.completed + 1 };
  if (status === 'timed_out') return { ...c, timedOut: c.timedOut + 1 };
  if (status === 'expired') return { ...c, expired: c.expired + 1 };
  if (status === 'canceled') return { ...c, canceled: c.canceled + 1 };
  return { ...c, failed: c.failed + 1 }; // failed, manual_intervention_required
}

/** The abort rule, applied after every finished command; only stops what is still to issue. */
function withAbortRule(ctx: BulkRunContext, counts: BulkCounts): Partial<BulkRunContext> {
  const remaining = ctx.targets.length - ctx.next;
  const finished = finishedCount(counts);
  const bad = failureCount(counts);
  if (ctx.aborted || remaining === 0 || finished === 0 || bad / finished <= MAX_FAILURE_RATIO) return { counts };
  const percent = Math.round((bad / finished) * 1000) / 10;
  return {
    counts: { ...counts, skipped: remaining },
    aborted: true,
    stop: { code: 'failure_ratio', failed: bad, finished, percent, limit: MAX_FAILURE_RATIO * 100, notIssued: remaining },
  };
}

export const bulkRunMachine = setup({
  types: {
    context: {} as BulkRunContext,
    events: {} as BulkRunEvent,
    input: {} as BulkRunInput,
  },
  actors: {
    issueOne: fromPromise<IssueOneOutput, IssueOneInput>(async () => {
      throw new Error('issueOne not provided'); // injected by the owner with .provide()
    }),
  },
  guards: {
    nothingLeftToIssue: ({ context }) => context.aborted || context.next >= context.targets.length,
    windowFull: ({ context }) => context.inFlight.length >= context.window,
    allFinished: ({ context }) => context.inFlight.length === 0,
  },
  actions: {
    // The issueOne actor's output comes in as params (invoke below).
    issued: assign(({ context }, out: IssueOneOutput) => {
      const counts = out.blocked ? { ...context.counts, blocked: context.counts.blocked + 1 } : { ...context.counts, issued: context.counts.issued + 1 };
      // Stopped while this one was being issued: it was counted as skipped, but it went out.
      if (context.aborted) counts.skipped = Math.max(0, counts.skipped - 1);
      return {
        next: context.next + 1,
        counts,
        commandIds: [...context.commandIds, out.commandId],
        inFlight: out.blocked ? context.inFlight : [...context.inFlight, out.commandId],
      };
    }),
    // The registry threw (a bug, not a client's answer): count it as a failure so the rule sees it.
    issueFailed: assign(({ context }) => {
      const ctx = { ...context, next: context.next + 1 };
      const counts = { ...context.counts, failed: context.counts.failed + 1 };
      if (context.aborted) counts.skipped = Math.max(0, counts.skipped - 1); // as in `issued`
      return { next: ctx.next, ...withAbortRule(ctx, counts) };
    }),
    aborted: assign(({ context, event }) => {
      if (event.type !== 'ABORT' || context.aborted) return {};
      const remaining = context.targets.length - context.next;
      const stop: StopReason = { code: 'operator', by: event.by, note: event.note || null };
      return { aborted: true, stop, counts: { ...context.counts, skipped: context.counts.skipped + remaining } };
    }),
    finished: assign(({ context, event }) => {
      if (event.type !== 'FINISHED' || !context.inFlight.includes(event.commandId)) return {}; // a duplicate, or not ours
      const ctx = { ...context, inFlight: context.inFlight.filter((id) => id !== event.commandId) };
      return { inFlight: ctx.inFlight, ...withAbortRule(ctx, count(context.counts, event.status)) };
    }),
  },
}).createMachine({
  id: 'bulkRun',
  context: ({ input }) => ({
    ...input,
    window: Math.max(1, input.window ?? DEFAULT_WINDOW),
    next: 0,
    inFlight: [],
    commandIds: [],
    counts: { issued: 0, blocked: 0, skipped: 0, completed: 0, failed: 0, timedOut: 0, expired: 0, canceled: 0 },
    aborted: false,
    stop: null,
  }),
  initial: 'deciding',
  // A command may finish while the next one is being issued: count it wherever the run is.
  on: { FINISHED: { actions: 'finished' }, ABORT: { actions: 'aborted' } },
  states: {
    deciding: {
      always: [{ guard: 'nothingLeftToIssue', target: 'draining' }, { guard: 'windowFull', target: 'waiting' }, { target: 'issuing' }],
    },
    issuing: {
      invoke: {
        src: 'issueOne',
        input: ({ context }) => ({
          runId: context.runId,
          uuid: context.targets[context.next],
          action: context.action,
          reason: context.reason,
          requestedBy: context.requestedBy,
        }),
        onDone: { target: 'deciding', actions: { type: 'issued', params: ({ event }) => event.output } },
        onError: { target: 'deciding', actions: 'issueFailed' },
      },
    },
    waiting: {
      on: { FINISHED: { target: 'deciding', actions: 'finished' }, ABORT: { target: 'deciding', actions: 'aborted' } },
    },
    // Nothing more to issue (all issued, or aborted): wait for the commands still in flight.
    draining: {
      always: { guard: 'allFinished', target: 'done' },
      on: { FINISHED: { target: 'draining', reenter: true, actions: 'finished' } },
    },
    done: { type: 'final' },
  },
});
