/**
 * The command machine (docs/commands.md): one actor per remote command, from queued to a terminal
 * state. Pure: every event carries `at`; publishing is the injected `publish` actor; persistence and
 * bus events are done by the registry that observes the actor (actors/commands.ts).
 *
 * Timers are absolute deadlines in context (docs/architecture.md "Absolute deadlines"): each live state has ONE timer, at
 * min(stage deadline, expires_at); when it fires, `expiresFirst` tells an expiry from a stage
 * timeout. A restored command re-enters its state with RESUME, which re-arms the remaining time
 * without moving the deadline.
 */
import { assertEvent, assign, fromPromise, setup } from 'xstate';
import type { AckEvent, CommandEvent, CommandRecord, CommandTimers, LiveStatus } from '../domain/command.types.ts';
import { expiredText, reasonText, type ServerReason } from '../domain/command.reasons.ts';

export interface CommandContext extends Omit<CommandRecord, 'status'> {
  now: number;
  timers: CommandTimers;
}

export interface CommandInput {
  record: CommandRecord;
  timers: CommandTimers;
  now: number;
}

/** What the publish actor receives; it resolves with the time the broker confirmed (PUBACK). */
export type PublishInput = Pick<CommandContext, 'commandId' | 'clientUuid' | 'action' | 'issuedAt' | 'expiresAt' | 'requestedBy' | 'reason'>;

type Stage = keyof CommandTimers;

// Order of the live states: an ack never moves a command backwards (docs/commands.md "Rules").
const RANK: Record<LiveStatus, number> = {
  queued: 0,
  publish_in_progress: 1,
  published: 2,
  ack_received: 3,
  execution_started: 4,
  awaiting_reconnect: 5,
  recovered: 6,
};

const deadline = (c: CommandContext) => Math.min(c.stageDeadline ?? Infinity, c.expiresAt);

/** Ack transitions out of `from`: forward moves only; `completed` and `failed` from anywhere. */
function acks(from: LiveStatus) {
  return [
    { guard: { type: 'ackIs' as const, params: { status: 'failed' as const } }, target: '#command.failed', actions: 'ackFailed' as const },
    { guard: { type: 'ackIs' as const, params: { status: 'completed' as const } }, target: '#command.completed', actions: 'ackCompleted' as const },
    ...(RANK.execution_started > RANK[from]
      ? [
          {
            guard: { type: 'ackIs' as const, params: { status: 'execution_started' as const } },
            target: '#command.live.execution_started',
            actions: ['ackStarted' as const, 'armExecution' as const],
          },
        ]
      : []),
    ...(RANK.ack_received > RANK[from]
      ? [
          {
            guard: { type: 'ackIs' as const, params: { status: 'accepted' as const } },
            target: '#command.live.ack_received',
            actions: ['ackAccepted' as const, 'armExecutionStart' as const],
          },
        ]
      : []),
  ];
}

/** A timer that fired: expiry wins over the stage timeout when it came first. */
const expiredOr = (...rest: object[]) => [
  { guard: 'expiresFirst' as const, target: '#command.expired', actions: ['atDeadline' as const, 'expire' as const] },
  ...rest,
];

/** A stage timer ran out; `reason` says which stage (actors/command.reasons.ts). */
const timedOut = (reason: ServerReason) => ({
  target: '#command.timed_out',
  actions: ['atDeadline' as const, { type: 'timeout' as const, params: { reason } }],
});

/** A restored command re-enters its state so its timers are armed with the time left. */
const resume = (state: string) => ({ RESUME: { target: state, reenter: true } });

