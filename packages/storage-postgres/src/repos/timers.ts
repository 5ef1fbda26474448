import type { TimerRecord, TimerRepository } from '@hotline/core';
import type { Runner } from '../runner.js';

/** Claimed rows come back unordered from UPDATE … RETURNING: order them by when they became due. */
function byReadiness(rows: { data: TimerRecord; ready_at: string }[]): TimerRecord[] {
  return rows
    .sort(
      (a, b) =>
        Number(a.ready_at) - Number(b.ready_at) ||
        (a.data.tenantId < b.data.tenantId ? -1 : a.data.tenantId > b.data.tenantId ? 1 : 0) ||
        (a.data.id < b.data.id ? -1 : a.data.id > b.data.id ? 1 : 0),
    )
    .map((r) => r.data);
}

/**
 * Durable timers on SQL. Claims use `FOR UPDATE SKIP LOCKED`, so concurrent claimers in
 * any number of processes never receive the same timer, and a claim whose lease expired
 * (a crashed claimer) is claimable again.
 */
export function timerRepository(run: Runner): TimerRepository {
  return {
    async schedule(input) {
      const timer: TimerRecord = { ...input, attempts: 0 };
      const { rows } = await run.query<{ data: TimerRecord }>(
        `INSERT INTO hl_timers (tenant_id, id, due_at, claim_token, claim_expires_at, data)
         VALUES ($1, $2, $3, NULL, NULL, $4)
         ON CONFLICT (tenant_id, id) DO UPDATE
           SET due_at = EXCLUDED.due_at, claim_token = NULL, claim_expires_at = NULL, data = EXCLUDED.data
         RETURNING data`,
        [timer.tenantId, timer.id, timer.dueAt, JSON.stringify(timer)],
      );
      return (rows[0] as { data: TimerRecord }).data;
    },
    async cancel(tenantId, id) {
      const { rowCount } = await run.query('DELETE FROM hl_timers WHERE tenant_id = $1 AND id = $2', [tenantId, id]);
      return rowCount > 0;
    },
    async get(tenantId, id) {
      const { rows } = await run.query<{ data: TimerRecord }>(
        'SELECT data FROM hl_timers WHERE tenant_id = $1 AND id = $2',
        [tenantId, id],
      );
      return rows[0]?.data;
    },
    async scan({ dueBefore, limit, after }) {
      const { rows } = await run.query<{ data: TimerRecord }>(
        `SELECT data FROM hl_timers
         WHERE due_at <= $1 AND (due_at, tenant_id, id) > ($2::bigint, $3::text, $4::text)
         ORDER BY due_at, tenant_id, id LIMIT $5`,
        [dueBefore, after?.dueAt ?? -1, after?.tenantId ?? '', after?.id ?? '', limit],
      );
      return rows.map((r) => r.data);
    },
    async claimDue({ now, limit, owner, leaseMs }) {
      const { rows } = await run.query<{ data: TimerRecord; ready_at: string }>(
        `WITH due AS (
           SELECT tenant_id, id, ready_at, gen_random_uuid()::text AS token FROM hl_timers
           WHERE ready_at <= $1 ORDER BY ready_at, tenant_id, id LIMIT $2
           FOR UPDATE SKIP LOCKED
         )
         UPDATE hl_timers t SET claim_token = due.token, claim_expires_at = $1::bigint + $3::bigint,
           data = t.data || jsonb_build_object(
             'attempts', (t.data->>'attempts')::int + 1, 'claimedBy', $4::text,
             'claimToken', due.token, 'claimExpiresAt', $1::bigint + $3::bigint)
         FROM due WHERE t.tenant_id = due.tenant_id AND t.id = due.id
         RETURNING t.data, due.ready_at`,
        [now, limit, leaseMs, owner],
      );
      return byReadiness(rows);
    },
    async complete(tenantId, id, claimToken) {
      const { rowCount } = await run.query(
        'DELETE FROM hl_timers WHERE tenant_id = $1 AND id = $2 AND claim_token = $3',
        [tenantId, id, claimToken],
      );
      return rowCount > 0;
    },
    async release(tenantId, id, claimToken, retry) {
      const { rowCount } = await run.query(
        `UPDATE hl_timers SET due_at = $4, claim_token = NULL, claim_expires_at = NULL,
           data = (data - 'claimedBy' - 'claimToken' - 'claimExpiresAt')
             || jsonb_build_object('dueAt', $4::bigint)
             || CASE WHEN $5::text IS NULL THEN '{}'::jsonb ELSE jsonb_build_object('lastError', left($5::text, 2000)) END
         WHERE tenant_id = $1 AND id = $2 AND claim_token = $3`,
        [tenantId, id, claimToken, retry.dueAt, retry.error ?? null],
      );
      return rowCount > 0;
    },
  };
}
