/**
 * The client machine (docs/clients.md): one actor per screen, parallel regions connectivity / process /
 * service / screen / frozen / recovery. Pure: it reads no clock (every event carries `at`) and has no side
 * effects; the supervisor persists and publishes what changes. Its context and what each event
 * changes in it are in actors/client.context.ts. The one effect, `requestCommand` (the recovery
 * ladder asks for a command), is a no-op here and injected by the supervisor with `.provide()`;
 * the ladder's rules are in actors/client.recovery.ts, its region's chart in
 * actors/client.recovery-region.ts (so this file reads as the overview of the regions).
 *
 * The grace timer is an `after` delay computed from absolute times kept in context (docs/architecture.md "Absolute deadlines"), so
 * an actor restored from the database (actors/client.restore.ts) goes offline at lastAlive + grace,
 * not grace after the restart.
 */
import { and, assertEvent, assign, not, raise, setup, stateIn } from 'xstate';
import type { ClientEvent, RecoveryReason } from '../domain/client.types.ts';
import type { CommandAction, CommandStatus } from '../domain/command.types.ts';
import * as ladder from './client.recovery.ts';
import { recoveryRegion } from './client.recovery-region.ts';
import { toReported } from './client.reported.ts';
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

const PROCESS = ['unknown', 'starting', 'running', 'crashed', 'stopped'] as const;
const SCREEN = ['OK', 'BLACK', 'FROZEN', 'UNKNOWN'] as const;

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
    /** A periodic capture that differs from the one before: the picture moves again. */
    screenChanged: ({ event }) => event.type === 'SCREENSHOT' && event.captureType === 'periodic' && !event.identicalToPrevious,
    noVideoExpected: ({ event }) => event.type === 'EXPECTED_EVENT' && !event.changing,
    crashReported: ({ event }) => (event.type === 'HEARTBEAT' || event.type === 'HEALTH') && event.processStatus === 'crashed',
    recoveryEnabled: ({ context }) => ladder.enabled(context),
    noRecentRebootKind: ({ context, event }) => ladder.noRecentRebootKind(context, ladder.eventTime(context, event)),
    ladderCommand: ({ context, event }, p: { action: CommandAction; statuses?: readonly CommandStatus[] }) =>
      ladder.isLadderCommand(context, event, p.action, p.statuses),
    operatorActed: ({ event }) => ladder.operatorActed(event),
    /** A fleet outage is suspected and this client is part of it (docs/clients-screens.md "Outage alerts"). */
    outageHeld: ({ context }) => context.recovery.outageHeld,
    outageSuspected: ({ event }) => ladder.outageSuspected(event),
    staleLadder: ({ context }) => ladder.staleLadder(context),
    /** Worth an assign: a new reboot-kind command, or the ladder's command to adopt. */
    noteworthy: ({ context, event }, p: { adopt: CommandAction | null }) =>
      ladder.newRebootKind(event) || (p.adopt !== null && context.recovery.commandId === null && ladder.isLadderCommand(context, event, p.adopt)),
  },
  // One assign per event: XState copies the context and rebuilds the snapshot once per assign.
  actions: {
    clock: assign({ now: ({ event }) => event.at }),
    discovered: assign(({ context, event }) => {
      assertEvent(event, 'DISCOVERED');
      return Object.assign(seen(event), discovered(context, event));
    }),
    heartbeat: assign(({ context, event }) => {
      assertEvent(event, 'HEARTBEAT');
      return Object.assign(seen(event), processFields(context, event));
    }),
    health: assign(({ context, event }) => {
      assertEvent(event, 'HEALTH');
      return Object.assign(seen(event), processFields(context, event), healthFields(context, event));
    }),
    logged: assign(({ context, event }) => {
      assertEvent(event, 'LOG');
      return Object.assign(seen(event), logCounts(context, event));
    }),
    screenshot: assign(({ context, event }) => {
      assertEvent(event, 'SCREENSHOT');
      return Object.assign(seen(event), screenshotTaken(context, event));
    }),
    serviceFailed: assign(({ event }) => {
      assertEvent(event, 'SERVICE_FAILED');
      return serviceFailed(event);
    }),
    serviceCleared: assign(({ event }) => serviceCleared(event)),
    meta: assign(({ context, event }) => {
      assertEvent(event, 'UPDATE_META');
      return metaUpdated(context, event);
    }),
    expected: assign(({ event }) => {
      assertEvent(event, 'EXPECTED_EVENT');
      return expectedEvent(event);
    }),
    startStep: assign(({ context, event }, p: { action: CommandAction; reason?: RecoveryReason }) =>
      ladder.startStep(context, event, p.action, p.reason),
    ),
    waitManual: assign(({ context, event }, p?: { reason?: RecoveryReason }) => ladder.waitManual(context, event, p?.reason)),
    endLadder: assign(({ context }) => ladder.endLadder(context)),
    noteCommand: assign(({ context, event }, p: { adopt: CommandAction | null }) => ladder.noteCommand(context, event, p.adopt)),
    outage: assign(({ context, event }) => ladder.outageNoted(context, event)),
    /** Effect: ask for the ladder's command (injected by the supervisor: CommandRegistry.issue). */
    requestCommand: (_, _p: { action: CommandAction; reason: RecoveryReason }) => {},
    /** Effect: withdraw the ladder's command if it has not run yet (injected: CommandRegistry.cancel). */
    cancelCommand: (_, _p: { commandId: string | null }) => {},
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
        OUTAGE: { actions: 'outage' },
      },
      states: {
        unknown: {},
        online: {
          after: { grace: 'offline' },
          // After a restore from the database: enter `online` again so its grace timer is armed
          // (XState does not re-arm `after` for a restored snapshot, docs/architecture.md "Absolute deadlines"). The supervisor may
          // send it some time after the restore (actors/supervisor.ts), so it moves the clock the
          // delay is computed from, and when the grace period has run out meanwhile: offline now.
          on: {
            RESUME: [
              { guard: 'graceOver', target: 'offline', actions: 'clock' },
              { target: 'online', reenter: true, actions: 'clock' },
            ],
          },
        },
        // docs/commands.md: a heartbeat older than CRASH_RECOVERY_GRACE_SECONDS makes a recovery candidate,
        // unless a fleet outage explains the silence. An OUTAGE event re-enters `offline`, so the
        // stale timer is armed again from the outage's end (actors/client.recovery.ts `staleAt`).
        offline: {
          after: {
            recoveryStale: {
              guard: and(['recoveryEnabled', stateIn('#client.recovery.idle'), not('outageHeld')]),
              actions: raise(({ context }) => ({ type: 'HEARTBEAT_STALE' as const, at: ladder.staleAt(context) })),
            },
          },
          on: { OUTAGE: { target: 'offline', reenter: true, actions: 'outage' } },
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
            // Only an operator's acknowledgement clears it (docs/clients.md).
            SERVICE_ACKNOWLEDGED: { target: 'ok', actions: 'serviceCleared' },
          },
        },
      },
    },
    // What the client's health reports say about its screen.
    screen: {
      initial: 'UNKNOWN',
      on: { HEALTH: toReported('screen', SCREEN, 'reportsScreen') },
      states: { OK: {}, BLACK: {}, FROZEN: {}, UNKNOWN: {} },
    },
    // What the server sees in the screenshots (docs/clients-screens.md "Frozen screens"): identical
    // periodic captures while a video should play. `detected` wins over the reported screen state
    // (client.record.ts) until a different capture arrives or the expected content is no longer a
    // video; a health report does not clear it. The expected event is recorded here, not at the
    // root, because a root handler does not run when a region handles the same event.
    frozen: {
      initial: 'clear',
      on: { EXPECTED_EVENT: { actions: 'expected' } },
      states: {
        clear: { on: { SCREENSHOT: { guard: 'frozenByScreenshots', target: 'detected' } } },
        detected: {
          on: {
            SCREENSHOT: { guard: 'screenChanged', target: 'clear' },
            EXPECTED_EVENT: { guard: 'noVideoExpected', target: 'clear', actions: 'expected' },
          },
        },
      },
    },
    // The crash-recovery ladder (docs/commands.md "Crash auto-recovery"): its chart in
    // actors/client.recovery-region.ts, its rules in actors/client.recovery.ts.
    recovery: recoveryRegion,
  },
});
