/**
 * The client machine (clients.md): one actor per screen, parallel regions connectivity / process /
 * service / screen / recovery. Pure: it reads no clock (every event carries `at`) and has no side
 * effects; the supervisor persists and publishes what changes. Its context and what each event
 * changes in it are in actors/client.context.ts. The one effect, `requestCommand` (the recovery
 * ladder asks for a command), is a no-op here and injected by the supervisor with `.provide()`;
 * the ladder's rules are in actors/client.recovery.ts.
 *
 * The grace timer is an `after` delay computed from absolute times kept in context (decision 2), so
 * an actor restored from the database (actors/client.restore.ts) goes offline at lastAlive + grace,
 * not grace after the restart.
 */
import { and, assign, not, raise, setup, stateIn } from 'xstate';
import type { ClientEvent } from './client.types.ts';
import type { CommandAction, CommandStatus } from './command.types.ts';
import * as ladder from './client.recovery.ts';
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

// ── recovery ladder transitions (actors/client.recovery.ts) ──────────────────────────────────
const UNSUCCESSFUL = ['failed', 'timed_out', 'expired'] as const satisfies readonly CommandStatus[];
const isLadder = (action: CommandAction, statuses?: readonly CommandStatus[]) => ({ type: 'ladderCommand' as const, params: { action, statuses } });
const note = (adopt: CommandAction | null) => ({ type: 'noteCommand' as const, params: { adopt } });
const request = (action: CommandAction, reason?: ladder.RecoveryReason) => [
  { type: 'startStep' as const, params: { action, reason } },
  { type: 'requestCommand' as const, params: ({ context }: { context: ClientContext }) => ({ action, reason: context.recovery.reason! }) },
];
/** The process reports `running` again: the ladder succeeded. */
const runningAgain = { guard: { type: 'reportsProcess' as const, params: { value: 'running' } }, target: 'idle', actions: 'endLadder' as const };
/** A crash report while the process was not crashed yet, with recovery on. */
const crashedNow = and(['crashReported', not(stateIn('#client.process.crashed')), 'recoveryEnabled']);
const ladderStart = [
  { guard: and([crashedNow, 'noRecentRebootKind']), target: 'restarting_app', actions: request('restart_app', 'process_crashed') },
  // commands.md: no candidate with a reboot-kind command in the lockout window: the ladder is exhausted.
  { guard: crashedNow, target: 'waiting_manual', actions: { type: 'waitManual' as const, params: { reason: 'process_crashed' as const } } },
];
/** Any state: an operator's command ends the ladder (a human is on it); a new reboot-kind is counted. */
const operatorOrNote = (adopt: CommandAction | null) => [
  { guard: 'operatorActed' as const, target: 'idle', actions: [note(null), 'endLadder' as const] },
  { guard: { type: 'noteworthy' as const, params: { adopt } }, actions: note(adopt) },
];

