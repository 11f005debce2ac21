/**
 * The `recovery` region of actors/client.machine.ts: the crash-recovery ladder's states and
 * transitions (docs/commands.md "Crash auto-recovery"). The rules it names (guards, actions, delays)
 * are declared in the machine's `setup()` and implemented in actors/client.recovery.ts; this is
 * only the chart. Its steps are transition actions, not entry actions: RESUME re-enters a
 * restored step to arm its deadline (docs/architecture.md "Absolute deadlines") without asking for the command again.
 */
import { and, not, stateIn } from 'xstate';
import type { CommandAction, CommandStatus } from '../domain/command.types.ts';
import type { ClientContext } from './client.context.ts';
import type { RecoveryReason } from '../domain/client.types.ts';
import { toReported } from './client.reported.ts';

const RECOVERY = ['idle', 'restarting_app', 'rebooting', 'waiting_manual'] as const;
const UNSUCCESSFUL = ['failed', 'timed_out', 'expired'] as const satisfies readonly CommandStatus[];
const isLadder = (action: CommandAction, statuses?: readonly CommandStatus[]) => ({ type: 'ladderCommand' as const, params: { action, statuses } });
const note = (adopt: CommandAction | null) => ({ type: 'noteCommand' as const, params: { adopt } });
const request = (action: CommandAction, reason?: RecoveryReason) => [
  { type: 'startStep' as const, params: { action, reason } },
  { type: 'requestCommand' as const, params: ({ context }: { context: ClientContext }) => ({ action, reason: context.recovery.reason! }) },
];
const withdraw = { type: 'cancelCommand' as const, params: ({ context }: { context: ClientContext }) => ({ commandId: context.recovery.commandId }) };
/** The process reports `running` again: the ladder succeeded. */
const runningAgain = { guard: { type: 'reportsProcess' as const, params: { value: 'running' } }, target: 'idle', actions: 'endLadder' as const };
/** A crash report while the process was not crashed yet, with recovery on. */
const crashedNow = and(['crashReported', not(stateIn('#client.process.crashed')), 'recoveryEnabled']);
const ladderStart = [
  { guard: and([crashedNow, 'noRecentRebootKind']), target: 'restarting_app', actions: request('restart_app', 'process_crashed') },
  // docs/commands.md: no candidate with a reboot-kind command in the lockout window: the ladder is exhausted.
  { guard: crashedNow, target: 'waiting_manual', actions: { type: 'waitManual' as const, params: { reason: 'process_crashed' as const } } },
];
/** Any state: an operator's command ends the ladder (a human is on it); a new reboot-kind is counted. */
const operatorOrNote = (adopt: CommandAction | null) => [
  { guard: 'operatorActed' as const, target: 'idle', actions: [note(null), 'endLadder' as const] },
  { guard: { type: 'noteworthy' as const, params: { adopt } }, actions: note(adopt) },
];

export const recoveryRegion = {
  initial: 'idle',
  on: { RECOVERY: toReported('recovery', RECOVERY, 'recoveryIs') },
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
        // The silence that started this ladder turned out to be a fleet outage (recognised late):
        // stand down and withdraw the reboot, so it neither runs nor escalates to a human.
        OUTAGE: { guard: and(['outageSuspected', 'staleLadder']), target: 'idle', actions: [withdraw, 'endLadder'] },
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
    // Shown until an operator acts (docs/clients.md: critical, manual_intervention_required).
    waiting_manual: { on: { COMMAND_UPDATE: operatorOrNote(null) } },
  },
} as const;
