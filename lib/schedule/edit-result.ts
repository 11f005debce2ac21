/**
 * What the schedule edits (lib/schedule/edits.ts) need and answer. Every edit returns a typed
 * result instead of throwing, so the JSON API maps it to 400/404/409 (routes/schedule-failure.ts)
 * and the dashboard pages to form errors, and both keep the same rules. An unexpected database
 * failure still throws (500, logged by the app's onError).
 */
import type { InStatement } from '@libsql/client';
import type { FleetApi } from '../../domain/fleet.types.ts';
import type { ScheduleChange } from '../../actors/scheduler.ts';
import type { Db } from '../../db/client.ts';
import type { Writes } from '../../db/logs.ts';
import { canWriteAtomic } from '../../db/writer.ts';
import type { HolidayConflict } from './holidays.ts';

export interface Issue {
  path: string; // dotted, e.g. `video.url`
  message: string;
}

export type EditFailure =
  /** The input is wrong field by field (400 `{error, issues}`). */
  | { ok: false; reason: 'invalid'; issues: Issue[] }
  /** The input is refused as a whole (400 `{error}`); `field` names the form field when there is one. */
  | { ok: false; reason: 'rejected'; message: string; field?: string }
  | { ok: false; reason: 'not_found'; message: string }
  /** It clashes with what is stored (409); a holiday names the holiday it overlaps. */
  | { ok: false; reason: 'conflict'; message: string; conflict?: HolidayConflict };

export type EditResult<T> = { ok: true; value: T } | EditFailure;

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const invalid = (issues: Issue[]): EditFailure => ({ ok: false, reason: 'invalid', issues });
export const rejected = (message: string, field?: string): EditFailure => ({ ok: false, reason: 'rejected', message, ...(field ? { field } : {}) });
export const notFound = (message: string): EditFailure => ({ ok: false, reason: 'not_found', message });
export const conflict = (message: string, detail?: HolidayConflict): EditFailure => ({ ok: false, reason: 'conflict', message, ...(detail ? { conflict: detail } : {}) });

/** zod issues with dotted paths. */
export const zodIssues = (issues: readonly { path: readonly PropertyKey[]; message: string }[]): Issue[] =>
  issues.map((i) => ({ path: i.path.map(String).join('.'), message: i.message }));

/** A failure as `[{path, message}]`, for a form that names fields (path '' = the form as a whole). */
export function failureIssues(f: EditFailure): Issue[] {
  if (f.reason === 'invalid') return f.issues;
  return [{ path: f.reason === 'rejected' ? f.field ?? '' : '', message: f.message }];
}

/**
 * The parts of the app's dependencies (routes/deps.ts RouteDeps fits) the edits use. Read at call
 * time, never copied, like the routes did.
 */
export interface ScheduleEditDeps {
  db: Db;
  /** The one writer (docs/architecture.md "One writer"); the runtime's BatchedWriter also writes atomic groups. */
  writer: Writes;
  now: () => number;
  config: { readonly SCHEDULE_TIMEZONE: string };
  /** Deleting a group unassigns its clients through the Fleet (it clears their retained group_id). */
  fleet: Pick<FleetApi, 'list' | 'assignGroup'>;
  /** Every edit republishes the affected groups at once (docs/scheduler.md "Publishing"). */
  scheduler?: { changed(change: ScheduleChange): Promise<void> };
}

/** The two ways an edit writes; both resolve after the write is in the database. */
export interface EditWrites {
  /** Through the writer's queue (`write`, resolved once stored), then the scheduler republishes `change`. */
  write(statements: InStatement[], change: ScheduleChange | null): Promise<void>;
  /** One transaction of its own: all of it or (rejecting) nothing; then `change` as above. */
  writeAtomic(statements: InStatement[], change: ScheduleChange | null): Promise<void>;
}

export function editWrites(d: ScheduleEditDeps): EditWrites {
  const changed = async (change: ScheduleChange | null) => {
    if (change) await d.scheduler?.changed(change);
  };
  return {
    async write(statements, change) {
      await d.writer.write(...statements);
      await changed(change);
    },
    async writeAtomic(statements, change) {
      if (canWriteAtomic(d.writer)) await d.writer.writeAtomic(statements);
      else {
        // A writer without atomic groups (a test double): nothing else flushes behind its back, so
        // once what it queued is stored one direct transaction cannot collide with it.
        await d.writer.write();
        if (statements.length) await d.db.batch(statements, 'write');
      }
      await changed(change);
    },
  };
}
