/**
 * Short texts for the inspector (docs/inspector.md "The contract"): state values as dotted leaf paths
 * (`process.crashed`), what changed between two values, a one-line summary of an event's payload and
 * of an actor's context, and context as JSON that survives anything an actor may hold. All of it is
 * plain text: device-reported strings end up here and are escaped by the templates.
 */

/** `{connectivity: 'online', process: 'running'}` → `['connectivity.online', 'process.running']`. */
export function leafPaths(value: unknown, prefix = ''): string[] {
  if (typeof value === 'string') return [prefix ? `${prefix}.${value}` : value];
  if (!value || typeof value !== 'object') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(value)) {
    const p = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object' && Object.keys(v).length === 0) out.push(p);
    else out.push(...leafPaths(v, p));
  }
  return out;
}

/** Deep equality of two state values (strings and nested plain objects only). */
export function sameValue(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || !a || !b) return false;
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (!sameValue((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k])) return false;
  return true;
}

/** The leaf paths that left and entered between two values (a parallel machine changes one region at a time). */
export function valueDiff(from: unknown, to: unknown): { left: string[]; entered: string[] } {
  const a = new Set(from === null || from === undefined ? [] : leafPaths(from));
  const b = new Set(leafPaths(to));
  return { left: [...a].filter((p) => !b.has(p)), entered: [...b].filter((p) => !a.has(p)) };
}

/** Whether a state path filter (`process.crashed`, `live`) matches one of an actor's leaf paths. */
export function matchesState(paths: readonly string[], filter: string): boolean {
  return paths.some((p) => p === filter || p.startsWith(`${filter}.`));
}

const clip = (s: string, n: number) => (s.length <= n ? s : `${s.slice(0, n - 1)}…`);

function short(v: unknown, n = 40): string {
  if (typeof v === 'string') return clip(v, n);
  if (typeof v === 'number' || typeof v === 'boolean' || v === null || v === undefined) return String(v);
  try {
    return clip(JSON.stringify(v) ?? String(v), n);
  } catch {
    return '[unserialisable]';
  }
}

/** `HEALTH {processStatus: 'crashed', at: …}` → `processStatus=crashed at=1764…` (max `max` chars). */
export function eventSummary(event: { type: string } & Record<string, unknown>, max = 140): string {
  const parts: string[] = [];
  for (const [k, v] of Object.entries(event)) {
    if (k === 'type' || v === undefined) continue;
    parts.push(`${k}=${short(v)}`);
    if (parts.join(' ').length > max) break;
  }
  return clip(parts.join(' '), max);
}

/** The first few scalar fields of a context: enough to recognise an actor in a list. */
export function contextSummary(context: unknown, max = 100): string {
  if (!context || typeof context !== 'object') return context === undefined ? '' : short(context, max);
  const parts: string[] = [];
  for (const [k, v] of Object.entries(context)) {
    if (v === null || v === undefined || v === '' || typeof v === 'object' || typeof v === 'function') continue;
    parts.push(`${k}=${short(v, 36)}`);
    if (parts.length >= 4) break;
  }
  return clip(parts.join(' '), max);
}

/** Context as indented JSON: Maps, Sets, actor refs, functions, cycles and bigints all survive; long output is cut. */
export function contextJson(context: unknown, maxChars = 64_000): string {
  const seen = new WeakSet<object>();
  let text: string;
  try {
    text =
      JSON.stringify(
        context,
        (_k, v: unknown) => {
          if (typeof v === 'bigint') return `${v}n`;
          if (typeof v === 'function') return `[function ${(v as { name?: string }).name || 'anonymous'}]`;
          if (v && typeof v === 'object') {
            if (seen.has(v)) return '[circular]';
            seen.add(v);
            if (v instanceof Map) return Object.fromEntries(v);
            if (v instanceof Set) return [...v];
            if ('sessionId' in v && 'send' in v) return `[actor ${(v as { id?: string }).id ?? ''}]`;
          }
          return v;
        },
        2,
      ) ?? 'undefined';
  } catch (err) {
    text = `[cannot show context: ${String(err)}]`;
  }
  return text.length > maxChars ? `${text.slice(0, maxChars)}\n…` : text;
}
