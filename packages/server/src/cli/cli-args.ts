import { isAbsolute, resolve } from 'node:path';
import { type ParseArgsConfig, parseArgs } from 'node:util';
import { ValidationError } from '@hotline/core';

/** The commands of `hotline`. */
export const CLI_COMMANDS = ['serve', 'migrate', 'seed-demo'] as const;
/** A command of `hotline`. */
export type CliCommand = (typeof CLI_COMMANDS)[number];

/** Where the CLI keeps its embedded database, secrets and uploads when not told otherwise. */
export const DEFAULT_DATA_DIR = '.hotline';
/** The port of `hotline serve` when neither `--port` nor `PORT` is given. */
export const DEFAULT_PORT = 8080;
/** The interface `hotline serve` listens on when neither `--host` nor `HOTLINE_HOST` is given. */
export const DEFAULT_HOST = '0.0.0.0';

/** What a command was asked to do, flags and environment resolved. */
export interface CliConfig {
  command: CliCommand;
  /** Absolute. Holds `db/` (PGlite), `secrets.json` and `uploads/`. */
  dataDir: string;
  /** A PostgreSQL URL; without it the embedded PGlite in `dataDir/db` is used. */
  databaseUrl?: string;
  port: number;
  host: string;
}

/** What the command line asked for: a command to run, or help. */
export type CliRequest =
  | { kind: 'help'; command?: CliCommand }
  | { kind: 'version' }
  | { kind: 'run'; config: CliConfig };

const STORAGE_OPTIONS = {
  'data-dir': { type: 'string' },
  'database-url': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const OPTIONS = {
  serve: { ...STORAGE_OPTIONS, port: { type: 'string', short: 'p' }, host: { type: 'string' } },
  migrate: STORAGE_OPTIONS,
  'seed-demo': STORAGE_OPTIONS,
} as const;

const STORAGE_HELP = `  --data-dir DIR          database, secrets.json and uploads (env HOTLINE_DATA_DIR, default ./.hotline)
  --database-url URL      PostgreSQL instead of the embedded PGlite (env DATABASE_URL)
  -h, --help              this help`;

/** The help text of `hotline`, or of one command. */
export function usage(command?: CliCommand): string {
  switch (command) {
    case 'serve':
      return `hotline serve: run the Hotline server (REST API, web chat and agent gateway, metrics).

Usage: hotline serve [--port 8080] [--host 0.0.0.0] [--data-dir ./.hotline] [--database-url postgres://…]

  -p, --port PORT         port to listen on, 0 for a free one (env PORT, default ${DEFAULT_PORT})
  --host HOST             interface to listen on (env HOTLINE_HOST, default ${DEFAULT_HOST})
${STORAGE_HELP}

Secrets come from HOTLINE_JWT_SECRET, HOTLINE_AGENT_SECRET and HOTLINE_SITE_SECRET, or are
generated once into DATA_DIR/secrets.json (mode 0600). SIGTERM or SIGINT stops it gracefully.
`;
    case 'migrate':
      return `hotline migrate: bring the database schema up to date, then exit.

Usage: hotline migrate [--data-dir ./.hotline] [--database-url postgres://…]

${STORAGE_HELP}
`;
    case 'seed-demo':
      return `hotline seed-demo: create the demo tenant "Demo Shop" (queues, agents, calendar, SLA
policies, canned responses, web chat site). Idempotent: only what is missing is created.

Usage: hotline seed-demo [--data-dir ./.hotline] [--database-url postgres://…]

${STORAGE_HELP}
`;
    default:
      return `hotline: the Hotline contact center server.

Usage: hotline <command> [options]

Commands:
  serve       run the server (embedded PGlite in ./.hotline, or PostgreSQL)
  migrate     bring the database schema up to date
  seed-demo   create the demo tenant, queues, agents and site (idempotent)

Options:
  -h, --help      help (also: hotline <command> --help)
  -v, --version   the version

Exit codes: 0 done, 1 failed, 2 bad command line or environment.
`;
  }
}

function usageError(message: string, path: string): ValidationError {
  return new ValidationError(message, [{ path, message }]);
}

/** The Levenshtein distance, for "did you mean" hints. */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] as number) + 1,
        (current[j - 1] as number) + 1,
        (previous[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] as number;
}

function suggestion(given: string, known: readonly string[]): string {
  const near = known.filter((name) => distance(given, name) <= 2);
  return near.length > 0 ? ` (did you mean ${near.join(' or ')}?)` : '';
}

