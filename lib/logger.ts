/**
 * The structured logger (docs/operations.md "Logs"): pino underneath, `logger(scope)` on top so
 * every module keeps its one-line `const log = logger('…')`. JSON lines when stdout is not a
 * terminal, readable lines when it is; `LOG_LEVEL` via `configureLogging`; the id of the HTTP
 * request being handled on every line (lib/log-context.ts); secrets never logged (lib/log-redact.ts).
 * `rateLimited` logs a given key at most once per window (used for bad MQTT input: once per client
 * per minute, docs/mqtt.md "Bad input").
 */
import process from 'node:process';
import { pino, stdTimeFunctions, type Logger as Pino } from 'pino';
import { currentRequestId } from './log-context.ts';
import { prettyLine } from './log-pretty.ts';
import { REDACT_PATHS, REDACTED, scrub, scrubText } from './log-redact.ts';

export interface Logger {
  info(msg: string, extra?: unknown): void;
  warn(msg: string, extra?: unknown): void;
  error(msg: string, extra?: unknown): void;
}
export interface ScopedLogger extends Logger {
  debug(msg: string, extra?: unknown): void;
}

export type LogLevel = 'trace' | 'debug' | 'info' | 'warn' | 'error' | 'fatal' | 'silent';

export interface LogOptions {
  level?: LogLevel;
  /** Readable lines instead of JSON; default: whether stdout is a terminal. */
  pretty?: boolean;
  /** Where a finished line goes (tests capture it); default stdout, errors to stderr. */
  write?: (line: string, stream: 'out' | 'err') => void;
}

const defaultWrite = (line: string, stream: 'out' | 'err') => void (stream === 'err' ? process.stderr : process.stdout).write(line);
let options: Required<LogOptions> = { level: 'info', pretty: !!process.stdout?.isTTY, write: defaultWrite };
let root: Pino | null = null;
const scopes = new Map<string, Pino>();

/** Sets level, format or destination (merged with what was set before); loggers made earlier follow. */
export function configureLogging(opts: LogOptions): void {
  options = { ...options, ...Object.fromEntries(Object.entries(opts).filter(([, v]) => v !== undefined)) };
  root = null;
  scopes.clear();
}

function build(): Pino {
  const { pretty, write } = options;
  const color = pretty && !process.env.NO_COLOR;
  const destination = {
    write(line: string) {
      const err = line.startsWith('{"level":"error"') || line.startsWith('{"level":"fatal"');
      write(pretty ? prettyLine(line, color) + '\n' : line, err ? 'err' : 'out');
    },
  };
  return pino(
    {
      level: options.level,
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) }, // "level":"warn": readable in JSON too
      mixin: () => {
        const reqId = currentRequestId();
        return reqId ? { reqId } : {};
      },
      redact: { paths: REDACT_PATHS, censor: REDACTED },
      serializers: { err: (e: unknown) => e }, // already scrubbed into {type, message, stack} (lib/log-redact.ts)
    },
    destination,
  );
}

function scoped(scope: string): Pino {
  root ??= build();
  let l = scopes.get(scope);
  if (!l) scopes.set(scope, (l = root.child({ scope })));
  return l;
}

let quietMode = false;
/** Tests and benchmarks silence info/warn lines; errors always print. */
export function setQuiet(quiet: boolean): void {
  quietMode = quiet;
}

type Level = 'debug' | 'info' | 'warn' | 'error';

function line(scope: string, level: Level, msg: string, extra?: unknown): void {
  if (quietMode && level !== 'error') return;
  const l = scoped(scope);
  if (!l.isLevelEnabled(level)) return;
  const text = scrubText(msg);
  if (extra === undefined) l[level](text);
  else if (extra instanceof Error) l[level]({ err: scrub(extra) }, text);
  else l[level]({ data: scrub(extra) }, text);
}

export function logger(scope: string): ScopedLogger {
  return {
    debug: (m, e) => line(scope, 'debug', m, e),
    info: (m, e) => line(scope, 'info', m, e),
    warn: (m, e) => line(scope, 'warn', m, e),
    error: (m, e) => line(scope, 'error', m, e),
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
