/**
 * The machines the inspector can draw, by machine id. Learned from the actors the feed sees (so a
 * machine nobody registered, e.g. one defined in a test, shows up on its own), and registered up
 * front by the runtime so a diagram exists before the first actor of that machine does.
 * The first machine object seen for an id is kept: `.provide()` variants share one definition.
 */
import type { AnyStateMachine } from 'xstate';

export class MachineRegistry {
  #byId = new Map<string, AnyStateMachine>();

  register(machine: AnyStateMachine): void {
    if (!this.#byId.has(machine.id)) this.#byId.set(machine.id, machine);
  }

  /** Called with an actor's logic: anything that is not a state machine is ignored. */
  learn(logic: unknown): string | null {
    if (!isMachine(logic)) return null;
    this.register(logic);
    return logic.id;
  }

  get(id: string): AnyStateMachine | undefined {
    return this.#byId.get(id);
  }

  ids(): string[] {
    return [...this.#byId.keys()].sort();
  }
}

export function isMachine(logic: unknown): logic is AnyStateMachine {
  return !!logic && typeof logic === 'object' && 'root' in logic && 'id' in logic && typeof (logic as { id: unknown }).id === 'string';
}
