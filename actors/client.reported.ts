/**
 * Transitions that follow what the client reports (docs/clients.md): shared by the process, screen and
 * recovery regions of actors/client.machine.ts.
 */
import { and, not, stateIn } from 'xstate';

/**
 * One guarded transition per reported status, each to the state of that name, skipped when the
 * region is in it already (a self-transition would cost a full exit/entry on every health message).
 */
export function toReported<S extends string, G extends string>(region: string, states: readonly S[], guard: G) {
  return states.map((s) => ({
    // (cast: XState's types cannot follow a guard name passed in as a type parameter)
    guard: and([{ type: guard, params: { value: s } } as never, not(stateIn(`#client.${region}.${s}`))]),
    target: `.${s}`,
  }));
}
