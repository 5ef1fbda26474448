/**
 * Version 2: the tables of `@hotline/storage-postgres/ticketing` (the `TicketStore` of
 * `@hotline/ticketing`). Created for every database so the schema version does not depend
 * on which features an application uses; unused, they stay empty. Tickets are stored whole
 * as JSONB with generated columns for what lists filter on; history and comments are
 * append-only rows beside them. Ids and comment times sort with the "C" collation: byte
 * order, the order ids are generated in and JavaScript compares them in, on every server.
 */
export const tickets = `
CREATE TABLE hl_tickets (
  tenant_id text NOT NULL,
  id text COLLATE "C" NOT NULL,
  version integer NOT NULL,
  data jsonb NOT NULL,
  number bigint GENERATED ALWAYS AS ((data->>'number')::bigint) STORED,
  status text GENERATED ALWAYS AS (data->>'status') STORED,
  assignee_id text GENERATED ALWAYS AS (data->>'assigneeId') STORED,
  group_id text GENERATED ALWAYS AS (data->>'groupId') STORED,
  requester_id text GENERATED ALWAYS AS (data->>'requesterId') STORED,
  updated_at text GENERATED ALWAYS AS (data->>'updatedAt') STORED,
  PRIMARY KEY (tenant_id, id)
);
CREATE UNIQUE INDEX hl_tickets_number ON hl_tickets (tenant_id, number);
CREATE INDEX hl_tickets_status ON hl_tickets (tenant_id, status, id);
CREATE INDEX hl_tickets_assignee ON hl_tickets (tenant_id, assignee_id, id);
CREATE INDEX hl_tickets_group ON hl_tickets (tenant_id, group_id, id);
CREATE INDEX hl_tickets_requester ON hl_tickets (tenant_id, requester_id, id);
CREATE INDEX hl_tickets_updated ON hl_tickets (tenant_id, updated_at);

-- The last ticket number handed out per tenant; its row lock serialises reservations.
CREATE TABLE hl_ticket_counters (
  tenant_id text PRIMARY KEY,
  last_number bigint NOT NULL
);

CREATE TABLE hl_ticket_history (
  tenant_id text NOT NULL,
  ticket_id text COLLATE "C" NOT NULL,
  version integer NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (tenant_id, ticket_id, version),
  FOREIGN KEY (tenant_id, ticket_id) REFERENCES hl_tickets (tenant_id, id)
);

CREATE TABLE hl_ticket_comments (
  tenant_id text NOT NULL,
  id text COLLATE "C" NOT NULL,
  ticket_id text COLLATE "C" NOT NULL,
  client_comment_id text,
  created_at text COLLATE "C" NOT NULL,
  data jsonb NOT NULL,
  PRIMARY KEY (tenant_id, id),
  FOREIGN KEY (tenant_id, ticket_id) REFERENCES hl_tickets (tenant_id, id)
);
CREATE INDEX hl_ticket_comments_order ON hl_ticket_comments (tenant_id, ticket_id, created_at, id);
CREATE UNIQUE INDEX hl_ticket_comments_client ON hl_ticket_comments (tenant_id, ticket_id, client_comment_id)
  WHERE client_comment_id IS NOT NULL;
`;