/** Turns `parseArgs`' errors into messages naming the command and the option. */
function parseError(error: unknown, command: CliCommand): ValidationError {
  const code = (error as { code?: string }).code;
  const message = error instanceof Error ? error.message : String(error);
  // Node quotes the option: '--prot', or '-p, --port <value>' (then the long name is wanted).
  const option = /'(?:-\w, )?(--?[^' ]+)/.exec(message)?.[1] ?? '';
  const known = Object.keys(OPTIONS[command]).map((name) => `--${name}`);
  if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
    return usageError(`unknown option ${option} for "hotline ${command}"${suggestion(option, known)}`, option);
  }
  if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE' && message.includes('argument missing')) {
    return usageError(`${option} needs a value`, option);
  }
  if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
    return usageError(`"hotline ${command}" takes no arguments: ${message}`, '');
  }
  return usageError(message, option);
}

function parsePort(value: string, source: string): number {
  const port = Number(value);
  if (!/^\d{1,5}$/.test(value.trim()) || port > 65_535) {
    throw usageError(`${source} must be a port number from 0 to 65535, got "${value.slice(0, 20)}"`, source);
  }
  return port;
}

function parseDatabaseUrl(value: string, source: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    // Never echo the value: it may carry a password.
    throw usageError(`${source} is not a URL (expected postgres://user:password@host:5432/database)`, source);
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw usageError(`${source} must be a postgres:// or postgresql:// URL, not ${url.protocol}//…`, source);
  }
  return value;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/**
 * Parses `hotline`'s command line (without `node` and the script) and the environment
 * into what to do. Flags win over the environment, which wins over the defaults.
 *
 * @throws ValidationError for an unknown command or option, a missing value, a bad port
 *   or database URL (the CLI exits with code 2).
 *
 * @example
 * ```ts
 * const request = parseCli(['serve', '--port', '0'], process.env, process.cwd());
 * if (request.kind === 'run') console.log(request.config.port); // 0
 * ```
 */
export function parseCli(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  cwd: string,
): CliRequest {
  const [first, ...rest] = argv;
  if (first === undefined) throw usageError('a command is needed: serve, migrate or seed-demo', '');
  if (first === '-h' || first === '--help' || first === 'help') {
    const topic = rest[0];
    return { kind: 'help', ...(isCommand(topic) ? { command: topic } : {}) };
  }
  if (first === '-v' || first === '--version') return { kind: 'version' };
  if (!isCommand(first)) {
    throw usageError(
      `unknown command "${first.slice(0, 40)}"${suggestion(first, CLI_COMMANDS)}; commands: ${CLI_COMMANDS.join(', ')}`,
      'command',
    );
  }
  const command = first;
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    const options: NonNullable<ParseArgsConfig['options']> = OPTIONS[command];
    ({ values } = parseArgs({ args: [...rest], options, strict: true, allowPositionals: false }));
  } catch (error) {
    throw parseError(error, command);
  }
  if (values.help === true) return { kind: 'help', command };
  const flag = (name: string) => nonEmpty(values[name] as string | undefined);
  const dataDir = flag('data-dir') ?? nonEmpty(env.HOTLINE_DATA_DIR) ?? DEFAULT_DATA_DIR;
  const urlFlag = flag('database-url');
  const databaseUrl =
    urlFlag !== undefined
      ? parseDatabaseUrl(urlFlag, '--database-url')
      : nonEmpty(env.DATABASE_URL) !== undefined
        ? parseDatabaseUrl(env.DATABASE_URL as string, 'DATABASE_URL')
        : undefined;
  // Only `serve` listens: a stray PORT must not break `migrate`.
  const portFlag = flag('port');
  const portEnv = command === 'serve' ? nonEmpty(env.PORT) : undefined;
  const port =
    portFlag !== undefined
      ? parsePort(portFlag, '--port')
      : portEnv !== undefined
        ? parsePort(portEnv, 'PORT')
        : DEFAULT_PORT;
  return {
    kind: 'run',
    config: {
      command,
      dataDir: isAbsolute(dataDir) ? dataDir : resolve(cwd, dataDir),
      ...(databaseUrl === undefined ? {} : { databaseUrl }),
      port,
      host: flag('host') ?? nonEmpty(env.HOTLINE_HOST) ?? DEFAULT_HOST,
    },
  };
}

function isCommand(value: string | undefined): value is CliCommand {
  return (CLI_COMMANDS as readonly (string | undefined)[]).includes(value);
}
