/**
 * The runtime's one loop, wired in one place (docs/architecture.md "Composition"): the writer pulls
 * client rows from the supervisor, the broker hands messages to ingestion and reconnects to the fleet,
 * the command registry and the scheduler; those are built after the broker because they publish
 * through its connection. Each of these parts is a `Late` cell here, created empty before the first
 * step and bound exactly once by the step that builds the part. `close` is the runtime's own
 * shutdown: a lost lease (runtime/store.ts) closes the whole runtime, which exists only at the end.
 */
import type { Supervisor } from '../actors/supervisor.ts';
import type { Fleet } from '../actors/fleet.ts';
import type { CommandRegistry } from '../actors/commands.ts';
import type { SchedulerService } from '../actors/scheduler.ts';
import type { BrokerConnection } from '../broker/connection.ts';
import type { Ingest } from '../broker/ingest.ts';

/** One late-bound part: `bind` once; `get` after that (throws before), `peek` when absence is fine. */
export class Late<T> {
  #value: T | undefined;
  #bound = false;
  #waiters: Array<(value: T) => void> = [];
  constructor(readonly name: string) {}

  bind(value: T): T {
    if (this.#bound) throw new Error(`runtime loop: ${this.name} bound twice`);
    this.#bound = true;
    this.#value = value;
    for (const w of this.#waiters.splice(0)) w(value);
    return value;
  }

  /** Resolves with the part once it is bound (waiters in the order they asked). */
  whenBound(): Promise<T> {
    return this.#bound ? Promise.resolve(this.#value as T) : new Promise((resolve) => this.#waiters.push(resolve));
  }

  get(): T {
    if (!this.#bound) throw new Error(`runtime loop: ${this.name} used before it was built`);
    return this.#value as T;
  }

  /** The part, or undefined while it is not built yet (a message or reconnect that comes early). */
  peek(): T | undefined {
    return this.#value;
  }
}

export interface Loop {
  supervisor: Late<Supervisor>;
  connection: Late<BrokerConnection>;
  commands: Late<CommandRegistry>;
  fleet: Late<Fleet>;
  ingest: Late<Ingest>;
  scheduler: Late<SchedulerService>;
  close: Late<() => Promise<void>>;
}

export function newLoop(): Loop {
  return {
    supervisor: new Late('supervisor'),
    connection: new Late('connection'),
    commands: new Late('commands'),
    fleet: new Late('fleet'),
    ingest: new Late('ingest'),
    scheduler: new Late('scheduler'),
    close: new Late('close'),
  };
}
