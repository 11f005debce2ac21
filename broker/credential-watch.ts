/**
 * Revocations and rotations made by ANOTHER process (the provisioning CLI, `npm run provision --
 * --revoke <uuid>`, writes the shared database directly) also cut live sessions on the embedded
 * broker: every `intervalMs` (POLL_INTERVAL_SECONDS) the server reads the accounts
 * changed since its last look and closes the connections whose password was checked before the
 * change. Changes made through the server itself (API) already disconnected at once
 * (broker/setup.ts); seeing them again here closes nothing, since their new sessions were checked
 * after the change. Mosquitto needs none of this: the CLI regenerates its files and SIGHUPs it.
 */
import type { Db } from '../db/client.ts';
import { credentialsChangedSince } from '../db/credentials.ts';
import { logger } from '../lib/logger.ts';

const log = logger('broker-security');

/**
 * Each look also covers this much before the previous one: a change whose row was written with a
 * slightly earlier timestamp than it committed (the CLI's clock, a slow transaction) is not missed.
 */
const OVERLAP_MS = 60_000;

export interface CredentialWatchDeps {
  db: Db;
  /** BrokerSecurity.disconnectCheckedBefore. */
  disconnect: (uuid: string, changedAt: number) => number;
  intervalMs: number;
  now: () => number;
}

export interface CredentialWatch {
  /** One look now (the timer calls it); answers how many connections were closed. */
  check(): Promise<number>;
  stop(): void;
}

export function startCredentialWatch(d: CredentialWatchDeps): CredentialWatch {
  let since = d.now() - OVERLAP_MS;
  let running: Promise<number> | null = null;

  async function look(): Promise<number> {
    const started = d.now();
    const changed = await credentialsChangedSince(d.db, since - OVERLAP_MS);
    since = started;
    let closed = 0;
    for (const c of changed) closed += d.disconnect(c.uuid, c.changedAt);
    if (closed) log.info(`closed ${closed} device session(s) whose credentials were revoked or rotated elsewhere`);
    return closed;
  }

  const check = () =>
    (running ??= look()
      .catch((err) => {
        log.warn('checking for revoked credentials failed', err);
        return 0;
      })
      .finally(() => (running = null)));

  const timer = setInterval(() => void check(), d.intervalMs);
  (timer as { unref?: () => void }).unref?.();
  return { check, stop: () => clearInterval(timer) };
}
