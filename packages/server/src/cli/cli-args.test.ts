import { ValidationError } from '@hotline/core';
import { describe, expect, it } from 'vitest';
import { DEFAULT_PORT, parseCli, usage } from './cli-args.js';

const run = (argv: string[], env: Record<string, string> = {}) => {
  const request = parseCli(argv, env, '/srv/app');
  if (request.kind !== 'run') throw new Error(`expected a command, got ${request.kind}`);
  return request.config;
};

const usageMessage = (argv: string[], env: Record<string, string> = {}): string => {
  try {
    parseCli(argv, env, '/srv/app');
  } catch (error) {
    expect(error).toBeInstanceOf(ValidationError);
    return (error as Error).message;
  }
  throw new Error('expected a usage error');
};

describe('parseCli', () => {
  it('defaults to PGlite in ./.hotline and port 8080 on every interface', () => {
    expect(run(['serve'])).toEqual({ command: 'serve', dataDir: '/srv/app/.hotline', port: 8080, host: '0.0.0.0' });
  });

  it('takes the environment, and flags over it', () => {
    const env = {
      PORT: '9000',
      HOTLINE_DATA_DIR: '/var/lib/hotline',
      DATABASE_URL: 'postgres://h/db',
      HOTLINE_HOST: '::',
    };
    expect(run(['serve'], env)).toEqual({
      command: 'serve',
      dataDir: '/var/lib/hotline',
      databaseUrl: 'postgres://h/db',
      port: 9000,
      host: '::',
    });
    expect(
      run(['serve', '--port=0', '-p', '7000', '--data-dir', 'data', '--database-url', 'postgresql://x/y'], env),
    ).toMatchObject({ port: 7000, dataDir: '/srv/app/data', databaseUrl: 'postgresql://x/y' });
  });

  it('ignores PORT outside serve, so a stray one cannot break a migration', () => {
    expect(run(['migrate'], { PORT: 'eighty' }).port).toBe(DEFAULT_PORT);
    expect(usageMessage(['serve'], { PORT: 'eighty' })).toMatch(/PORT must be a port number/);
  });

  it('answers help and version', () => {
    expect(parseCli(['--help'], {}, '/')).toEqual({ kind: 'help' });
    expect(parseCli(['help', 'serve'], {}, '/')).toEqual({ kind: 'help', command: 'serve' });
    expect(parseCli(['migrate', '-h'], {}, '/')).toEqual({ kind: 'help', command: 'migrate' });
    expect(parseCli(['-v'], {}, '/')).toEqual({ kind: 'version' });
    expect(usage('serve')).toContain('--database-url');
    expect(usage()).toContain('seed-demo');
  });

  it('names what is wrong on a bad command line', () => {
    expect(usageMessage([])).toMatch(/a command is needed/);
    expect(usageMessage(['serv'])).toMatch(/unknown command "serv" \(did you mean serve\?\)/);
    expect(usageMessage(['serve', '--prot', '80'])).toBe(
      'unknown option --prot for "hotline serve" (did you mean --port?)',
    );
    expect(usageMessage(['migrate', '--port', '80'])).toMatch(/unknown option --port for "hotline migrate"/);
    expect(usageMessage(['serve', '--port'])).toBe('--port needs a value');
    expect(usageMessage(['serve', '--port', '70000'])).toMatch(/--port must be a port number from 0 to 65535/);
    expect(usageMessage(['serve', 'extra'])).toMatch(/takes no arguments/);
  });

  it('refuses a database URL that is not PostgreSQL, without echoing it', () => {
    expect(usageMessage(['migrate', '--database-url', 'mysql://root:hunter2@db/x'])).not.toContain('hunter2');
    expect(usageMessage(['migrate'], { DATABASE_URL: 'not a url with s3cret' })).toBe(
      'DATABASE_URL is not a URL (expected postgres://user:password@host:5432/database)',
    );
  });
});