export const commandMachine = setup({
  types: {
    context: {} as CommandContext,
    events: {} as CommandEvent,
    input: {} as CommandInput,
  },
  actors: {
    publish: fromPromise<{ at: number }, PublishInput>(async () => {
      throw new Error('publish not provided'); // injected by the registry with .provide()
    }),
  },
  delays: {
    /** Until the current stage deadline or the expiry, whichever comes first. */
    stage: ({ context }) => Math.max(0, deadline(context) - context.now),
    /** Until the client has been silent for `timers.silence`. */
    silence: ({ context }) =>
      Math.max(0, (context.lastSeenAt ?? context.executionStartedAt ?? context.now) + context.timers.silence - context.now),
    /** The cooldown before a failed recovery command asks for a human. */
    escalation: ({ context }) => Math.max(0, (context.failedAt ?? context.now) + context.timers.escalation - context.now),
  },
  guards: {
    ackIs: ({ event }, p: { status: AckEvent['status'] }) => event.type === 'ACK' && event.status === p.status,
    expiresFirst: ({ context }) => context.expiresAt <= (context.stageDeadline ?? Infinity),
    pastExpiry: ({ context, event }) => event.at > context.expiresAt,
    isReboot: ({ context }) => context.action === 'reboot_host',
    isShutdown: ({ context }) => context.action === 'shutdown_host',
    /** The first heartbeat/health after a silence (or the client announcing itself after boot). */
    returnedAfterSilence: ({ context, event }) =>
      event.type === 'CLIENT_SEEN' &&
      (event.kind === 'discovery' || context.lastSeenAt === null || event.at - context.lastSeenAt >= context.timers.silence),
    /** Only the last rung of automatic recovery escalates to a human (docs/commands.md, crash recovery). */
    escalates: ({ context }) => context.requestedBy === null && context.action === 'reboot_host',
  },
  actions: {
    clock: assign({ now: ({ event }) => event.at }),
    atDeadline: assign({ now: ({ context }) => deadline(context) }),
    atSilence: assign({
      now: ({ context }) => (context.lastSeenAt ?? context.executionStartedAt ?? context.now) + context.timers.silence,
    }),
    arm: assign({ stageDeadline: ({ context }, p: { stage: Stage }) => context.now + context.timers[p.stage] }),
    armExecutionStart: assign({
      stageDeadline: ({ context }) =>
        context.now + (context.action === 'restart_app' ? context.timers.executionStartRestartApp : context.timers.executionStartHost),
    }),
    armExecution: assign({
      stageDeadline: ({ context }) =>
        context.now + (context.action === 'reboot_host' ? context.timers.rebootShutdown : context.timers.executionComplete),
    }),
    seen: assign(({ event }) => {
      assertEvent(event, 'CLIENT_SEEN');
      return { lastSeenAt: event.at, now: event.at };
    }),
    // The publish actor's done / error event: its payload comes in as params (invoke below).
    published: assign((_, p: { at: number }) => ({ now: p.at, publishedAt: p.at })),
    publishFailed: assign(({ context }, p: { error: unknown }) => {
      const error = p.error;
      return {
        failedAt: context.now,
        stageDeadline: null,
        errorCode: 'mqtt_publish_failed',
        errorReason: 'publish_failed',
        errorMessage: error instanceof Error ? error.message : reasonText('publish_failed'),
      };
    }),
    // An ack is a message from the client, so it also counts as hearing from it (lastSeenAt).
    ackAccepted: assign(({ context, event }) => {
      assertEvent(event, 'ACK');
      const at = event.at;
      return { now: at, lastSeenAt: at, ackedAt: context.ackedAt ?? at, publishedAt: context.publishedAt ?? at };
    }),
    ackStarted: assign(({ context, event }) => {
      assertEvent(event, 'ACK');
      const at = event.at;
      return { now: at, lastSeenAt: at, ackedAt: context.ackedAt ?? at, publishedAt: context.publishedAt ?? at, executionStartedAt: at };
    }),
    ackCompleted: assign(({ context, event }) => {
      assertEvent(event, 'ACK');
      const at = event.at;
      return { now: at, lastSeenAt: at, ackedAt: context.ackedAt ?? at, publishedAt: context.publishedAt ?? at, completedAt: at, stageDeadline: null };
    }),
    ackFailed: assign(({ event }) => {
      assertEvent(event, 'ACK');
      return {
        now: event.at,
        failedAt: event.at,
        stageDeadline: null,
        errorCode: event.errorCode ?? 'execution_failed',
        errorReason: event.errorMessage ? 'client_reported' : 'client_failed',
        errorMessage: event.errorMessage ?? reasonText('client_failed'),
      };
    }),
    completeBySilence: assign(({ context }) => ({ completedAt: context.now, stageDeadline: null })),
    timeout: assign(({ context }, p: { reason: ServerReason }) => ({
      failedAt: context.now,
      stageDeadline: null,
      errorCode: 'stage_timeout',
      errorReason: p.reason,
      errorMessage: reasonText(p.reason),
    })),
    expire: assign(({ context }) => ({
      failedAt: context.now,
      stageDeadline: null,
      errorCode: 'expired',
      errorReason: 'expired',
      errorMessage: expiredText(context.expiresAt),
    })),
    cancel: assign(({ event }) => {
      assertEvent(event, 'CANCEL');
      return { now: event.at, stageDeadline: null, errorCode: 'canceled', errorReason: 'canceled', errorMessage: reasonText('canceled') };
    }),
  },
}).createMachine({
  id: 'command',
  context: ({ input }) => {
    const { status: _status, ...record } = input.record;
    return { ...record, now: input.now, timers: input.timers };
  },
  initial: 'live',
  states: {
    live: {
      initial: 'queued',
      on: {
        CLIENT_SEEN: { actions: 'seen' },
        SWEEP: { guard: 'pastExpiry', target: 'expired', actions: ['clock', 'expire'] },
      },
      states: {
        queued: {
          after: { stage: expiredOr(timedOut('queue_timeout')) },
          on: {
            START: { target: 'publish_in_progress', actions: ['clock', { type: 'arm', params: { stage: 'publish' } }] },
            CANCEL: { target: '#command.canceled', actions: 'cancel' },
            ACK: acks('queued'),
            ...resume('queued'),
          },
        },
        publish_in_progress: {
          invoke: {
            src: 'publish',
            input: ({ context }) => ({
              commandId: context.commandId,
              clientUuid: context.clientUuid,
              action: context.action,
              issuedAt: context.issuedAt,
              expiresAt: context.expiresAt,
              requestedBy: context.requestedBy,
              reason: context.reason,
            }),
            onDone: {
              target: 'published',
              actions: [{ type: 'published', params: ({ event }) => ({ at: event.output.at }) }, { type: 'arm', params: { stage: 'ack' } }],
            },
            onError: { target: '#command.failed', actions: { type: 'publishFailed', params: ({ event }) => ({ error: event.error }) } },
          },
          after: { stage: expiredOr(timedOut('publish_timeout')) },
          on: {
            CANCEL: { target: '#command.canceled', actions: 'cancel' },
            // An ack that races ahead of the PUBACK: the client has the command, so it was published.
            ACK: acks('publish_in_progress'),
            ...resume('publish_in_progress'),
          },
        },
        published: {
          after: { stage: expiredOr(timedOut('no_ack')) },
          on: { CANCEL: { target: '#command.canceled', actions: 'cancel' }, ACK: acks('published'), ...resume('published') },
        },
        ack_received: {
          after: { stage: expiredOr(timedOut('not_started')) },
          on: { CANCEL: { target: '#command.canceled', actions: 'cancel' }, ACK: acks('ack_received'), ...resume('ack_received') },
        },
        execution_started: {
          // reboot_host: 10 s or the client going silent → awaiting_reconnect.
          // shutdown_host: the client going silent means it is off → completed.
          after: {
            stage: expiredOr(
              { guard: 'isReboot', target: 'awaiting_reconnect', actions: ['atDeadline', { type: 'arm', params: { stage: 'reconnect' } }] },
              timedOut('not_completed'),
            ),
            silence: [
              { guard: 'isReboot', target: 'awaiting_reconnect', actions: ['atSilence', { type: 'arm', params: { stage: 'reconnect' } }] },
              { guard: 'isShutdown', target: '#command.completed', actions: ['atSilence', 'completeBySilence'] },
            ],
          },
          on: {
            // Hearing from the client re-arms the silence timer (deadline moves with lastSeenAt).
            CLIENT_SEEN: { target: 'execution_started', reenter: true, actions: 'seen' },
            ACK: acks('execution_started'),
            ...resume('execution_started'),
          },
        },
        awaiting_reconnect: {
          after: { stage: expiredOr(timedOut('no_reconnect')) },
          on: {
            CLIENT_SEEN: [
              { guard: 'returnedAfterSilence', target: 'recovered', actions: ['seen', { type: 'arm', params: { stage: 'recoveredComplete' } }] },
              { actions: 'seen' },
            ],
            // A `completed` ack while we still wait for the reconnect: the reboot evidently worked.
            ACK: acks('awaiting_reconnect'),
            ...resume('awaiting_reconnect'),
          },
        },
        recovered: {
          after: { stage: expiredOr(timedOut('not_confirmed')) },
          on: { ACK: acks('recovered'), ...resume('recovered') },
        },
      },
    },
    completed: { type: 'final' },
    canceled: { type: 'final' },
    blocked_safety: { type: 'final' },
    manual_intervention_required: { type: 'final' },
    // Terminal for operator commands; the last rung of automatic recovery escalates after a cooldown.
    failed: { after: { escalation: { guard: 'escalates', target: 'manual_intervention_required' } }, on: resume('failed') },
    timed_out: { after: { escalation: { guard: 'escalates', target: 'manual_intervention_required' } }, on: resume('timed_out') },
    expired: { after: { escalation: { guard: 'escalates', target: 'manual_intervention_required' } }, on: resume('expired') },
  },
});
