/**
 * The client machine (clients.md): one actor per screen, parallel regions connectivity / process /
 * service / screen / recovery. Pure: it reads no clock (every event carries `at`) and has no side
 * effects; the supervisor persists and publishes what changes.
 *
 * The grace timer is an `after` delay computed from absolute times kept in context (decision 2), so
 * an actor restored from the database (actors/client.restore.ts) goes offline at lastAlive + grace,
 * not grace after the restart.
 */
import { and, assign, not, setup, stateIn } from 'xstate';
import type { CaptureType, ClientEvent, ClientRecord } from './client.types.ts';

const HOUR = 3_600_000;
const RECENT_LOG_CAP = 20; // timestamps kept per level: enough for the "≥ 5 WARN in the last hour" rule

/** Everything of the record that is not a region's state, plus what the derived status needs. */
export type ClientContext = Omit<
  ClientRecord,
  'connectivity' | 'processStatus' | 'serviceStatus' | 'screenHealthStatus' | 'recoveryState' | 'status' | 'statusReasons'
> & {
  now: number; // time of the latest event (server clock)
  graceMs: number;
  expectedKnown: boolean; // the scheduler has told us what should play
  expectedChanging: boolean; // the expected event changes on screen (video): identical screenshots mean frozen
  recentErrors: number[]; // receive times of ERROR logs in the last hour
  recentWarns: number[];
};

export interface ClientInput {
  record: ClientRecord;
  now: number;
  graceMs: number;
  recentErrors?: number[];
  recentWarns?: number[];
}

type Ev<T extends ClientEvent['type']> = Extract<ClientEvent, { type: T }>;

const within = (times: number[], now: number) => times.filter((t) => now - t < HOUR);

/**
 * One guarded transition per reported status, each to the state of that name, skipped when the
 * region is in it already (a self-transition would cost a full exit/entry on every health message).
 */
function toReported<S extends string, G extends string, A extends string>(region: string, states: readonly S[], guard: G, actions: A[]) {
  return states.map((s) => ({
    // (cast: XState's types cannot follow a guard name passed in as a type parameter)
    guard: and([{ type: guard, params: { value: s } } as never, not(stateIn(`#client.${region}.${s}`))]),
    target: `.${s}`,
    actions,
  }));
}

