import { type Clock, isHotlineError, maskText } from '@hotline/core';

/**
 * Where the server's log lines go: anything with `error` (and, to get them, `warn` and
 * `info`), such as `console` or a pino or winston logger. Each call receives one
 * argument, a JSON line: `{ level, time, msg, reqId?, tenantId?, route?, method?,
 * status?, ms?, error? }`.
 */
export interface ServerLogger {
  error(line: string, ...rest: unknown[]): void;
  warn?(line: string, ...rest: unknown[]): void;
  info?(line: string, ...rest: unknown[]): void;
}

/** Severity of a log line. */
export type LogLevel = 'info' | 'warn' | 'error';

/** Fields of a log line besides level, time and message. */
export type LogFields = Record<string, unknown>;

/** How the server writes its log: structured, PII masked. */
export interface ServerLog {
  info(msg: string, fields?: LogFields): void;
  warn(msg: string, fields?: LogFields): void;
  error(msg: string, error?: unknown, fields?: LogFields): void;
}

/** JSON lines on standard output (info) and standard error (warn, error). */
export const jsonLinesLogger: ServerLogger = {
  info: (line) => process.stdout.write(`${line}\n`),
  warn: (line) => process.stderr.write(`${line}\n`),
  error: (line) => process.stderr.write(`${line}\n`),
};

const MAX_DEPTH = 6;
const MAX_ITEMS = 50;
const MAX_STRING = 4000;

/**
 * A copy of `value` with every string passed through core's `maskText` (emails, phone,
 * card and ID numbers), bounded in depth, width and length so a huge or cyclic value
 * cannot blow up a log line.
 */
export function maskForLog(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskText(value.length > MAX_STRING ? `${value.slice(0, MAX_STRING)}…` : value);
  if (value === null || typeof value !== 'object') {
    return typeof value === 'bigint' || typeof value === 'function' || typeof value === 'symbol'
      ? String(value)
      : value;
  }
  if (depth >= MAX_DEPTH) return '[…]';
  if (value instanceof Error) return maskForLog(errorFields(value), depth + 1);
  if (Array.isArray(value)) return value.slice(0, MAX_ITEMS).map((item) => maskForLog(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value).slice(0, MAX_ITEMS)) out[key] = maskForLog(item, depth + 1);
  return out;
}

function errorFields(error: Error): Record<string, unknown> {
  return {
    name: error.name,
    message: error.message,
    ...(isHotlineError(error) ? { code: error.code, details: error.details } : {}),
    ...(error.stack ? { stack: error.stack } : {}),
  };
}

/** The server's log on a logger; a logger that throws never breaks a request. */
export function createServerLog(logger: ServerLogger, clock: Clock): ServerLog {
  const write = (level: LogLevel, msg: string, fields: LogFields) => {
    const sink = logger[level];
    if (!sink) return;
    try {
      const masked = maskForLog({ msg, ...fields }) as LogFields;
      sink.call(logger, JSON.stringify({ level, time: new Date(clock.now()).toISOString(), ...masked }));
    } catch {
      // Logging must never take the server down.
    }
  };
  return {
    info: (msg, fields = {}) => write('info', msg, fields),
    warn: (msg, fields = {}) => write('warn', msg, fields),
    error: (msg, error, fields = {}) => write('error', msg, error === undefined ? fields : { ...fields, error }),
  };
}
