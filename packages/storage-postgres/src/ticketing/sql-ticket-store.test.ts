import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { isHotlineError } from '@hotline/core';
import { change, creation, makeComment, makeTicket } from '@hotline/ticketing/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { freshSchemaName } from '../../test/schema.js';
import { createPgliteDriver } from '../driver/pglite-driver.js';
import { MIGRATIONS } from '../migrations/migrations.js';
import { createSqlTicketStore } from './sql-ticket-store.js';

const db = new PGlite();
afterAll(() => db.close());

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (error: unknown) => error,
  );
}

describe('createSqlTicketStore (beyond the conformance suite)', () => {
  it('migrates a bare driver once, and an update taking another ticket’s number is refused', async () => {
    const driver = await createPgliteDriver({ instance: db, schema: freshSchemaName() });
    try {
      const store = await createSqlTicketStore(driver);
      await createSqlTicketStore(driver);
      const { rows } = await driver.query<{ version: number }>('SELECT version FROM hl_migrations ORDER BY version');
      expect(rows.map((r) => r.version)).toEqual(MIGRATIONS.map((m) => m.version));
      const a = makeTicket('ten_a');
      const b = makeTicket('ten_a', { number: 2 });
      await store.create(creation(a));
      await store.create(creation(b));
      const error = await rejection(store.update(change(b, 1, { number: 1 }), 1));
      expect(isHotlineError(error, 'ALREADY_EXISTS')).toBe(true);
      expect((error as { details: Record<string, unknown> }).details['reason']).toBe('number');
      expect((await store.get('ten_a', b.id))?.version).toBe(1);
      expect(await store.history('ten_a', b.id)).toHaveLength(1);
    } finally {
      await driver.close();
    }
  });

  it('refuses two comments with one idempotency key in one write, storing nothing', async () => {
    const driver = await createPgliteDriver({ instance: db, schema: freshSchemaName() });
    try {
      const store = await createSqlTicketStore(driver);
      const ticket = makeTicket('ten_a');
      const first = makeComment(ticket, { clientCommentId: 'k' });
      const error = await rejection(
        store.create(creation(ticket, [first, makeComment(ticket, { clientCommentId: 'k' })])),
      );
      expect((error as { details: Record<string, unknown> }).details).toMatchObject({
        reason: 'client_comment_id',
        commentId: first.id,
      });
      expect(await store.get('ten_a', ticket.id)).toBeUndefined();
    } finally {
      await driver.close();
    }
  });

  it('the main entry does not load @hotline/ticketing (an optional peer)', () => {
    const root = join(import.meta.dirname, '..');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== 'ticketing') walk(path);
        } else if (entry.name.endsWith('.ts') && /from '@hotline\/ticketing/.test(readFileSync(path, 'utf8'))) {
          offenders.push(path);
        }
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });
});
