/**
 * What the web chat test server (`webchat-server.ts`, a child process) and the tests (the
 * parent) agree on: the seeded tenant, site, queue and agent, and the secrets. Test values
 * only: the server listens on loopback and its storage lives in a temporary directory.
 */

export const TENANT_ID = 'ten_e2e';
export const SITE_ID = 'site_e2e';
export const QUEUE_ID = 'support';
export const AGENT_ID = 'agt_ana';
export const AGENT_NAME = 'Ana';

export const SITE_TOKEN_SECRET = 'e2e-site-token-secret-0123456789abcdef';
export const AGENT_SECRET = 'e2e-agent-secret-0123456789abcdefghij';

/** Where the gateway lives on the test server. */
export const WEBCHAT_PATH = '/hotline/webchat';

/**
 * How often clients ping. Shorter than the default 25 s so that a connection the network
 * silently lost is replaced within seconds, not half a minute.
 */
export const HEARTBEAT_MS = 5000;

/** Backoff for every client in these suites: a restarted server is found again within ~2 s. */
export const RECONNECT = { initialDelayMs: 200, maxDelayMs: 2000, jitter: 0.5 };

/**
 * The test server's debug endpoint: `GET {STORED_PATH}/{conversationId}` answers the stored
 * messages of the conversation, oldest first, as {@link StoredMessage}s.
 */
export const STORED_PATH = '/e2e/stored';

/** One stored message as the debug endpoint reports it. */
export interface StoredMessage {
  seq: number;
  id: string;
  /** `inbound` (the customer's), `outbound` (the agent's), `note` or `system`. */
  direction: string;
  /** The content's type: `text`, `attachments`, `card`, `event`. */
  type: string;
  /** The text of a text message, else `[type]`. */
  text: string;
  clientMessageId?: string;
}
