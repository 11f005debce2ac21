/** The cancelable set read from the command chart matches what the chart does with a CANCEL. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, fromPromise } from 'xstate';
import { commandMachine, type PublishInput } from './command.machine.ts';
import { CANCELABLE, isCancelable } from './command.states.ts';
import { DEFAULT_TIMERS, LIVE_STATES, TERMINAL_STATES, type CommandRecord, type LiveStatus } from '../domain/command.types.ts';

const T0 = 1_000_000;
const machine = commandMachine.provide({ actors: { publish: fromPromise<{ at: number }, PublishInput>(() => new Promise(() => {})) } });

function recordIn(status: LiveStatus): CommandRecord {
  return {
    commandId: '5d1f8b4b-7e85-44fb-8f38-3f5d5da5e2e4',
    clientUuid: '9b8d1856-ff34-4864-a726-12de072d0f77',
    action: 'reboot_host',
    status,
    reason: null,
    requestedBy: 1,
    issuedAt: T0,
    expiresAt: T0 + 240_000,
    publishedAt: null,
    ackedAt: null,
    executionStartedAt: null,
    completedAt: null,
    failedAt: null,
    errorCode: null,
    errorMessage: null,
    stageDeadline: T0 + 5000,
    lastSeenAt: T0,
    bulkRunId: null,
    createdAt: T0,
    updatedAt: T0,
  };
}

/** The status an actor restored in `status` reaches after a CANCEL. */
function afterCancel(status: LiveStatus): string {
  const { status: _s, ...record } = recordIn(status);
  const snapshot = machine.resolveState({ value: { live: status }, context: { ...record, now: T0, timers: DEFAULT_TIMERS } });
  const actor = createActor(machine, { snapshot, input: { record: recordIn(status), timers: DEFAULT_TIMERS, now: T0 } }).start();
  actor.send({ type: 'CANCEL', at: T0 + 1, by: 1 });
  const value = actor.getSnapshot().value;
  actor.stop();
  return typeof value === 'string' ? value : value.live;
}

test('the documented set (docs/commands.md: before execution_started)', () => {
  assert.equal([...CANCELABLE].sort(), ['ack_received', 'published', 'publish_in_progress', 'queued'].sort());
});

test('every live state: CANCEL ends in canceled exactly when the state is cancelable', () => {
  for (const status of LIVE_STATES) {
    const to = afterCancel(status);
    assert.is(to === 'canceled', isCancelable(status), `${status} → ${to}`);
  }
});

test('no settled state is cancelable', () => {
  for (const status of TERMINAL_STATES) assert.not.ok(isCancelable(status), status);
});

test.run();
