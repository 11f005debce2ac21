/**
 * Composition of the inspector for the runtime: the machines it can draw before any actor of them
 * exists (the feed learns machines from live actors too, so this list is a convenience, not a
 * requirement), and the optional Stately bridge (`INSPECT=stately`, off by default).
 */
import { clientMachine } from '../client.machine.ts';
import { commandMachine } from '../command.machine.ts';
import { bulkRunMachine } from '../bulk-run.machine.ts';
import { schedulerMachine } from '../scheduler.machine.ts';
import { supervisorMachine } from '../supervisor.machine.ts';
import { logger } from '../../lib/logger.ts';
import type { InspectionFeed } from './feed.ts';
import { startStatelyBridge, type StatelyBridge } from './stately.ts';

const log = logger('inspector');

export function registerMachines(feed: InspectionFeed): void {
  for (const m of [supervisorMachine, clientMachine, commandMachine, bulkRunMachine, schedulerMachine]) feed.machines.register(m);
}

/** With `INSPECT=stately`: every inspection event also goes to Stately's inspector. Never fatal. */
export async function startStately(mode: string | undefined, feed: InspectionFeed): Promise<StatelyBridge | null> {
  if (mode !== 'stately') return null;
  try {
    const bridge = await startStatelyBridge();
    feed.setForward(bridge.inspect);
    log.info(`INSPECT=stately: open ${bridge.url} to watch the actors in Stately's inspector (development only)`);
    return bridge;
  } catch (err) {
    log.warn('INSPECT=stately: the Stately bridge could not start; the built-in inspector still works', err);
    return null;
  }
}
