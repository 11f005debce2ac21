/**
 * Time windows the rules need (docs/notifications.md "Rules"), as pure functions: quiet hours in
 * a rule's time zone, and the flapping detector (≥ 4 connectivity changes within 30 min; stable
 * again after 30 min without one).
 */
import { fromWall, isTimeZone, toWall } from '../../lib/schedule/zone.ts';
import type { QuietHours } from '../../domain/notifications.ts';

const DAY = 86_400_000;
const HHMM = /^([01]\d|2[0-3]):([0-5]\d)$/;

export const minutesOf = (hhmm: string): number | null => {
  const m = HHMM.exec(hhmm);
  return m ? Number(m[1]) * 60 + Number(m[2]) : null;
};

export function validQuietHours(q: QuietHours): boolean {
  const s = minutesOf(q.start);
  const e = minutesOf(q.end);
  return s !== null && e !== null && s !== e && isTimeZone(q.timeZone);
}

/** Local minute of the day at `at` in `tz`. */
function localMinute(at: number, tz: string): number {
  return Math.floor((((toWall(at, tz) % DAY) + DAY) % DAY) / 60_000);
}

/** Is `at` inside the quiet hours (start inclusive, end exclusive; across midnight when start > end)? */
export function inQuietHours(q: QuietHours, at: number): boolean {
  const s = minutesOf(q.start)!;
  const e = minutesOf(q.end)!;
  const m = localMinute(at, q.timeZone);
  return s < e ? m >= s && m < e : m >= s || m < e;
}

/** The next end of the quiet hours after `at` (a real instant; DST days included). */
export function quietHoursEnd(q: QuietHours, at: number): number {
  const e = minutesOf(q.end)!;
  const wall = toWall(at, q.timeZone);
  let candidate = Math.floor(wall / DAY) * DAY + e * 60_000;
  if (candidate <= wall) candidate += DAY;
  return fromWall(candidate, q.timeZone);
}

export const FLAP_WINDOW_MS = 30 * 60_000;
export const FLAP_TRANSITIONS = 4;

/** Connectivity changes per client; flapping from the 4th change within 30 min until 30 min pass without one. */
export class FlapTracker {
  #changes = new Map<string, number[]>();
  #flapping = new Set<string>();
  constructor(readonly windowMs = FLAP_WINDOW_MS, readonly threshold = FLAP_TRANSITIONS) {}

  /** Records a change; answers true when this change starts a flapping episode. */
  change(uuid: string, at: number): boolean {
    const list = (this.#changes.get(uuid) ?? []).filter((t) => at - t < this.windowMs);
    list.push(at);
    this.#changes.set(uuid, list);
    if (this.#flapping.has(uuid) || list.length < this.threshold) return false;
    this.#flapping.add(uuid);
    return true;
  }

  isFlapping(uuid: string): boolean {
    return this.#flapping.has(uuid);
  }

  count(uuid: string): number {
    return this.#changes.get(uuid)?.length ?? 0;
  }

  /** Clients whose flapping ended by `now` (no change for a whole window); they leave the set. */
  settled(now: number): string[] {
    const out: string[] = [];
    for (const uuid of this.#flapping) {
      const last = this.#changes.get(uuid)?.at(-1) ?? 0;
      if (now - last >= this.windowMs) {
        this.#flapping.delete(uuid);
        this.#changes.delete(uuid);
        out.push(uuid);
      }
    }
    // Forget quiet clients that never flapped (keeps the map small).
    if (this.#changes.size > 10_000) for (const [uuid, l] of this.#changes) if (!this.#flapping.has(uuid) && now - (l.at(-1) ?? 0) >= this.windowMs) this.#changes.delete(uuid);
    return out;
  }
}
