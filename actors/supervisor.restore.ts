/**
 * What the supervisor's restore needs beside spawning (docs/architecture.md "Absolute deadlines"):
 * recent logs grouped per client, and the one timer that RESUMEs restored clients still silent
 * shortly before their deadline.
 */
import { DeadlineQueue } from './deadlines.ts';
import type { Entry, RecentLog } from './supervisor.types.ts';
import type { ClientRecord } from '../domain/client.types.ts';
import type { Clock } from '../lib/clock.ts';

/**
 * A restored client still silent this long (ms) before its deadline gets its RESUME then (see
 * `Supervisor.restore`); RESUME arms the time left itself, so this only has to cover a late timer.
 */
const RESUME_LEAD_MS = 10_000;

/** A restored online client whose grace timer is not armed yet. */
interface PendingResume {
  entry: Entry;
  lastAlive: number; // as restored: a different value means the client talked since
}

/** A recovery step with a deadline to re-arm after a restore. */
export const midLadder = (r: ClientRecord) => r.recoveryState === 'restarting_app' || r.recoveryState === 'rebooting';

/** Recent ERROR/WARN times and reboot-kind times per client, as the client actors' input wants them. */
export function recentByClient(recentLogs: RecentLog[], rebootKinds: Array<{ uuid: string; createdAt: number }>) {
  const errors = new Map<string, number[]>();
  const warns = new Map<string, number[]>();
  const kinds = new Map<string, number[]>(); // the candidate rule of crash recovery needs them
  for (const k of rebootKinds) kinds.set(k.uuid, [...(kinds.get(k.uuid) ?? []), k.createdAt].sort((a, b) => a - b));
  for (const l of recentLogs) {
    const m = l.level === 'ERROR' ? errors : l.level === 'WARN' ? warns : null;
    if (!m) continue;
    const list = m.get(l.uuid) ?? [];
    list.push(l.at);
    m.set(l.uuid, list);
  }
  return { errors, warns, kinds };
}

/** What resuming needs from the supervisor. */
export interface ResumesHost {
  clock: Clock;
  graceMs: number;
  isCurrent: (entry: Entry) => boolean;
  /** Hands a client's held unchanged reports to its actor. */
  release: (entry: Entry) => void;
}

/** One timer for every restored online client's RESUME (see `Supervisor.restore`). */
export class Resumes {
  #host: ResumesHost;
  #queue: DeadlineQueue<PendingResume>;

  constructor(host: ResumesHost) {
    this.#host = host;
    this.#queue = new DeadlineQueue(host.clock, (p) => this.#resumeIfSilent(p));
  }

  /** A restored client: online ones get their RESUME shortly before their deadline, or now when that is near. */
  schedule(entry: Entry, now: number): void {
    const lastAlive = entry.record.lastAlive;
    if (entry.record.connectivity !== 'online' || lastAlive === null) return;
    const resumeAt = lastAlive + this.#host.graceMs - RESUME_LEAD_MS;
    if (resumeAt > now) this.#queue.add(resumeAt, { entry, lastAlive });
    else entry.actor.send({ type: 'RESUME', at: now }); // due within the lead: arm it now
  }

  arm(): void {
    this.#queue.arm();
  }

  clear(): void {
    this.#queue.clear();
  }

  /** A restored client silent until shortly before its deadline: enter `online` again (arms the time left). */
  #resumeIfSilent({ entry, lastAlive }: PendingResume): void {
    if (!this.#host.isCurrent(entry) || entry.record.connectivity !== 'online') return;
    if (entry.held !== null) this.#host.release(entry); // it talked: its reports re-arm the timer
    if (entry.actor.getSnapshot().context.lastAlive !== lastAlive) return; // it talked: its own timer runs
    entry.actor.send({ type: 'RESUME', at: this.#host.clock.now() });
  }
}