/** The context of a client from its record (a new client, or one restored by actors/client.restore.ts). */
export function initialContext(input: ClientInput): ClientContext {
  const { connectivity, processStatus, serviceStatus, screenHealthStatus, recoveryState, status, statusReasons, ...rest } = input.record;
  return {
    ...rest,
    now: input.now,
    graceMs: input.graceMs,
    expectedKnown: false,
    expectedChanging: false,
    recentErrors: within(input.recentErrors ?? [], input.now),
    recentWarns: within(input.recentWarns ?? [], input.now),
  };
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
    reportsProcess: ({ event }, p: { value: string }) =>
      (event.type === 'HEARTBEAT' || event.type === 'HEALTH') && event.processStatus === p.value,
    reportsScreen: ({ event }, p: { value: string }) => event.type === 'HEALTH' && event.screenStatus === p.value,
    recoveryIs: ({ event }, p: { value: string }) => event.type === 'RECOVERY' && event.state === p.value,
    frozenByScreenshots: ({ context, event }) =>
      event.type === 'SCREENSHOT' && event.captureType === 'periodic' && event.identicalToPrevious && context.expectedChanging,
  },
  actions: {
    clock: assign({ now: ({ event }) => event.at }),
    seen: assign({ lastAlive: ({ event }) => event.at, now: ({ event }) => event.at }),
    discovered: assign(({ context, event }) => {
      const e = event as Ev<'DISCOVERED'>;
      return {
        discovered: true,
        discoveredAt: context.discoveredAt ?? e.at,
        hostname: e.hostname !== undefined ? e.hostname : context.hostname,
        ip: e.ip !== undefined ? e.ip : context.ip,
        hardware: e.hardware !== undefined ? e.hardware : context.hardware,
        softwareVersion: e.softwareVersion !== undefined ? e.softwareVersion : context.softwareVersion,
      };
    }),
    processFields: assign(({ context, event }) => {
      const e = event as Ev<'HEARTBEAT'> | Ev<'HEALTH'>;
      return {
        currentProcess: e.processName !== undefined ? e.processName : context.currentProcess,
        processPid: e.pid !== undefined ? e.pid : context.processPid,
        currentEventId: e.currentEventId !== undefined ? e.currentEventId : context.currentEventId,
      };
    }),
    healthFields: assign(({ context, event }) => {
      const e = event as Ev<'HEALTH'>;
      const count = e.reconnectCount !== undefined ? e.reconnectCount : context.mqttReconnectCount;
      const rose = count !== null && context.mqttReconnectCount !== null && count > context.mqttReconnectCount;
      return {
        lastFrameUpdate: e.lastFrameUpdate !== undefined ? e.lastFrameUpdate : context.lastFrameUpdate,
        mqttReconnectCount: count,
        mqttLastDisconnectAt: e.lastDisconnectAt !== undefined ? e.lastDisconnectAt : context.mqttLastDisconnectAt,
        mqttReconnectRoseAt: rose ? e.at : context.mqttReconnectRoseAt,
      };
    }),
    countLog: assign(({ context, event }) => {
      const e = event as Ev<'LOG'>;
      if (e.level === 'ERROR') return { recentErrors: within(context.recentErrors, e.at).slice(-RECENT_LOG_CAP + 1).concat(e.at) };
      if (e.level === 'WARN') return { recentWarns: within(context.recentWarns, e.at).slice(-RECENT_LOG_CAP + 1).concat(e.at) };
      return {};
    }),
    screenshot: assign(({ event }) => {
      const e = event as Ev<'SCREENSHOT'>;
      const priority = e.captureType !== 'periodic';
      return {
        latestScreenshotType: e.captureType as CaptureType,
        latestScreenshotAt: e.at,
        ...(priority ? { priorityScreenshotType: e.captureType as CaptureType, priorityScreenshotAt: e.at } : {}),
      };
    }),
    serviceFailed: assign(({ event }) => {
      const e = event as Ev<'SERVICE_FAILED'>;
      return { serviceFailedAt: e.failedAt, serviceFailedUnit: e.unit };
    }),
    serviceCleared: assign({ serviceFailedAt: null, serviceFailedUnit: null }),
    meta: assign(({ context, event }) => {
      const e = event as Ev<'UPDATE_META'>;
      return {
        description: e.description !== undefined ? e.description : context.description,
        groupId: e.groupId !== undefined ? e.groupId : context.groupId,
        isActive: e.isActive !== undefined ? e.isActive : context.isActive,
      };
    }),
    expected: assign(({ event }) => {
      const e = event as Ev<'EXPECTED_EVENT'>;
      return { expectedEventId: e.eventId, expectedKnown: true, expectedChanging: e.changing };
    }),
  },
}).createMachine({
  id: 'client',
  type: 'parallel',
  context: ({ input }) => initialContext(input),
  // Events no region reacts to. (A root handler does not run when a region handles the same event,
  // so identity and log counting ride on the connectivity transition below.)
  on: {
    TICK: { actions: 'clock' },
    UPDATE_META: { actions: ['clock', 'meta'] },
    EXPECTED_EVENT: { actions: ['clock', 'expected'] },
  },
  states: {
    connectivity: {
      initial: 'unknown',
      // Any message the client itself sends marks it seen and restarts the grace timer (the target
      // `.online` is exited and entered again, so its `after` is re-armed; `reenter: true` here would
      // make the whole machine the transition domain and pre-empt the other regions). A retained
      // service_failed notice does not: the broker replays it even when the client is long dead.
      on: {
        DISCOVERED: { target: '.online', actions: ['seen', 'discovered'] },
        HEARTBEAT: { target: '.online', actions: 'seen' },
        HEALTH: { target: '.online', actions: 'seen' },
        LOG: { target: '.online', actions: ['seen', 'countLog'] },
        SCREENSHOT: { target: '.online', actions: 'seen' },
      },
      states: {
        unknown: {},
        online: {
          after: { grace: 'offline' },
          // After a restore from the database: enter `online` again so its grace timer is armed
          // (XState does not re-arm `after` for a restored snapshot, decision 2).
          on: { RESUME: { target: 'online', reenter: true } },
        },
        offline: {},
      },
    },
    process: {
      initial: 'unknown',
      on: {
        HEARTBEAT: [...toReported('process', PROCESS, 'reportsProcess', ['processFields']), { actions: 'processFields' }],
        HEALTH: [
          ...toReported('process', PROCESS, 'reportsProcess', ['processFields', 'healthFields']),
          { actions: ['processFields', 'healthFields'] },
        ],
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
        ok: { on: { SERVICE_FAILED: { target: 'failed', actions: ['clock', 'serviceFailed'] } } },
        failed: {
          on: {
            // A repeated notice (another unit, a later failure) updates the details.
            SERVICE_FAILED: { actions: ['clock', 'serviceFailed'] },
            // Only an operator's acknowledgement clears it (clients.md).
            SERVICE_ACKNOWLEDGED: { target: 'ok', actions: ['clock', 'serviceCleared'] },
          },
        },
      },
    },
    screen: {
      initial: 'UNKNOWN',
      on: {
        HEALTH: toReported('screen', SCREEN, 'reportsScreen', []),
        SCREENSHOT: [{ guard: 'frozenByScreenshots', target: '.FROZEN', actions: 'screenshot' }, { actions: 'screenshot' }],
      },
      states: { OK: {}, BLACK: {}, FROZEN: {}, UNKNOWN: {} },
    },
    recovery: {
      initial: 'idle',
      on: { RECOVERY: toReported('recovery', RECOVERY, 'recoveryIs', []) },
      states: {
        idle: {},
        restarting_app: {},
        rebooting: {},
        waiting_manual: {},
      },
    },
  },
});
