/**
 * What the schedule edits (services/schedule/edits.ts) need and answer. Every edit returns a typed
 * result instead of throwing, so the JSON API maps it to 400/404/409 (routes/schedule-failure.ts)
 * and the dashboard pages to form errors, and both keep the same rules. An unexpected database
 * failure still throws (500, logged by the app's onError).
 */
import type { InStatement } from '@libsql/client';
import type { FleetApi } from '../../domain/fleet.types.ts';
import type { ScheduleChange } from '../../domain/schedule.types.ts';
import type { Db } from '../../db/client.ts';
import type { IdAllocator } from '../../db/ids.ts';
import type { Writes } from '../../db/logs.ts';
import { canWriteAtomic } from '../../db/writer.ts';
import type { HolidayConflict } from '../../lib/schedule/holidays.ts';
import { isIssueCode, problem, type IssueCode, type IssueParams, type Problem } from '../../lib/schedule/issues.ts';

/** A field's problem: its code (pages translate it) and the English `message` (the API's text). */
export interface Issue extends Problem {
  path: string; // dotted, e.g. `video.url`
  message: string;
}

/** Every failure but `invalid` carries one code (issues.ts) and its English `message`. */
type Coded = Problem & { message: string };

export type EditFailure =
  /** The input is wrong field by field (400 `{error, issues}`). */
  | { ok: false; reason: 'invalid'; issues: Issue[] }
  /** The input is refused as a whole (400 `{error}`); `field` names the form field when there is one. */
  | ({ ok: false; reason: 'rejected'; field?: string } & Coded)
  | ({ ok: false; reason: 'not_found' } & Coded)
  /** It clashes with what is stored (409); a holiday names the holiday it overlaps. */
  | ({ ok: false; reason: 'conflict'; conflict?: HolidayConflict } & Coded);

export type EditResult<T> = { ok: true; value: T } | EditFailure;

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const invalid = (issues: Issue[]): EditFailure => ({ ok: false, reason: 'invalid', issues });
export const issue = (path: string, code: IssueCode, params?: IssueParams): Issue => ({ path, ...problem(code, params) });
export const rejected = (code: IssueCode, params?: IssueParams, field?: string): EditFailure => ({ ok: false, reason: 'rejected', ...problem(code, params), ...(field ? { field } : {}) });
export const notFound = (code: IssueCode, params?: IssueParams): EditFailure => ({ ok: false, reason: 'not_found', ...problem(code, params) });
export const conflict = (code: IssueCode, params?: IssueParams, detail?: HolidayConflict): EditFailure => ({ ok: false, reason: 'conflict', ...problem(code, params), ...(detail ? { conflict: detail } : {}) });

/** What zod v4 tells of an issue (the fields the codes below read). */
interface ZodIssueLike {
  path: readonly PropertyKey[];
  message: string;
  code?: string;
  origin?: string;
  minimum?: unknown;
  maximum?: unknown;
  format?: string;
  expected?: string;
  values?: readonly unknown[];
  keys?: readonly string[];
  params?: Record<string, unknown>;
}

/** zod's issue as one of our codes: a custom check names its code in `params.code`. */
function zodProblem(i: ZodIssueLike): Problem {
  const array = i.origin === 'array' || i.origin === 'set';
  switch (i.code) {
    case 'custom': {
      const { code, ...params } = i.params ?? {};
      return isIssueCode(code) ? { code, params: params as IssueParams } : { code: 'invalid' };
    }
    case 'invalid_type':
      return /received undefined/.test(i.message) ? { code: 'required' } : { code: 'wrong_type', params: { expected: String(i.expected) } };
    case 'too_small':
      if (i.origin === 'string') return Number(i.minimum) === 1 ? { code: 'required' } : { code: 'too_short', params: { min: Number(i.minimum) } };
      return { code: array ? 'too_few' : 'too_small', params: { min: Number(i.minimum) } };
    case 'too_big':
      return { code: i.origin === 'string' ? 'too_long' : array ? 'too_many' : 'too_large', params: { max: Number(i.maximum) } };
    case 'invalid_format':
      return { code: i.format === 'url' ? 'url' : 'format' };
    case 'invalid_value':
      return { code: 'choice', params: { values: (i.values ?? []).map(String).join(', ') } };
    case 'unrecognized_keys':
      return { code: 'unknown_keys', params: { keys: (i.keys ?? []).join(', ') } };
    default:
      return { code: 'invalid' };
  }
}

/** zod issues with dotted paths, zod's own English as `message` (the API keeps it), a code for pages. */
export const zodIssues = (issues: readonly ZodIssueLike[]): Issue[] =>
  issues.map((i) => {
    const p = zodProblem(i);
    return { path: i.path.map(String).join('.'), message: i.message, code: p.code, ...(p.params && Object.keys(p.params).length ? { params: p.params } : {}) };
  });

/** A failure as `[{path, code, message}]`, for a form that names fields (path '' = the form as a whole). */
export function failureIssues(f: EditFailure): Issue[] {
  if (f.reason === 'invalid') return f.issues;
  return [{ path: f.reason === 'rejected' ? f.field ?? '' : '', code: f.code, ...(f.params ? { params: f.params } : {}), message: f.message }];
}

/**
 * The parts of the app's dependencies (routes/deps.ts RouteDeps fits) the edits use. Read at call
 * time, never copied, like the routes did.
 */
export interface ScheduleEditDeps {
  db: Db;
  /** The process's one id allocator (db/ids.ts): new groups, events and holidays take their ids here. */
  ids: Pick<IdAllocator, 'next'>;
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