export const clientMachine = setup({
  types: {
    context: {} as ClientContext,
    events: {} as ClientEvent,
    input: {} as ClientInput,
  },
  delays: {
    /** Time left until the grace period after `lastAlive` runs out (0: at once). */
    grace: ({ context }) => Math.max(0, (context.lastAlive ?? context.now) + context.graceMs - context.now),
    /** The recovery ladder's current step gives up (absolute deadline in context). */
    recoveryDeadline: ({ context }) => ladder.untilDeadline(context),
    /** After going offline: until the silence is older than CRASH_RECOVERY_GRACE_SECONDS. */
    recoveryStale: ({ context }) => ladder.untilStale(context),
  },
  guards: {
    graceOver: ({ context, event }) => context.lastAlive !== null && event.at - context.lastAlive >= context.graceMs,
    reportsProcess: ({ event }, p: { value: string }) =>
      (event.type === 'HEARTBEAT' || event.type === 'HEALTH') && event.processStatus === p.value,
    reportsScreen: ({ event }, p: { value: string }) => event.type === 'HEALTH' && event.screenStatus === p.value,
    recoveryIs: ({ event }, p: { value: string }) => event.type === 'RECOVERY' && event.state === p.value,
    frozenByScreenshots: ({ context, event }) =>
      event.type === 'SCREENSHOT' && event.captureType === 'periodic' && event.identicalToPrevious && context.expected.expectedChanging,
    crashReported: ({ event }) => (event.type === 'HEARTBEAT' || event.type === 'HEALTH') && event.processStatus === 'crashed',
    recoveryEnabled: ({ context }) => ladder.enabled(context),
    noRecentRebootKind: ({ context, event }) => ladder.noRecentRebootKind(context, ladder.eventTime(context, event)),
    ladderCommand: ({ context, event }, p: { action: CommandAction; statuses?: readonly CommandStatus[] }) =>
      ladder.isLadderCommand(context, event, p.action, p.statuses),
    operatorActed: ({ event }) => ladder.operatorActed(event),
    /** Worth an assign: a new reboot-kind command, or the ladder's command to adopt. */
    noteworthy: ({ context, event }, p: { adopt: CommandAction | null }) =>
      ladder.newRebootKind(event) || (p.adopt !== null && context.recovery.commandId === null && ladder.isLadderCommand(context, event, p.adopt)),
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
    startStep: assign(({ context, event }, p: { action: CommandAction; reason?: ladder.RecoveryReason }) =>
      ladder.startStep(context, event, p.action, p.reason),
    ),
    waitManual: assign(({ context, event }, p?: { reason?: ladder.RecoveryReason }) => ladder.waitManual(context, event, p?.reason)),
    endLadder: assign(({ context }) => ladder.endLadder(context)),
    noteCommand: assign(({ context, event }, p: { adopt: CommandAction | null }) => ladder.noteCommand(context, event, p.adopt)),
    /** Effect: ask for the ladder's command (injected by the supervisor: CommandRegistry.issue). */
    requestCommand: (_, _p: { action: CommandAction; reason: ladder.RecoveryReason }) => {},
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
        // commands.md: a heartbeat older than CRASH_RECOVERY_GRACE_SECONDS makes a recovery candidate.
        offline: {
          after: {
            recoveryStale: {
              guard: and(['recoveryEnabled', stateIn('#client.recovery.idle')]),
              actions: raise(({ context }) => ({ type: 'HEARTBEAT_STALE' as const, at: ladder.staleAt(context) })),
            },
          },
        },
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
      // The crash-recovery ladder (commands.md "Crash auto-recovery"; rules in actors/client.recovery.ts).
      // Its steps are transition actions, not entry actions: RESUME re-enters a restored step to arm
      // its deadline (decision 2) without asking for the command again.
      states: {
        idle: {
          on: {
            HEARTBEAT: ladderStart,
            HEALTH: ladderStart,
            HEARTBEAT_STALE: [
              { guard: and(['recoveryEnabled', 'noRecentRebootKind']), target: 'rebooting', actions: request('reboot_host', 'heartbeat_stale') },
              { guard: 'recoveryEnabled', target: 'waiting_manual', actions: { type: 'waitManual', params: { reason: 'heartbeat_stale' } } },
            ],
            COMMAND_UPDATE: { guard: { type: 'noteworthy', params: { adopt: null } }, actions: note(null) },
          },
        },
        restarting_app: {
          // Not running again within the grace: reboot (recovery switched off meanwhile: stop).
          after: { recoveryDeadline: [{ guard: 'recoveryEnabled', target: 'rebooting', actions: request('reboot_host') }, { target: 'idle', actions: 'endLadder' }] },
          on: {
            HEARTBEAT: runningAgain,
            HEALTH: runningAgain,
            COMMAND_UPDATE: [
              { guard: isLadder('restart_app', ['blocked_safety']), target: 'waiting_manual', actions: [note('restart_app'), 'waitManual'] },
              { guard: and([isLadder('restart_app', UNSUCCESSFUL), 'recoveryEnabled']), target: 'rebooting', actions: [note('restart_app'), ...request('reboot_host')] },
              { guard: isLadder('restart_app', [...UNSUCCESSFUL, 'canceled']), target: 'idle', actions: 'endLadder' },
              ...operatorOrNote('restart_app'),
            ],
            RESUME: { target: 'restarting_app', reenter: true, actions: 'clock' },
          },
        },
        rebooting: {
          // Neither back to running nor escalated by expiry + grace: a human has to look.
          after: { recoveryDeadline: { target: 'waiting_manual', actions: 'waitManual' } },
          on: {
            HEARTBEAT: runningAgain,
            HEALTH: runningAgain,
            COMMAND_UPDATE: [
              // A failed / timed-out / expired reboot escalates after the cooldown (command machine).
              { guard: isLadder('reboot_host', ['blocked_safety', 'manual_intervention_required']), target: 'waiting_manual', actions: [note('reboot_host'), 'waitManual'] },
              { guard: isLadder('reboot_host', ['canceled']), target: 'idle', actions: 'endLadder' },
              { guard: and([isLadder('reboot_host', ['completed']), stateIn('#client.process.running')]), target: 'idle', actions: 'endLadder' },
              ...operatorOrNote('reboot_host'),
            ],
            RESUME: { target: 'rebooting', reenter: true, actions: 'clock' },
          },
        },
        // Shown until an operator acts (clients.md: critical, manual_intervention_required).
        waiting_manual: { on: { COMMAND_UPDATE: operatorOrNote(null) } },
      },
    },
  },
});
