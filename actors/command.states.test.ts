/** The cancelable set read from the command chart matches what the chart does with a CANCEL. */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createActor, fromPromise } from 'xstate';
import { commandMachine, type PublishInput } from './command.machine.ts';
import { CANCELABLE, isCancelable } from './command.states.ts';
import { DEFAULT_TIMERS, LIVE_STATES, TERMINAL_STATES, type CommandRecord, type LiveStatus } from '../domain/command.types.ts';
import { COMMAND_T0, commandRecord } from '../testing/command-record.ts';

const T0 = COMMAND_T0;
const machine = commandMachine.provide({ actors: { publish: fromPromise<{ at: number }, PublishInput>(() => new Promise(() => {})) } });

const recordIn = (status: LiveStatus): CommandRecord => commandRecord({ status }, T0);

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
