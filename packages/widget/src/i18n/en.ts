/**
 * Every text the widget shows. A host overrides any of them per locale with the `texts`
 * option (the welcome and offline texts included) and adds a locale by giving them all;
 * a missing one falls back to the next locale in the chain, then to English. `{name}`
 * placeholders are filled in by the widget.
 */
export interface Messages {
  /** Launcher label while closed. */
  openChat: string;
  /** Launcher label while open, and the panel's close button. */
  closeChat: string;
  /** Added to the launcher label when messages are unread; `{count}`. */
  unread: string;
  /** Panel title. */
  title: string;
  /** The greeting above the conversation. */
  welcome: string;
  /** Header status while connecting or reconnecting. */
  connecting: string;
  /** Header status when agents are reachable. */
  online: string;
  /** Header status while the conversation waits for an agent. */
  waiting: string;
  /** Header status once an agent has joined; `{name}`. */
  agentJoined: string;
  /** Button that ends the conversation. */
  endChat: string;
  /** Composer placeholder. */
  placeholder: string;
  /** Send buttons (composer, offline form, rating, transcript). */
  send: string;
  attach: string;
  /** Author of the visitor's messages, for screen readers. */
  you: string;
  /** Author of the other side's messages when they have no name. */
  agent: string;
  /** Typing indicator; `{name}`. */
  typing: string;
  sending: string;
  failed: string;
  /** Resend a message, reconnect. */
  retry: string;
  /** Shown when connecting failed for good; with a retry button. */
  connectError: string;
  /** A generic failure of an action. */
  error: string;
  /** `{size}`. */
  fileTooLarge: string;
  /** Label of the composer and of the message field of the offline form. */
  message: string;
  /** The click-to-call button (with the `voice` option). */
  call: string;
  /** Pre-chat form. */
  prechatTitle: string;
  startChat: string;
  required: string;
  invalidEmail: string;
  /** First, empty choice of a select field. */
  choose: string;
  /** Field labels (pre-chat and offline forms). */
  name: string;
  email: string;
  phone: string;
  /** Offline form. */
  offlineTitle: string;
  offlineMessage: string;
  offlineSent: string;
  /** End of the conversation: rating and transcript. */
  ended: string;
  rateTitle: string;
  /** Label of one score; `{score}`. */
  rateScore: string;
  rateComment: string;
  rateThanks: string;
  transcriptLabel: string;
  /** `{email}`. */
  transcriptSent: string;
  newChat: string;
}

/**
 * English texts of the conversation itself, in the main bundle. The `t` of a view in the
 * extras (forms, rating) needs the rest, `enExtras`, which comes with them.
 */
export const enChat = {
  openChat: 'Open chat',
  closeChat: 'Close chat',
  unread: '{count} unread',
  title: 'Chat with us',
  welcome: 'Hi! How can we help you today?',
  connecting: 'Connecting…',
  online: 'We typically reply in a few minutes',
  waiting: 'Waiting for an agent…',
  agentJoined: '{name} joined the chat',
  endChat: 'End chat',
  placeholder: 'Type a message…',
  send: 'Send',
  attach: 'Attach a file',
  you: 'You',
  agent: 'Agent',
  typing: '{name} is typing…',
  sending: 'Sending…',
  failed: 'Not sent',
  retry: 'Retry',
  connectError: 'We could not connect to the chat.',
  error: 'Something went wrong. Please try again.',
  fileTooLarge: 'The file is too large (at most {size}).',
  message: 'Message',
  call: 'Call',
} satisfies Partial<Messages>;

/** English texts of the pre-chat and offline forms and of the end of a chat (the extras). */
export const enExtras = {
  prechatTitle: 'Before we start',
  startChat: 'Start chat',
  required: 'This field is required.',
  invalidEmail: 'Enter a valid email address.',
  choose: 'Choose…',
  name: 'Name',
  email: 'Email',
  phone: 'Phone',
  offlineTitle: 'We are away right now',
  offlineMessage: 'Leave us a message and we will reply by email.',
  offlineSent: 'Thank you! We will reply by email soon.',
  ended: 'This chat has ended.',
  rateTitle: 'How was your chat?',
  rateScore: '{score} out of 5',
  rateComment: 'Comment (optional)',
  rateThanks: 'Thank you for your feedback!',
  transcriptLabel: 'Email me a transcript',
  transcriptSent: 'Transcript sent to {email}.',
  newChat: 'Start a new chat',
} satisfies Partial<Messages>;

/** English, the fallback for every missing text. */
export const en: Messages = { ...enChat, ...enExtras };
