/**
 * vitest `globalSetup`: starts ONE PostgreSQL server for the whole run and hands its URL to the tests through
 * `provide('pgUrl', url)`; tests read it with `inject('pgUrl')` (or `sharedPostgresUrl()` from `./pg-available.js`).
 * Without server binaries it provides `undefined`, and `describeWithPostgres` skips or (under CI) fails the suites.
 */
import type { TestProject } from 'vitest/node';
import { findPostgresBinaries, startPostgres } from '../src/testing/postgres-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** `postgres://postgres@127.0.0.1:<port>/postgres`, or `undefined` when PostgreSQL is not installed. */
    pgUrl: string | undefined;
  }
}

export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (findPostgresBinaries() === undefined) {
    project.provide('pgUrl', undefined);
    return undefined;
  }
  const server = await startPostgres();
  project.provide('pgUrl', server.url);
  return () => server.stop();
}
