/**
 * What a server does when its instance lease is lost (docs/high-availability.md "Fencing"): stop
 * writing at once, close MQTT and the rest (runtime close), and exit non-zero so a supervisor
 * (systemd) restarts it, as a standby. Called by the writer (a fenced batch) and by the renewal.
 */
import process from 'node:process';
import { logger } from './logger.ts';

const log = logger('lease');

/** Exit code of a server that lost its lease (2 is a refused start, which systemd does not restart). */
export const LEASE_LOST_EXIT = 3;

interface Haltable {
  halt(reason: string): void;
}

export function onceLeaseLost(writer: () => Haltable, close: () => Promise<void>, then?: (reason: string) => void): (reason: string) => void {
  let done = false;
  return (reason) => {
    if (done) return;
    done = true;
    log.error(`this server no longer holds the database (${reason}): stopping writes, closing MQTT, exiting`);
    writer().halt(reason);
    // Deferred: the loss may come before the runtime's close exists (a very slow start).
    void Promise.resolve()
      .then(close)
      .catch((err) => log.warn('closing after the lease was lost failed', err))
      .finally(() => (then ? then(reason) : process.exit(LEASE_LOST_EXIT)));
  };
}
