/**
 * Version 1: every table of the core storage ports. Records are stored whole as JSONB
 * (`data`) with the columns queries filter and lock on beside them; generated columns keep
 * those in step with `data`.
 */
export const initial = `
CREATE TABLE hl_tenants (
  id text PRIMARY KEY,
  version integer NOT NULL,
  data jsonb NOT NULL
);

CREATE TABLE hl_contacts (
  tenant_id text NOT NULL,
  id text NOT NULL,
  version integer NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (tenant_id, id)
);

-- One row per identity of an unmerged contact: the primary key is the uniqueness rule.
CREATE TABLE hl_contact_identities (
  tenant_id text NOT NULL,
  channel text NOT NULL,
  address text NOT NULL,
  contact_id text NOT NULL,
  PRIMARY KEY (tenant_id, channel, address)
);
CREATE INDEX hl_contact_identities_contact ON hl_contact_identities (tenant_id, contact_id);

CREATE TABLE hl_conversations (
  tenant_id text NOT NULL,
  id text NOT NULL,
  version integer NOT NULL,
  data jsonb NOT NULL,
  contact_id text GENERATED ALWAYS AS (data->>'contactId') STORED,
  status text GENERATED ALWAYS AS (data->>'status') STORED,
  queue_id text GENERATED ALWAYS AS (data->>'queueId') STORED,
  assignee_id text GENERATED ALWAYS AS (data->>'assigneeId') STORED,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX hl_conversations_contact ON hl_conversations (tenant_id, contact_id);
CREATE INDEX hl_conversations_status ON hl_conversations (tenant_id, status);
CREATE INDEX hl_conversations_queue ON hl_conversations (tenant_id, queue_id);
CREATE INDEX hl_conversations_assignee ON hl_conversations (tenant_id, assignee_id);

-- The last seq handed out per conversation; its row lock serialises appends to one
-- conversation (across processes) without touching the conversation record.
CREATE TABLE hl_message_counters (
  tenant_id text NOT NULL,
  conversation_id text NOT NULL,
  last_seq bigint NOT NULL,
  PRIMARY KEY (tenant_id, conversation_id)
);

CREATE TABLE hl_messages (
  tenant_id text NOT NULL,
  conversation_id text NOT NULL,
  seq bigint NOT NULL,
  id text NOT NULL,
  client_message_id text,
  provider_message_id text,
  channel text NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (tenant_id, conversation_id, seq),
  FOREIGN KEY (tenant_id, conversation_id) REFERENCES hl_conversations (tenant_id, id)
);
CREATE UNIQUE INDEX hl_messages_id ON hl_messages (tenant_id, id);
CREATE UNIQUE INDEX hl_messages_client ON hl_messages (tenant_id, conversation_id, client_message_id)
  WHERE client_message_id IS NOT NULL;
CREATE UNIQUE INDEX hl_messages_provider ON hl_messages (tenant_id, channel, provider_message_id)
  WHERE provider_message_id IS NOT NULL;

CREATE TABLE hl_tasks (
  tenant_id text NOT NULL,
  id text NOT NULL,
  version integer NOT NULL,
  data jsonb NOT NULL,
  status text GENERATED ALWAYS AS (data->>'status') STORED,
  queue_id text GENERATED ALWAYS AS (data->>'queueId') STORED,
  agent_id text GENERATED ALWAYS AS (data->>'agentId') STORED,
  conversation_id text GENERATED ALWAYS AS (data->>'conversationId') STORED,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX hl_tasks_status ON hl_tasks (tenant_id, status);
CREATE INDEX hl_tasks_queue ON hl_tasks (tenant_id, queue_id);
CREATE INDEX hl_tasks_agent ON hl_tasks (tenant_id, agent_id);
CREATE INDEX hl_tasks_conversation ON hl_tasks (tenant_id, conversation_id);

CREATE TABLE hl_agents (
  tenant_id text NOT NULL,
  id text NOT NULL,
  version integer NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE hl_queues (
  tenant_id text NOT NULL,
  id text NOT NULL,
  version integer NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (tenant_id, id)
);

CREATE TABLE hl_audit (
  tenant_id text NOT NULL,
  seq bigint NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (tenant_id, seq)
);

CREATE TABLE hl_timers (
  tenant_id text NOT NULL,
  id text NOT NULL,
  due_at bigint NOT NULL,
  claim_token text,
  claim_expires_at bigint,
  -- When the timer can next be claimed: its due time, or when the current claim expires.
  ready_at bigint GENERATED ALWAYS AS (CASE WHEN claim_token IS NULL THEN due_at ELSE claim_expires_at END) STORED,
  data jsonb NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE INDEX hl_timers_ready ON hl_timers (ready_at, tenant_id, id);
CREATE INDEX hl_timers_due ON hl_timers (due_at, tenant_id, id);

CREATE TABLE hl_outbox (
  tenant_id text NOT NULL,
  id text NOT NULL,
  key text,
  topic text NOT NULL,
  status text NOT NULL,
  available_at bigint NOT NULL,
  claim_token text,
  claim_expires_at bigint,
  ready_at bigint GENERATED ALWAYS AS (
    CASE status WHEN 'pending' THEN available_at WHEN 'inflight' THEN claim_expires_at END
  ) STORED,
  data jsonb NOT NULL,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX hl_outbox_key ON hl_outbox (tenant_id, key) WHERE key IS NOT NULL;
CREATE INDEX hl_outbox_ready ON hl_outbox (ready_at, tenant_id, id) WHERE ready_at IS NOT NULL;

-- Event payloads too large for NOTIFY travel by reference.
CREATE TABLE hl_event_payloads (
  id text PRIMARY KEY,
  data jsonb NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX hl_event_payloads_created ON hl_event_payloads (created_at);
`;
