import type { Message, NewMessage } from '@hotline/core';

/** One append in a batch, as the statement reads it. */
export interface AppendRow {
  i: number;
  t: string;
  c: string;
  id: string;
  cm: string | null;
  pm: string | null;
  ch: string;
  d: Omit<Message, 'seq'>;
}

/**
 * What the statement answers: a created row by its message id with its seq (mapping the
 * id back is cheaper in JS than a join in SQL), an existing or missing one by input index
 * (an existing one with the stored message).
 */
export interface AppendOutcome {
  i: number | null;
  id: string | null;
  outcome: 'created' | 'existing' | 'missing';
  seq: string | null;
  data: Message | null;
}

export function toAppendRow(message: NewMessage, i: number): AppendRow {
  return {
    i,
    t: message.tenantId,
    c: message.conversationId,
    id: message.id,
    cm: message.clientMessageId ?? null,
    pm: message.providerMessageId ?? null,
    ch: message.channel,
    d: message,
  };
}

/**
 * Appends a batch of messages in ONE statement (one round trip, one commit):
 * 1. rows whose `clientMessageId` (same conversation) or `providerMessageId` (same channel)
 *    is already stored answer with the stored message, preferring the client key;
 * 2. rows of conversations that do not exist answer `missing`;
 * 3. the rest bump each conversation's counter by their number — the counter's row lock
 *    serialises concurrent appends to one conversation, in any process — and take
 *    consecutive seqs from it in input order; then they are inserted. Counters are locked
 *    in key order, so batches of several processes cannot deadlock each other.
 * Rows in one batch must not share a key (the caller dedupes). A row that collides with
 * a concurrent writer makes the whole statement fail; the caller then retries row by row.
 *
 * The statement is prepared once per connection and its generic plan reused, so every
 * lookup is a correlated subquery on a unique index: a join here could be planned as a
 * sequential scan while a table is small, and that plan would stay as the table grows.
 */
export const APPEND_SQL = `
WITH looked AS MATERIALIZED (
  SELECT x.*,
    COALESCE(
      (SELECT m.data FROM hl_messages m
        WHERE x.cm IS NOT NULL AND m.tenant_id = x.t AND m.conversation_id = x.c AND m.client_message_id = x.cm),
      (SELECT m.data FROM hl_messages m
        WHERE x.pm IS NOT NULL AND m.tenant_id = x.t AND m.channel = x.ch AND m.provider_message_id = x.pm)
    ) AS existing,
    -- A scalar subquery, not EXISTS: EXISTS may become a hashed scan of every conversation.
    COALESCE((SELECT true FROM hl_conversations v WHERE v.tenant_id = x.t AND v.id = x.c), false) AS known
  FROM jsonb_to_recordset($1::jsonb) AS x(i int, t text, c text, id text, cm text, pm text, ch text, d jsonb)
),
fresh AS MATERIALIZED (
  SELECT * FROM looked WHERE known AND existing IS NULL
),
bumped AS (
  INSERT INTO hl_message_counters AS k (tenant_id, conversation_id, last_seq)
  SELECT t, c, count(*) FROM fresh GROUP BY t, c ORDER BY t, c
  ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET last_seq = k.last_seq + EXCLUDED.last_seq
  RETURNING k.tenant_id, k.conversation_id, k.last_seq
),
-- A jsonb map from conversation to its new last seq: one lookup per row instead of a
-- join the planner would run as a nested loop (it cannot estimate CTE row counts).
-- MATERIALIZED: computed once, not once per row.
last AS MATERIALIZED (
  SELECT jsonb_object_agg(b.tenant_id || ' ' || b.conversation_id, b.last_seq) AS m FROM bumped b
),
numbered AS (
  SELECT fresh.*,
    ((last.m ->> (fresh.t || ' ' || fresh.c))::bigint - count(*) OVER w + row_number() OVER (w ORDER BY fresh.i))::bigint AS seq
  FROM fresh CROSS JOIN last
  WINDOW w AS (PARTITION BY fresh.t, fresh.c)
),
inserted AS (
  INSERT INTO hl_messages (tenant_id, conversation_id, seq, id, client_message_id, provider_message_id, channel, data)
  SELECT t, c, seq, id, cm, pm, ch, d || jsonb_build_object('seq', seq) FROM numbered
  RETURNING id, seq
)
SELECT NULL::int AS i, inserted.id, 'created' AS outcome, inserted.seq, NULL::jsonb AS data FROM inserted
UNION ALL
SELECT looked.i, NULL, 'existing', NULL, looked.existing FROM looked WHERE looked.existing IS NOT NULL
UNION ALL
SELECT looked.i, NULL, 'missing', NULL, NULL FROM looked WHERE looked.existing IS NULL AND NOT looked.known
`;
