/**
 * Multi-row INSERTs for the writer's batches (docs/performance.md "Multi-row INSERTs"): a run of
 * consecutive statements with the same `INSERT … VALUES (?, …, ?) …` text becomes one statement
 * with up to `MAX_ROWS` value tuples. libSQL prepares every statement of a batch anew, and that
 * prepare was the largest single cost of the server's writes (a row: ~18 µs alone, ~5 µs in a
 * 64-row statement); this also holds for a libSQL server, which parses what it gets.
 *
 * SQLite runs the rows of one multi-row INSERT in order, each with its own conflict handling
 * (`OR IGNORE`, `ON CONFLICT … DO UPDATE`) and triggers, so the result equals the single
 * statements. A failing multi-row statement fails the batch, which the writer then retries one
 * original statement at a time (db/writer.batch.ts): a bad row still only costs itself.
 */
import type { InStatement, InValue } from '@libsql/client';

/** Rows per statement: more saves little (measured) and keeps the SQL text short. */
const MAX_ROWS = 64;
/** Bound on bound parameters per statement (SQLite's default limit is 32,766). */
const MAX_PARAMS = 8_000;

interface Shape {
  head: string; // `INSERT … VALUES `
  tuple: string; // `(?, ?, …)`
  tail: string; // ` ON CONFLICT …` or ''
  params: number;
}

/** Placeholder-only tuple after VALUES; the rest of the statement must not hold another `?`. */
const INSERT_VALUES = /^(\s*INSERT\b[^?]*?\bVALUES\s*)(\(\s*\?(?:\s*,\s*\?)*\s*\))([^?]*)$/i;
const shapes = new Map<string, Shape | null>();

function shapeOf(sql: string): Shape | null {
  let shape = shapes.get(sql);
  if (shape !== undefined) return shape;
  const m = INSERT_VALUES.exec(sql);
  shape = m && !/\bRETURNING\b/i.test(m[3]) ? { head: m[1], tuple: m[2], tail: m[3], params: m[2].split('?').length - 1 } : null;
  if (shapes.size < 1000) shapes.set(sql, shape); // statement texts are a small fixed set; bound it anyway
  return shape;
}

/** The statement's text and positional arguments, when it can join a multi-row INSERT. */
function joinable(stmt: InStatement): { sql: string; args: InValue[]; shape: Shape } | null {
  if (typeof stmt === 'string' || !Array.isArray(stmt.args)) return null;
  const shape = shapeOf(stmt.sql);
  if (!shape || stmt.args.length !== shape.params) return null;
  return { sql: stmt.sql, args: stmt.args as InValue[], shape };
}

/** `statements` with runs of the same single-row INSERT merged; order and effect unchanged. */
export function coalesceInserts(statements: InStatement[]): InStatement[] {
  const out: InStatement[] = [];
  let i = 0;
  while (i < statements.length) {
    const first = joinable(statements[i]);
    if (!first) {
      out.push(statements[i++]);
      continue;
    }
    const maxRows = Math.max(1, Math.min(MAX_ROWS, Math.floor(MAX_PARAMS / first.shape.params)));
    const args: InValue[] = first.args.slice();
    let rows = 1;
    let j = i + 1;
    for (; j < statements.length && rows < maxRows; j++) {
      const next = statements[j];
      if (typeof next === 'string' || next.sql !== first.sql || !Array.isArray(next.args) || next.args.length !== first.shape.params) break;
      for (const a of next.args as InValue[]) args.push(a);
      rows++;
    }
    if (rows === 1) out.push(statements[i]);
    else out.push({ sql: `${first.shape.head}${Array(rows).fill(first.shape.tuple).join(', ')}${first.shape.tail}`, args });
    i = j;
  }
  return out;
}
