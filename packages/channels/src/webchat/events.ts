/**
 * The web chat's domain events, merged into core's event union. The host turns
 * `webchat.transcript_requested` into an email and `webchat.offline_message` into a
 * ticket or a notification.
 */
export interface WebchatEventMap {
  /** A visitor asked for the conversation's transcript by email. */
  'webchat.transcript_requested': {
    conversationId: string;
    contactId: string;
    siteId: string;
    /** Where to send it, as the visitor typed it (not verified). */
    email: string;
    locale?: string;
  };
  /** A visitor left a message with the offline form; the conversation holds it and is not queued. */
  'webchat.offline_message': {
    conversationId: string;
    contactId: string;
    siteId: string;
    messageId: string;
    email: string;
    name?: string;
  };
  /** A visitor rated a conversation (also stored as its `csat` attribute). */
  'webchat.csat_submitted': {
    conversationId: string;
    contactId: string;
    siteId: string;
    score: number;
    comment?: string;
  };
  /**
   * Someone is typing. Published only on a bus that reaches other processes, so gateways
   * there relay it; `origin` is the publishing gateway, which already relayed it itself.
   */
  'webchat.typing': {
    conversationId: string;
    side: 'contact' | 'agent';
    name?: string;
    on: boolean;
    origin: string;
  };
}

declare module '@hotline/core' {
  interface HotlineEventMap extends WebchatEventMap {}
}
