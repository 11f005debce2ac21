/**
 * Why the schedule refused an input, as a stable code with parameters, and the English text the
 * JSON API keeps for scripts. People read the code through the message catalog
 * (`schedule.issue.{code}` in views/i18n/messages/schedule-issues.ts), in their language.
 */

/** Codes with their English API text; `{name}` placeholders are filled from the parameters. */
const TEXTS = {
  // Field checks of an event body (services/schedule/event-input.ts) and zod's own checks mapped to codes.
  instant_format: 'must be ISO 8601 with a zone (2026-04-01T06:00:00Z) or 20260401T060000Z',
  timezone: 'must be an IANA time zone, e.g. Europe/Vienna',
  end_before_start: 'must be after start',
  span_too_long: 'an occurrence lasts at most {days} days',
  presentation_files: 'a presentation needs at least one file URL or library item',
  website_url: 'a website needs a URL',
  video_url: 'a video needs a URL or a library item',
  message_text: 'a message needs a text',
  required: 'is required',
  wrong_type: 'expected {expected}',
  too_short: 'must have at least {min} characters',
  too_long: 'must have at most {max} characters',
  too_small: 'must be at least {min}',
  too_large: 'must be at most {max}',
  too_few: 'must list at least {min}',
  too_many: 'must list at most {max}',
  url: 'must be an http(s) URL',
  format: 'has the wrong format',
  choice: 'must be one of {values}',
  unknown_keys: 'unknown fields: {keys}',
  invalid: 'is not valid',
  // The recurrence rule (recurrence.ts checkRule).
  rule_empty: 'empty rule',
  rule_malformed: 'malformed part "{part}"',
  rule_unsupported: '{key} is not supported (allowed: {allowed})',
  rule_twice: '{key} given twice',
  rule_freq: 'FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY',
  rule_count_until: 'COUNT and UNTIL exclude each other (RFC 5545)',
  rule_integer: '{key} must be an integer from 1 to 9999',
  rule_until: 'UNTIL must be yyyyMMdd or yyyyMMddTHHmmssZ',
  rule_byday: 'BYDAY takes MO,TU,WE,TH,FR,SA,SU',
  rule_numbers: '{key} takes numbers',
  rule_unreadable: '{detail}', // the rrule library's own words: the API passes them on, pages do not
  // Events and occurrences (services/schedule/event-edits.ts).
  group_missing: 'group {id} does not exist',
  event_not_found: 'event not found',
  not_recurring: 'only an occurrence of a recurring event can be skipped or detached',
  occurrence_format: 'the occurrence date must be yyyyMMddTHHmmssZ, ISO 8601 with a zone, or YYYY-MM-DD',
  no_occurrence_on_date: 'the event has no occurrence on that date',
  no_occurrence_at: 'the event has no occurrence starting at that time',
  occurrence_detached: 'that occurrence was detached into event {id}',
  occurrence_excepted: 'that occurrence is already skipped or detached',
  // Groups (services/schedule/group-edits.ts).
  group_not_found: 'group not found',
  group_name_taken: 'a group named "{name}" exists',
  group_create_race: 'the group could not be created (name taken?)',
  group_rename_race: 'the group could not be renamed (name taken?)',
  order_unknown_group: 'no group {id}',
  order_twice: 'lists a group twice',
  // Holidays (services/schedule/holiday-edits.ts) and their CSV import (holidays-csv.ts).
  holiday_not_found: 'holiday not found',
  holiday_outside_period: "the holiday lies outside the academic period {period}: a period's holidays lie within its dates",
  rows_outside_period: '{count} {rowsLie} outside the academic period {period}: {rows}',
  // Links of events and holidays (academic periods, the media library).
  period_missing: 'academic period {id} does not exist',
  period_archived: 'academic period {id} "{name}" is archived: restore it first',
  media_not_video: 'media item {id} is not a video of the library',
  media_not_document: 'media item {id} is not a PDF or presentation of the library',
  holiday_overlap: 'overlaps a different holiday',
  holiday_end_before_start: 'must not be before startDate',
  holiday_too_long: 'a holiday spans at most {days} days',
  csv_open_quote: 'unterminated quoted field',
  csv_empty: 'the file is empty',
  csv_header: 'line {line}: header must name the columns name, start_date, end_date (optional region); missing {missing}',
  csv_too_many_rows: 'too many rows ({rows}; at most {max})',
  csv_too_large: 'the file is larger than {kib} KiB',
  csv_fields: '{fields} fields, the header has {columns}',
  csv_name_empty: 'name is empty',
  csv_name_too_long: 'name is longer than {max} characters',
  csv_region_too_long: 'region is longer than {max} characters',
  csv_start_date: 'start date "{value}" is not a date (YYYY-MM-DD or DD.MM.YYYY)',
  csv_end_date: 'end date "{value}" is not a date (YYYY-MM-DD or DD.MM.YYYY)',
  csv_end_before_start: 'end date is before the start date',
  csv_too_long: 'longer than {days} days',
} as const;

export type IssueCode = keyof typeof TEXTS;
export type IssueParams = Record<string, string | number>;

/** A code with what its text names (a value, a limit); what pages translate. */
export interface Problem {
  code: IssueCode;
  params?: IssueParams;
}

export const isIssueCode = (v: unknown): v is IssueCode => typeof v === 'string' && Object.hasOwn(TEXTS, v);

/** The English API text of a code. */
export function issueText(code: IssueCode, params?: IssueParams): string {
  const text: string = TEXTS[code];
  return params ? text.replace(/\{(\w+)\}/g, (m, name: string) => (params[name] ?? m).toString()) : text;
}

/** A problem with its English text (`message`), as the API answers and the pages translate. */
export const problem = (code: IssueCode, params?: IssueParams): Problem & { message: string } => ({
  code,
  ...(params ? { params } : {}),
  message: issueText(code, params),
});
