import {
  canAdvanceMessageStatus,
  type Message,
  type MessageListOptions,
  type MessageRepository,
  NotFoundError,
} from '@hotline/core';
import type { Runner } from '../runner.js';
import { type AppendBatcher, appendOne } from './append-batcher.js';
import { pageLimit } from './versioned.js';

/** The message repository on SQL. Appends outside transactions go through the group-commit batcher. */
export function messageRepository(run: Runner, batcher: AppendBatcher | undefined): MessageRepository {
  return {
    async append(message) {
      run.check();
      if (batcher && !run.inTransaction) return batcher.append(message);
      return run.atomic((q) => appendOne(q, message));
    },
    async get(tenantId, id) {
      const { rows } = await run.query<{ data: Message }>(
        'SELECT data FROM hl_messages WHERE tenant_id = $1 AND id = $2',
        [tenantId, id],
      );
      return rows[0]?.data;
    },
    async list(tenantId, conversationId, options: MessageListOptions = {}) {
      const limit = pageLimit(options.limit);
      const desc = options.order === 'desc';
      const { rows } = await run.query<{ data: Message }>(
        `SELECT data FROM hl_messages
         WHERE tenant_id = $1 AND conversation_id = $2 AND seq > $3 AND seq < $4
         ORDER BY seq ${desc ? 'DESC' : 'ASC'} LIMIT $5`,
        [tenantId, conversationId, options.afterSeq ?? 0, options.beforeSeq ?? Number.MAX_SAFE_INTEGER, limit],
      );
      return rows.map((r) => r.data);
    },
    async findByProviderMessageId(tenantId, channel, providerMessageId) {
      const { rows } = await run.query<{ data: Message }>(
        'SELECT data FROM hl_messages WHERE tenant_id = $1 AND channel = $2 AND provider_message_id = $3',
        [tenantId, channel, providerMessageId],
      );
      return rows[0]?.data;
    },
    async lastSeq(tenantId, conversationId) {
      const { rows } = await run.query<{ last_seq: string }>(
        'SELECT last_seq FROM hl_message_counters WHERE tenant_id = $1 AND conversation_id = $2',
        [tenantId, conversationId],
      );
      return rows[0] ? Number(rows[0].last_seq) : 0;
    },
    updateStatus(tenantId, id, status) {
      return run.atomic(async (q) => {
        const { rows } = await q.query<{ data: Message }>(
          'SELECT data FROM hl_messages WHERE tenant_id = $1 AND id = $2 FOR UPDATE',
          [tenantId, id],
        );
        const current = rows[0]?.data;
        if (!current) throw new NotFoundError('message', id);
        if (!canAdvanceMessageStatus(current.status, status)) return current;
        const updated = await q.query<{ data: Message }>(
          `UPDATE hl_messages SET data = jsonb_set(data, '{status}', to_jsonb($3::text))
           WHERE tenant_id = $1 AND id = $2 RETURNING data`,
          [tenantId, id, status],
        );
        return (updated.rows[0] as { data: Message }).data;
      });
    },
  };
}
