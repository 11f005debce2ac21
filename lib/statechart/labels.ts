/**
 * How events, guards and delays read on a statechart edge. XState spells delays and invoke results
 * as internal event types (`xstate.after.grace.client.connectivity.online`,
 * `xstate.done.actor.0.command.live.publish_in_progress`); the diagram says `after grace` and
 * `done: publish`. Guards may be names, `{type, params}` objects or composed functions
 * (`and([...])`, `not(...)`, `stateIn(...)`), which `toJSON()` loses; they are spelled out here.
 */

/** Longest guard label drawn on an edge; the full text is the edge's tooltip. */
export const MAX_GUARD_CHARS = 48;

export function delayLabel(delay: string): string {
  return /^\d+$/.test(delay) ? `after ${formatMs(Number(delay))}` : `after ${delay}`;
}

function formatMs(ms: number): string {
  if (ms % 60_000 === 0 && ms > 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0 && ms > 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

export function eventLabel(eventType: string, invokeSrc: Map<string, string>): string {
  if (eventType === '') return 'always';
  const done = /^xstate\.(done|error)\.actor\.(.+)$/.exec(eventType);
  if (done) return `${done[1]}: ${invokeSrc.get(done[2]) ?? done[2]}`;
  if (eventType.startsWith('xstate.done.state.')) return 'done';
  return eventType;
}

/** A readable guard, or null when the transition has none. */
export function guardLabel(guard: unknown): string | null {
  if (guard === undefined || guard === null) return null;
  return spell(guard, 0);
}

function spell(g: unknown, depth: number): string {
  if (depth > 6) return '…';
  if (typeof g === 'string') return g;
  if (typeof g === 'function') {
    const fn = g as { name?: string; guards?: unknown[]; stateValue?: unknown };
    // `stateIn('#client.process.crashed')` reads as `in(crashed)` (the full id is in the tooltip).
    if (fn.stateValue !== undefined)
      return `in(${typeof fn.stateValue === 'string' ? fn.stateValue.replace(/^#?(?:[^.]*\.)*/, '') : JSON.stringify(fn.stateValue)})`;
    if (Array.isArray(fn.guards)) {
      const parts = fn.guards.map((x) => spell(x, depth + 1));
      if (fn.name === 'not') return `!${parts.length === 1 ? parts[0] : `(${parts.join(' && ')})`}`;
      const op = fn.name === 'or' ? ' || ' : ' && ';
      return depth === 0 ? parts.join(op) : `(${parts.join(op)})`;
    }
    return fn.name || 'guard';
  }
  if (typeof g === 'object') {
    const o = g as { type?: unknown; params?: unknown };
    const name = typeof o.type === 'string' ? o.type : 'guard';
    if (o.params === undefined) return name;
    const p = o.params;
    const args =
      p && typeof p === 'object' && !Array.isArray(p)
        ? Object.values(p as Record<string, unknown>).map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ')
        : JSON.stringify(p);
    return `${name}(${args})`;
  }
  return String(g);
}

/** A label cut to `max` characters (with an ellipsis). */
export function clip(text: string, max = MAX_GUARD_CHARS): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
