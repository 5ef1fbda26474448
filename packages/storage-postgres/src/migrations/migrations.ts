import { initial } from './001-initial.js';
import { tickets } from './002-tickets.js';

/** One schema change. Versions are consecutive and never change once released. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/**
 * Every migration, oldest first. Add new ones at the end; never edit a released one. Within
 * a major version a migration only adds (tables, columns with defaults, indexes), so
 * processes of the previous version keep working during a rolling deploy.
 */
export const MIGRATIONS: readonly Migration[] = [
  { version: 1, name: 'initial', sql: initial },
  { version: 2, name: 'tickets', sql: tickets },
];
