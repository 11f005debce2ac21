/**
 * What the command chart (actors/command.machine.ts) says about its states, read from the chart
 * once, so routes and views ask here instead of keeping lists of their own.
 */
import { commandMachine } from './command.machine.ts';
import type { CommandStatus, LiveStatus } from '../domain/command.types.ts';

const live = commandMachine.root.states.live.states;

/** The live states that take a CANCEL (docs/commands.md: before execution_started). */
export const CANCELABLE: ReadonlySet<CommandStatus> = new Set(
  Object.values(live)
    .filter((node) => node.ownEvents.includes('CANCEL'))
    .map((node) => node.key as LiveStatus),
);

export const isCancelable = (status: CommandStatus): boolean => CANCELABLE.has(status);
