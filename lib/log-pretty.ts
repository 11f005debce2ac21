/**
 * Readable log lines for a terminal (docs/operations.md "Logs"): the JSON line pino wrote, as
 * `time LEVEL [scope] message key=value… (req id)` with an error's stack below. Our own ~40 lines
 * instead of pino-pretty (a transport with worker threads and a dozen packages).
 */

const COLORS: Record<string, string> = { trace: '90', debug: '90', info: '36', warn: '33', error: '31', fatal: '35' };
const SKIP = new Set(['level', 'time', 'pid', 'hostname', 'scope', 'msg', 'reqId', 'err', 'data']);

function text(v: unknown): string {
  return typeof v === 'string' ? (/\s|"/.test(v) ? JSON.stringify(v) : v) : JSON.stringify(v);
}

/** One pino JSON line → one readable line (plus the stack); a line that is no JSON stays as it is. */
export function prettyLine(json: string, color = false): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json);
  } catch {
    return json.trimEnd();
  }
  const level = String(o.level ?? 'info');
  const label = level.toUpperCase().padEnd(5);
  const parts = [String(o.time ?? ''), color && COLORS[level] ? `\x1b[${COLORS[level]}m${label}\x1b[0m` : label];
  if (o.scope) parts.push(`[${o.scope}]`);
  parts.push(String(o.msg ?? ''));
  for (const [k, v] of Object.entries(o)) if (!SKIP.has(k) && v !== undefined) parts.push(`${k}=${text(v)}`);
  if (o.data !== undefined) parts.push(text(o.data));
  if (o.reqId) parts.push(`(req ${o.reqId})`);
  const err = o.err as { stack?: string; message?: string } | undefined;
  const tail = err ? `\n    ${(err.stack ?? err.message ?? '').split('\n').join('\n    ')}` : '';
  return parts.join(' ') + tail;
}
