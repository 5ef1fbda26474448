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

/** What the statement answers per input index. */
export interface AppendOutcome {
  i: number;
  outcome: 'created' | 'existing' | 'missing';
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
 *    consecutive seqs from it in input order; then they are inserted.
 * Rows in one batch must not share a key (the caller dedupes). A row that collides with
 * a concurrent writer makes the whole statement fail; the caller then retries row by row.
 */
export const APPEND_SQL = `
WITH input AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb)
    AS x(i int, t text, c text, id text, cm text, pm text, ch text, d jsonb)
),
by_client AS (
  SELECT input.i, m.data, 1 AS pref FROM input
  JOIN hl_messages m ON m.tenant_id = input.t AND m.conversation_id = input.c AND m.client_message_id = input.cm
  WHERE input.cm IS NOT NULL
),
by_provider AS (
  SELECT input.i, m.data, 2 AS pref FROM input
  JOIN hl_messages m ON m.tenant_id = input.t AND m.channel = input.ch AND m.provider_message_id = input.pm
  WHERE input.pm IS NOT NULL
),
existing AS (
  SELECT DISTINCT ON (i) i, data FROM (SELECT * FROM by_client UNION ALL SELECT * FROM by_provider) found
  ORDER BY i, pref
),
known AS (
  SELECT input.* FROM input
  WHERE EXISTS (SELECT 1 FROM hl_conversations v WHERE v.tenant_id = input.t AND v.id = input.c)
),
fresh AS (
  SELECT known.* FROM known WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.i = known.i)
),
counts AS (
  SELECT t, c, count(*)::bigint AS n FROM fresh GROUP BY t, c
),
bumped AS (
  INSERT INTO hl_message_counters AS k (tenant_id, conversation_id, last_seq)
  SELECT t, c, n FROM counts
  ON CONFLICT (tenant_id, conversation_id) DO UPDATE SET last_seq = k.last_seq + EXCLUDED.last_seq
  RETURNING k.tenant_id, k.conversation_id, k.last_seq
),
numbered AS (
  SELECT fresh.*,
    (b.last_seq - count(*) OVER w + row_number() OVER (w ORDER BY fresh.i))::bigint AS seq
  FROM fresh JOIN bumped b ON b.tenant_id = fresh.t AND b.conversation_id = fresh.c
  WINDOW w AS (PARTITION BY fresh.t, fresh.c)
),
inserted AS (
  INSERT INTO hl_messages (tenant_id, conversation_id, seq, id, client_message_id, provider_message_id, channel, data)
  SELECT t, c, seq, id, cm, pm, ch, d || jsonb_build_object('seq', seq) FROM numbered
  RETURNING id, data
)
SELECT numbered.i, 'created' AS outcome, inserted.data FROM inserted JOIN numbered ON numbered.id = inserted.id
UNION ALL
SELECT e.i, 'existing' AS outcome, e.data FROM existing e
UNION ALL
SELECT input.i, 'missing' AS outcome, NULL::jsonb AS data FROM input
WHERE NOT EXISTS (SELECT 1 FROM existing e WHERE e.i = input.i)
  AND NOT EXISTS (SELECT 1 FROM known WHERE known.i = input.i)
`;
