import type { OutboxEntry, OutboxRepository } from '@hotline/core';
import type { Runner } from '../runner.js';
import { pageLimit, toPage } from './versioned.js';

/**
 * The transactional outbox on SQL: enqueue in the change's transaction, claim with
 * `FOR UPDATE SKIP LOCKED`, complete or fail with the claim token.
 */
export function outboxRepository(run: Runner, now: () => number): OutboxRepository {
  return {
    async enqueue(input) {
      const entry: OutboxEntry = {
        tenantId: input.tenantId,
        id: input.id,
        topic: input.topic,
        payload: input.payload,
        status: 'pending',
        attempts: 0,
        availableAt: input.availableAt ?? now(),
        createdAt: input.createdAt,
      };
      if (input.key !== undefined) entry.key = input.key;
      return run.atomic(async (q) => {
        const { rows } = await q.query<{ data: OutboxEntry }>(
          `INSERT INTO hl_outbox (tenant_id, id, key, topic, status, available_at, data)
           VALUES ($1, $2, $3, $4, 'pending', $5, $6)
           ON CONFLICT DO NOTHING RETURNING data`,
          [entry.tenantId, entry.id, entry.key ?? null, entry.topic, entry.availableAt, JSON.stringify(entry)],
        );
        if (rows[0]) return rows[0].data;
        // The key (or the id) is taken: answer with the entry that holds it.
        const existing = await q.query<{ data: OutboxEntry }>(
          `SELECT data FROM hl_outbox WHERE tenant_id = $1 AND (key = $2 OR id = $3) ORDER BY (key = $2) DESC LIMIT 1`,
          [entry.tenantId, entry.key ?? null, entry.id],
        );
        return (existing.rows[0] as { data: OutboxEntry }).data;
      });
    },
    async get(tenantId, id) {
      const { rows } = await run.query<{ data: OutboxEntry }>(
        'SELECT data FROM hl_outbox WHERE tenant_id = $1 AND id = $2',
        [tenantId, id],
      );
      return rows[0]?.data;
    },
    async list(tenantId, filter = {}, options = {}) {
      const limit = pageLimit(options.limit);
      const statuses = filter.status ? [...filter.status] : null;
      const { rows } = await run.query<{ id: string; data: OutboxEntry }>(
        `SELECT id, data FROM hl_outbox WHERE tenant_id = $1 AND id > $2 AND ($3::text[] IS NULL OR status = ANY($3))
         ORDER BY id LIMIT $4`,
        [tenantId, options.cursor ?? '', statuses, limit + 1],
      );
      const page = toPage(rows, limit);
      const items = page.items.map((r) => r.data);
      return page.nextCursor === undefined ? { items } : { items, nextCursor: page.nextCursor };
    },
    async claim({ now: at, limit, owner, leaseMs, topics }) {
      const { rows } = await run.query<{ data: OutboxEntry; ready_at: string }>(
        `WITH due AS (
           SELECT tenant_id, id, ready_at, gen_random_uuid()::text AS token FROM hl_outbox
           WHERE ready_at <= $1 AND ($5::text[] IS NULL OR topic = ANY($5))
           ORDER BY ready_at, tenant_id, id LIMIT $2
           FOR UPDATE SKIP LOCKED
         )
         UPDATE hl_outbox o SET status = 'inflight', claim_token = due.token, claim_expires_at = $1::bigint + $3::bigint,
           data = o.data || jsonb_build_object(
             'status', 'inflight', 'attempts', (o.data->>'attempts')::int + 1, 'claimedBy', $4::text,
             'claimToken', due.token, 'claimExpiresAt', $1::bigint + $3::bigint)
         FROM due WHERE o.tenant_id = due.tenant_id AND o.id = due.id
         RETURNING o.data, due.ready_at`,
        [at, limit, leaseMs, owner, topics ? [...topics] : null],
      );
      return rows
        .sort((a, b) => Number(a.ready_at) - Number(b.ready_at) || (a.data.id < b.data.id ? -1 : 1))
        .map((r) => r.data);
    },
    async complete(tenantId, id, claimToken, deliveredAt) {
      const { rowCount } = await run.query(
        `UPDATE hl_outbox SET status = 'delivered', claim_token = NULL, claim_expires_at = NULL,
           data = (data - 'claimToken' - 'claimExpiresAt') || jsonb_build_object('status', 'delivered', 'deliveredAt', $4::text)
         WHERE tenant_id = $1 AND id = $2 AND status = 'inflight' AND claim_token = $3`,
        [tenantId, id, claimToken, deliveredAt],
      );
      return rowCount > 0;
    },
    async fail(tenantId, id, claimToken, failure) {
      const status = failure.dead ? 'dead' : 'pending';
      const { rowCount } = await run.query(
        `UPDATE hl_outbox SET status = $4, available_at = $5, claim_token = NULL, claim_expires_at = NULL,
           data = (data - 'claimToken' - 'claimExpiresAt')
             || jsonb_build_object('status', $4::text, 'availableAt', $5::bigint, 'lastError', left($6::text, 2000))
         WHERE tenant_id = $1 AND id = $2 AND status = 'inflight' AND claim_token = $3`,
        [tenantId, id, claimToken, status, failure.retryAt, failure.error],
      );
      return rowCount > 0;
    },
  };
}
