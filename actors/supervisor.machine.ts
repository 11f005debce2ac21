/**
 * The supervisor's own story as a statechart, so the inspector shows a `supervisor` actor like the
 * others (docs/inspector.md): the supervisor itself stays a registry class (a Map of root client
 * actors, see supervisor.ts); this small actor records what happens to the registry as a whole:
 * the start-up restore, client actors that failed and were recreated (failure isolation), and the
 * outage heuristic's verdicts. Pure: times and durations arrive in the events.
 *
 * Live aggregates (clients by state, commands in flight) are not kept here: they change with every
 * message and are computed when someone asks (actors/inspection/supervisor-report.ts).
 */
import { assign, setup } from 'xstate';

export interface SupervisorContext {
  /** Client actors restored from the database at start-up. */
  restored: number;
  restoreMs: number | null;
  restoredAt: number | null;
  /** Client actors that threw and were recreated from their last good record. */
  failuresIsolated: number;
  lastFailure: { uuid: string; error: string; at: number } | null;
  /** Suspected broker/network outages since start-up, and when the current one began. */
  outages: number;
  outageSince: number | null;
  lastOutageEnded: number | null;
}

export type SupervisorEvent =
  | { type: 'RESTORED'; clients: number; ms: number; at: number }
  | { type: 'ACTOR_FAILED'; uuid: string; error: string; at: number }
  | { type: 'OUTAGE_SUSPECTED'; at: number }
  | { type: 'OUTAGE_RESOLVED'; at: number };

export const supervisorMachine = setup({
  types: { context: {} as SupervisorContext, events: {} as SupervisorEvent },
  actions: {
    restored: assign(({ event }) => (event.type === 'RESTORED' ? { restored: event.clients, restoreMs: event.ms, restoredAt: event.at } : {})),
    failed: assign(({ context, event }) =>
      event.type === 'ACTOR_FAILED' ? { failuresIsolated: context.failuresIsolated + 1, lastFailure: { uuid: event.uuid, error: event.error, at: event.at } } : {},
    ),
    outageStarted: assign(({ context, event }) => ({ outages: context.outages + 1, outageSince: event.at })),
    outageEnded: assign(({ event }) => ({ outageSince: null, lastOutageEnded: event.at })),
  },
}).createMachine({
  id: 'supervisor',
  context: { restored: 0, restoreMs: null, restoredAt: null, failuresIsolated: 0, lastFailure: null, outages: 0, outageSince: null, lastOutageEnded: null },
  type: 'parallel',
  // A failing client actor is isolated whatever else is going on.
  on: { ACTOR_FAILED: { actions: 'failed' } },
  states: {
    lifecycle: {
      initial: 'restoring',
      states: {
        restoring: { on: { RESTORED: { target: 'supervising', actions: 'restored' } } },
        supervising: {},
      },
    },
    fleet: {
      initial: 'normal',
      states: {
        normal: { on: { OUTAGE_SUSPECTED: { target: 'outageSuspected', actions: 'outageStarted' } } },
        outageSuspected: { on: { OUTAGE_RESOLVED: { target: 'normal', actions: 'outageEnded' } } },
      },
    },
  },
});
