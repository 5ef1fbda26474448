/**
 * `@hotline/storage-postgres/ticketing`: the `TicketStore` of `@hotline/ticketing` on
 * PostgreSQL and PGlite. A subpath of its own so the main entry never loads
 * `@hotline/ticketing` (an optional peer dependency, needed only here).
 *
 * @packageDocumentation
 */
export { createSqlTicketStore } from './sql-ticket-store.js';

export type { SqlTicketStoreSource } from './sql-ticket-store.js';
