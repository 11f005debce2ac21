/** Unchanged client reports the supervisor takes without a transition and hands to their actor later (actors/client.unchanged.ts). */
import { freshnessOnly, type ClientSnapshot } from './client.record.ts';
import { hold, refreshed, type Report } from './client.unchanged.ts';
import { DeadlineWheel } from './deadline-wheel.ts';
import type { Entry } from './supervisor.types.ts';
import type { ClientRecord } from '../domain/client.types.ts';
import type { Clock } from '../lib/clock.ts';

/**
 * Held unchanged reports reach their actor this long (ms) before the grace timer it armed from the
 * last report it saw could run out, so that timer never fires early.
 */
const RELEASE_LEAD_MS = 10_000;

/** What releasing needs from the supervisor: whether an entry is still the live one, and its expect/observe/recover steps. */
export interface HeldReportsHost {
  clock: Clock;
  graceMs: number;
  isCurrent: (entry: Entry) => boolean;
  /** Hands a kept quiet expectation to the actor: it comes before the held reports. */
  expect: (entry: Entry) => void;
  observe: (uuid: string, entry: Entry, snap: ClientSnapshot) => void;
  recover: (uuid: string, err: unknown) => void;
}

export class HeldReports {
  #host: HeldReportsHost;
  /** Releases held unchanged reports before their actor's grace timer could run out. */
  #releases: DeadlineWheel<Entry>;

  constructor(host: HeldReportsHost) {
    this.#host = host;
    this.#releases = new DeadlineWheel(host.clock, (entry) => {
      if (entry.held !== null && host.isCurrent(entry)) this.release(entry);
    });
  }

  /**
   * Takes an unchanged report: the record gets its freshness now, the actor gets the latest held
   * reports before its grace timer, armed from the last report it saw, could run out: then it
   * re-arms from the true last message.
   */
  hold(entry: Entry, report: Report): void {
    if (entry.held === null) {
      const seen = entry.snap!.context.lastAlive ?? report.at;
      this.#releases.add(seen + this.#host.graceMs - RELEASE_LEAD_MS, entry);
    }
    entry.held = hold(entry.held, report);
    entry.record = refreshed(entry.record, report);
  }

  /**
   * Hands a client's held reports to its actor, in arrival order (the record has them already),
   * then RESUME: XState arms `after` relative to the clock when a state is entered, so the grace
   * timer is armed again for the time left after the last report (or the client goes offline now),
   * as when a restored actor resumes (docs/architecture.md "Absolute deadlines").
   */
  release(entry: Entry): void {
    this.#host.expect(entry);
    const held = entry.held!;
    const uuid = entry.record.uuid;
    entry.held = null;
    entry.releasing = true;
    try {
      for (const e of held) entry.actor.send(e);
      entry.actor.send({ type: 'RESUME', at: this.#host.clock.now() });
    } catch (err) {
      entry.releasing = false;
      return this.#host.recover(uuid, err);
    }
    entry.releasing = false;
    const before = entry.snap;
    const after = entry.actor.getSnapshot();
    if (after === before) return;
    const fresh = before && freshnessOnly(entry.record, before, after);
    if (fresh && fresh.lastAlive === entry.record.lastAlive && fresh.lastFrameUpdate === entry.record.lastFrameUpdate) entry.snap = after;
    else this.#host.observe(uuid, entry, after); // (not expected: the reports were unchanged ones)
  }

  clear(): void {
    this.#releases.clear();
  }
}

/** With reports held (only a `tick` observes then), the record's freshness is newer than the actor's. */
export function withHeld(entry: Entry, r: ClientRecord | null): ClientRecord | null {
  if (r === null || entry.held === null) return r;
  r.lastAlive = entry.record.lastAlive;
  r.lastFrameUpdate = entry.record.lastFrameUpdate;
  return r;
}
