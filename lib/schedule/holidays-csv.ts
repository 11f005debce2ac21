/**
 * Holidays CSV (docs/scheduler.md "The contract in short": CSV import with a report). A header row names the columns:
 * `name` and `start_date`, `end_date` (aliases: start/from/von/beginn, end/to/bis/ende), optional
 * `region`; comma or semicolon separated (whatever the header uses), RFC 4180 quoting, optional
 * UTF-8 BOM. Dates `YYYY-MM-DD` or `DD.MM.YYYY`; an empty end date means a one-day holiday.
 *
 * A bad row is reported with its line number and left out; a file that cannot be read as a whole
 * (no header, missing columns, too many rows, unterminated quote) is a fatal error: nothing of it
 * is imported.
 */
import { daysBetween, MAX_HOLIDAY_DAYS, type CsvRowError, type HolidayDraft } from './holidays.ts';
import { issueText, problem, type Problem } from './issues.ts';

export const MAX_CSV_ROWS = 10_000;

export type CsvParse =
  | { ok: true; rows: Array<HolidayDraft & { line: number }>; errors: CsvRowError[] }
  | { ok: false; error: Problem & { message: string } };

const ALIASES: Record<string, 'name' | 'region' | 'start' | 'end'> = {
  name: 'name', holiday: 'name', bezeichnung: 'name', title: 'name',
  region: 'region', state: 'region', bundesland: 'region',
  start_date: 'start', start: 'start', from: 'start', von: 'start', beginn: 'start', date: 'start', datum: 'start',
  end_date: 'end', end: 'end', to: 'end', bis: 'end', ende: 'end',
};

/** Splits CSV text into records of fields with the line each record starts on; null on an open quote. */
function records(text: string, sep: string): Array<{ line: number; fields: string[] }> | null {
  const out: Array<{ line: number; fields: string[] }> = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let startLine = 1;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quoted) {
      if (ch === '"') {
        if (text[i + 1] === '"') (field += '"'), i++;
        else quoted = false;
      } else {
        if (ch === '\n') line++;
        field += ch;
      }
    } else if (ch === '"' && field === '') quoted = true;
    else if (ch === sep) fields.push(field), (field = '');
    else if (ch === '\n' || ch === '\r') {
      if (ch === '\r' && text[i + 1] === '\n') i++;
      fields.push(field);
      out.push({ line: startLine, fields });
      fields = [];
      field = '';
      startLine = ++line;
    } else field += ch;
  }
  if (quoted) return null;
  if (field !== '' || fields.length) fields.push(field), out.push({ line: startLine, fields });
  return out.filter((r) => r.fields.some((f) => f.trim() !== ''));
}

/** `2026-07-03` or `03.07.2026` → `2026-07-03`, null when not a real date. */
export function parseDate(value: string): string | null {
  const v = value.trim();
  let m = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(v);
  let y: number, mo: number, d: number;
  if (m) [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else if ((m = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/.exec(v))) [d, mo, y] = [Number(m[1]), Number(m[2]), Number(m[3])];
  else return null;
  const t = new Date(Date.UTC(y, mo - 1, d));
  if (t.getUTCFullYear() !== y || t.getUTCMonth() !== mo - 1 || t.getUTCDate() !== d) return null;
  return t.toISOString().slice(0, 10);
}

export function parseHolidaysCsv(input: string): CsvParse {
  const text = input.replace(/^\uFEFF/, '');
  const firstLine = text.split(/\r?\n/, 1)[0] ?? '';
  const sep = (firstLine.match(/;/g)?.length ?? 0) > (firstLine.match(/,/g)?.length ?? 0) ? ';' : ',';
  const recs = records(text, sep);
  if (recs === null) return { ok: false, error: problem('csv_open_quote') };
  if (recs.length === 0) return { ok: false, error: problem('csv_empty') };
  const header = recs[0].fields.map((h) => ALIASES[h.trim().toLowerCase().replace(/[\s-]+/g, '_')]);
  const col = (k: 'name' | 'region' | 'start' | 'end') => header.indexOf(k);
  const missing = (['name', 'start'] as const).filter((k) => col(k) < 0);
  if (missing.length) return { ok: false, error: problem('csv_header', { line: recs[0].line, missing: missing.join(', ') }) };
  if (recs.length - 1 > MAX_CSV_ROWS) return { ok: false, error: problem('csv_too_many_rows', { rows: recs.length - 1, max: MAX_CSV_ROWS }) };

  const rows: Array<HolidayDraft & { line: number }> = [];
  const errors: CsvRowError[] = [];
  const bad = (line: number, problems: Problem[]) => errors.push({ line, message: problems.map((p) => issueText(p.code, p.params)).join('; '), problems });
  for (const { line, fields } of recs.slice(1)) {
    if (fields.length > header.length) {
      bad(line, [{ code: 'csv_fields', params: { fields: fields.length, columns: header.length } }]);
      continue;
    }
    const get = (k: 'name' | 'region' | 'start' | 'end') => (col(k) >= 0 ? (fields[col(k)] ?? '').trim() : '');
    const name = get('name');
    const startDate = parseDate(get('start'));
    const endDate = get('end') === '' ? startDate : parseDate(get('end'));
    const problems: Problem[] = [];
    if (!name) problems.push({ code: 'csv_name_empty' });
    else if (name.length > 200) problems.push({ code: 'csv_name_too_long', params: { max: 200 } });
    if (get('region').length > 100) problems.push({ code: 'csv_region_too_long', params: { max: 100 } });
    if (!startDate) problems.push({ code: 'csv_start_date', params: { value: get('start') } });
    if (!endDate) problems.push({ code: 'csv_end_date', params: { value: get('end') } });
    if (startDate && endDate && endDate < startDate) problems.push({ code: 'csv_end_before_start' });
    if (startDate && endDate && daysBetween(startDate, endDate) >= MAX_HOLIDAY_DAYS) problems.push({ code: 'csv_too_long', params: { days: MAX_HOLIDAY_DAYS } });
    if (problems.length) {
      bad(line, problems);
      continue;
    }
    rows.push({ line, name, region: get('region'), startDate: startDate!, endDate: endDate! });
  }
  return { ok: true, rows, errors };
}
