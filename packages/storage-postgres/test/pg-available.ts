/**
 * Gates suites that need a real PostgreSQL server (DESIGN.md, "Tests and real components"): without the server
 * binaries a suite is skipped with a loud SKIPPED line naming `scripts/provision`, except under `CI=true`, where a
 * missing component is a failure, never a skip.
 */
import { describe, inject, it } from 'vitest';
import { findPostgresBinaries, MIN_POSTGRES_MAJOR } from '../src/testing/postgres-server.js';

/** True when PostgreSQL ≥ 15 server binaries are installed (so `startPostgres()` can run). */
export function postgresAvailable(): boolean {
  return findPostgresBinaries() !== undefined;
}

/** True when the `CI` environment variable is set to anything but '', '0' or 'false'. */
export function isCi(): boolean {
  const ci = process.env['CI'];
  return ci !== undefined && ci !== '' && ci !== '0' && ci.toLowerCase() !== 'false';
}

export const MISSING_POSTGRES_MESSAGE =
  `PostgreSQL ≥ ${MIN_POSTGRES_MAJOR} server binaries not found (looked in /usr/lib/postgresql/*/bin and on the ` +
  `PATH): run scripts/provision (as root) to install Debian's "postgresql" package`;

/**
 * `describe(name, fn)` when PostgreSQL is installed. Otherwise registers a single test instead of the suite: under CI
 * it fails with a message naming `scripts/provision`; elsewhere it is skipped and a SKIPPED warning is printed.
 */
export function describeWithPostgres(name: string, fn: () => void): void {
  if (postgresAvailable()) {
    describe(name, fn);
    return;
  }
  if (isCi()) {
    describe(name, () => {
      it('needs a PostgreSQL server', () => {
        throw new Error(`${MISSING_POSTGRES_MESSAGE}; under CI=true a missing component is a failure, not a skip`);
      });
    });
    return;
  }
  console.warn(`SKIPPED: ${name}: ${MISSING_POSTGRES_MESSAGE}`);
  describe(name, () => {
    it.skip(`needs a PostgreSQL server — run scripts/provision`, () => {});
  });
}

/**
 * The URL of the server that `test/global-setup.ts` started for the whole run
 * (`postgres://postgres@127.0.0.1:<port>/postgres`). Call it inside tests or hooks of a `describeWithPostgres` suite.
 */
export function sharedPostgresUrl(): string {
  const url = inject('pgUrl');
  if (url === undefined) {
    throw new Error(
      postgresAvailable()
        ? "no shared PostgreSQL server: this run's vitest config has no globalSetup './test/global-setup.ts'"
        : MISSING_POSTGRES_MESSAGE,
    );
  }
  return url;
}
