/**
 * Minimal structured logger: one line per message with a scope. `rateLimited` logs a given key at
 * most once per window (used for bad MQTT input: once per client per minute, docs/mqtt.md "Bad input").
 */
export interface Logger {
  info(msg: string, extra?: unknown): void;
  warn(msg: string, extra?: unknown): void;
  error(msg: string, extra?: unknown): void;
}

let quietMode = false;
/** Tests and benchmarks silence info/warn lines; errors always print. */
export function setQuiet(quiet: boolean): void {
  quietMode = quiet;
}
const quiet = () => quietMode;

export function logger(scope: string): Logger {
  const line = (level: string, msg: string, extra?: unknown) => {
    if (quiet() && level !== 'error') return;
    const tail = extra === undefined ? '' : ' ' + (extra instanceof Error ? extra.stack ?? extra.message : JSON.stringify(extra));
    const out = `${new Date().toISOString()} ${level} [${scope}] ${msg}${tail}`;
    if (level === 'error') console.error(out);
    else console.log(out);
  };
  return {
    info: (m, e) => line('info', m, e),
    warn: (m, e) => line('warn', m, e),
    error: (m, e) => line('error', m, e),
  };
}

/** Returns true when `key` has not been seen within `windowMs`; remembers it otherwise. */
export function rateLimiter(windowMs: number, maxKeys = 10_000) {
  const last = new Map<string, number>();
  return (key: string, now = Date.now()): boolean => {
    const prev = last.get(key);
    if (prev !== undefined && now - prev < windowMs) return false;
    if (last.size >= maxKeys) last.clear();
    last.set(key, now);
    return true;
  };
}
