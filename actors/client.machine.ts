/**
 * The client machine (clients.md): one actor per screen, parallel regions connectivity / process /
 * service / screen / recovery. Pure: it reads no clock (every event carries `at`) and has no side
 * effects; the supervisor persists and publishes what changes. Its context and what each event
 * changes in it are in actors/client.context.ts.
 *
 * The grace timer is an `after` delay computed from absolute times kept in context (decision 2), so
 * an actor restored from the database (actors/client.restore.ts) goes offline at lastAlive + grace,
 * not grace after the restart.
 */
import { and, assign, not, setup, stateIn } from 'xstate';
import type { ClientEvent } from './client.types.ts';
import {
  discovered,
  expectedEvent,
  healthFields,
  initialContext,
  logCounts,
  metaUpdated,
  processFields,
  screenshotTaken,
  seen,
  serviceCleared,
  serviceFailed,
  type ClientContext,
  type ClientInput,
} from './client.context.ts';

type Ev<T extends ClientEvent['type']> = Extract<ClientEvent, { type: T }>;

/**
 * One guarded transition per reported status, each to the state of that name, skipped when the
 * region is in it already (a self-transition would cost a full exit/entry on every health message).
 */
function toReported<S extends string, G extends string>(region: string, states: readonly S[], guard: G) {
  return states.map((s) => ({
    // (cast: XState's types cannot follow a guard name passed in as a type parameter)
    guard: and([{ type: guard, params: { value: s } } as never, not(stateIn(`#client.${region}.${s}`))]),
    target: `.${s}`,
  }));
}

const PROCESS = ['unknown', 'starting', 'running', 'crashed', 'stopped'] as const;
const SCREEN = ['OK', 'BLACK', 'FROZEN', 'UNKNOWN'] as const;
const RECOVERY = ['idle', 'restarting_app', 'rebooting', 'waiting_manual'] as const;

export const clientMachine = setup({
  types: {
    context: {} as ClientContext,
    events: {} as ClientEvent,
    input: {} as ClientInput,
  },
  delays: {
    /** Time left until the grace period after `lastAlive` runs out (0: at once). */
    grace: ({ context }) => Math.max(0, (context.lastAlive ?? context.now) + context.graceMs - context.now),
  },
  guards: {
    graceOver: ({ context, event }) => context.lastAlive !== null && event.at - context.lastAlive >= context.graceMs,
    reportsProcess: ({ event }, p: { value: string }) =>
      (event.type === 'HEARTBEAT' || event.type === 'HEALTH') && event.processStatus === p.value,
    reportsScreen: ({ event }, p: { value: string }) => event.type === 'HEALTH' && event.screenStatus === p.value,
    recoveryIs: ({ event }, p: { value: string }) => event.type === 'RECOVERY' && event.state === p.value,
    frozenByScreenshots: ({ context, event }) =>
      event.type === 'SCREENSHOT' && event.captureType === 'periodic' && event.identicalToPrevious && context.expected.expectedChanging,
  },
  // One assign per event: XState copies the context and rebuilds the snapshot once per assign.
  actions: {
    clock: assign({ now: ({ event }) => event.at }),
    discovered: assign(({ context, event }) => Object.assign(seen(event), discovered(context, event as Ev<'DISCOVERED'>))),
    heartbeat: assign(({ context, event }) => Object.assign(seen(event), processFields(context, event as Ev<'HEARTBEAT'>))),
    health: assign(({ context, event }) => {
      const e = event as Ev<'HEALTH'>;
      return Object.assign(seen(e), processFields(context, e), healthFields(context, e));
    }),
    logged: assign(({ context, event }) => Object.assign(seen(event), logCounts(context, event as Ev<'LOG'>))),
    screenshot: assign(({ context, event }) => Object.assign(seen(event), screenshotTaken(context, event as Ev<'SCREENSHOT'>))),
    serviceFailed: assign(({ event }) => serviceFailed(event as Ev<'SERVICE_FAILED'>)),
    serviceCleared: assign(({ event }) => serviceCleared(event)),
    meta: assign(({ context, event }) => metaUpdated(context, event as Ev<'UPDATE_META'>)),
    expected: assign(({ event }) => expectedEvent(event as Ev<'EXPECTED_EVENT'>)),
  },
}).createMachine({
  id: 'client',
  type: 'parallel',
  context: ({ input }) => initialContext(input),
  // Events no region reacts to. (A root handler does not run when a region handles the same event,
  // so what a client message carries is recorded by the connectivity transition below.)
  on: {
    TICK: { actions: 'clock' },
    UPDATE_META: { actions: 'meta' },
    EXPECTED_EVENT: { actions: 'expected' },
  },
  states: {
    connectivity: {
      initial: 'unknown',
      // Any message the client itself sends marks it seen, records what it carries (one assign per
      // event) and restarts the grace timer (the target `.online` is exited and entered again, so
      // its `after` is re-armed; `reenter: true` here would make the whole machine the transition
      // domain and pre-empt the other regions). A retained service_failed notice does not: the
      // broker replays it even when the client is long dead.
      on: {
        DISCOVERED: { target: '.online', actions: 'discovered' },
        HEARTBEAT: { target: '.online', actions: 'heartbeat' },
        HEALTH: { target: '.online', actions: 'health' },
        LOG: { target: '.online', actions: 'logged' },
        SCREENSHOT: { target: '.online', actions: 'screenshot' },
      },
      states: {
        unknown: {},
        online: {
          after: { grace: 'offline' },
          // After a restore from the database: enter `online` again so its grace timer is armed
          // (XState does not re-arm `after` for a restored snapshot, decision 2). The supervisor may
          // send it some time after the restore (actors/supervisor.ts), so it moves the clock the
          // delay is computed from, and when the grace period has run out meanwhile: offline now.
          on: {
            RESUME: [
              { guard: 'graceOver', target: 'offline', actions: 'clock' },
              { target: 'online', reenter: true, actions: 'clock' },
            ],
          },
        },
        offline: {},
      },
    },
    process: {
      initial: 'unknown',
      // The reported fields themselves are recorded by the connectivity transition (`heartbeat`, `health`).
      on: {
        HEARTBEAT: toReported('process', PROCESS, 'reportsProcess'),
        HEALTH: toReported('process', PROCESS, 'reportsProcess'),
      },
      states: {
        unknown: {},
        starting: {},
        running: {},
        crashed: {},
        stopped: {},
      },
    },
    service: {
      initial: 'ok',
      states: {
        ok: { on: { SERVICE_FAILED: { target: 'failed', actions: 'serviceFailed' } } },
        failed: {
          on: {
            // A repeated notice (another unit, a later failure) updates the details.
            SERVICE_FAILED: { actions: 'serviceFailed' },
            // Only an operator's acknowledgement clears it (clients.md).
            SERVICE_ACKNOWLEDGED: { target: 'ok', actions: 'serviceCleared' },
          },
        },
      },
    },
    screen: {
      initial: 'UNKNOWN',
      on: {
        HEALTH: toReported('screen', SCREEN, 'reportsScreen'),
        SCREENSHOT: { guard: 'frozenByScreenshots', target: '.FROZEN' },
      },
      states: { OK: {}, BLACK: {}, FROZEN: {}, UNKNOWN: {} },
    },
    recovery: {
      initial: 'idle',
      on: { RECOVERY: toReported('recovery', RECOVERY, 'recoveryIs') },
      states: {
        idle: {},
        restarting_app: {},
        rebooting: {},
        waiting_manual: {},
      },
    },
  },
});
