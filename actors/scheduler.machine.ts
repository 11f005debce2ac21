/**
 * The scheduler's statechart (docs/scheduler.md "Publishing"): only the chart. A cycle
 * (computing and publishing the active events and power intents) is the invoked `cycle` actor,
 * implemented by actors/scheduler.ts. Work arriving while a cycle runs is queued and runs right
 * after it, so cycles never overlap and an edit never waits for the next poll.
 *
 *   cycling ──done──▶ deciding ──work queued──▶ cycling
 *                         └──────otherwise─────▶ waiting ──poll due / CHANGED / BROKER_CONNECTED──▶ cycling
 *
 * The poll is due at an absolute time (`nextPollAt`, docs/architecture.md "Absolute deadlines"), so edits in between do not
 * postpone it. Events carry `at` (the service's clock): the chart never reads a clock.
 */
import { assertEvent, assign, fromPromise, setup } from 'xstate';

/** What one cycle has to do. */
export interface CycleWork {
  full: boolean; // the periodic poll: every group, heartbeats, refresh
  reconnect: boolean; // after a broker (re)connect or at start-up: publish everything again
  groups: number[]; // edited groups: recompute and publish at once
}

export interface CycleResult {
  at: number; // clock time when the cycle finished
}

export interface SchedulerContext {
  pollMs: number;
  now: number; // last known clock time (from events and cycle results)
  nextPollAt: number;
  pending: CycleWork;
  current: CycleWork;
  cycles: number;
  failures: number;
}

export type SchedulerEvent =
  | { type: 'CHANGED'; at: number; groups: number[] }
  | { type: 'BROKER_CONNECTED'; at: number };

export interface SchedulerInput {
  pollMs: number;
  now: number;
}

const NOTHING: CycleWork = { full: false, reconnect: false, groups: [] };

const merge = (a: CycleWork, b: Partial<CycleWork>): CycleWork => ({
  full: a.full || !!b.full,
  reconnect: a.reconnect || !!b.reconnect,
  groups: b.groups?.length ? [...new Set([...a.groups, ...b.groups])] : a.groups,
});

export const schedulerMachine = setup({
  types: {
    context: {} as SchedulerContext,
    events: {} as SchedulerEvent,
    input: {} as SchedulerInput,
  },
  actors: {
    // Provided by actors/scheduler.ts; must not reject (it reports its own failures).
    cycle: fromPromise<CycleResult, CycleWork>(async () => {
      throw new Error('scheduler cycle not provided');
    }),
  },
  delays: {
    untilPoll: ({ context }) => Math.max(0, context.nextPollAt - context.now),
  },
  guards: {
    workQueued: ({ context }) => context.pending.full || context.pending.reconnect || context.pending.groups.length > 0,
  },
  actions: {
    queueChange: assign(({ context, event }) => {
      assertEvent(event, 'CHANGED');
      return { now: Math.max(context.now, event.at), pending: merge(context.pending, { groups: event.groups }) };
    }),
    queueReconnect: assign(({ context, event }) => {
      assertEvent(event, 'BROKER_CONNECTED');
      return { now: Math.max(context.now, event.at), pending: merge(context.pending, { reconnect: true }) };
    }),
    // The delay elapsed, so the clock reads (at least) nextPollAt; the next poll is one interval
    // later, or one interval from now after a stall (no burst of catch-up polls).
    queuePoll: assign(({ context }) => {
      const now = Math.max(context.now, context.nextPollAt);
      const next = context.nextPollAt + context.pollMs;
      return { now, nextPollAt: next > now ? next : now + context.pollMs, pending: merge(context.pending, { full: true }) };
    }),
    takePending: assign(({ context }) => ({ current: context.pending, pending: NOTHING })),
    // The cycle actor's output comes in as params (invoke below).
    cycleDone: assign(({ context }, out: CycleResult) => ({ now: Math.max(context.now, out.at), cycles: context.cycles + 1 })),
    cycleFailed: assign(({ context }) => ({ failures: context.failures + 1 })),
  },
}).createMachine({
  id: 'scheduler',
  context: ({ input }) => ({
    pollMs: input.pollMs,
    now: input.now,
    nextPollAt: input.now + input.pollMs,
    // Start-up: docs/scheduler.md "The contract in short".
    pending: { full: true, reconnect: true, groups: [] },
    current: NOTHING,
    cycles: 0,
    failures: 0,
  }),
  initial: 'cycling',
  states: {
    waiting: {
      after: { untilPoll: { target: 'cycling', actions: 'queuePoll' } },
      on: {
        CHANGED: { target: 'cycling', actions: 'queueChange' },
        BROKER_CONNECTED: { target: 'cycling', actions: 'queueReconnect' },
      },
    },
    cycling: {
      entry: 'takePending',
      invoke: {
        src: 'cycle',
        input: ({ context }) => context.current,
        onDone: { target: 'deciding', actions: { type: 'cycleDone', params: ({ event }) => event.output } },
        onError: { target: 'deciding', actions: 'cycleFailed' },
      },
      on: {
        CHANGED: { actions: 'queueChange' },
        BROKER_CONNECTED: { actions: 'queueReconnect' },
      },
    },
    deciding: {
      always: [{ guard: 'workQueued', target: 'cycling' }, { target: 'waiting' }],
    },
  },
});
