import type { ConversationStatus } from '../schemas/conversation.js';
import type { ConversationLifecycleEventType } from './lifecycle-events.js';

/** One documented transition: in state `from`, event `event` may lead to `to`. */
export interface DocumentedTransition {
  from: ConversationStatus;
  event: ConversationLifecycleEventType;
  to: ConversationStatus;
  /** When the target depends on the conversation, the condition for this row. */
  when?: string;
}

/**
 * The documented lifecycle, row by row. The xstate machine implements it; a property test
 * checks that every transition the machine accepts is a row here and every row is
 * reachable. Anything not listed is rejected with `ILLEGAL_TRANSITION`.
 *
 * ```
 * new → bot → queued → offered → active → wrap_up → resolved → closed
 * offered → queued (reject / offer_timeout)      active ⇄ pending
 * active/pending/queued/bot → transfer → queued | offered | bot
 * resolved → active | queued (customer reply or reopen)
 * new/bot/queued/offered → abandoned → closed
 * bot/queued/active/pending → snoozed → back (wake, or the customer writes)
 * ```
 */
export const CONVERSATION_TRANSITIONS: readonly DocumentedTransition[] = [
  { from: 'new', event: 'start_bot', to: 'bot' },
  { from: 'new', event: 'enqueue', to: 'queued' },
  { from: 'new', event: 'assign', to: 'active' },
  { from: 'new', event: 'abandon', to: 'abandoned' },

  { from: 'bot', event: 'enqueue', to: 'queued' },
  { from: 'bot', event: 'assign', to: 'active' },
  { from: 'bot', event: 'transfer', to: 'queued', when: 'queueId' },
  { from: 'bot', event: 'transfer', to: 'offered', when: 'agentId' },
  { from: 'bot', event: 'resolve', to: 'resolved' },
  { from: 'bot', event: 'abandon', to: 'abandoned' },
  { from: 'bot', event: 'snooze', to: 'snoozed' },

  { from: 'queued', event: 'offer', to: 'offered' },
  { from: 'queued', event: 'assign', to: 'active' },
  { from: 'queued', event: 'transfer', to: 'queued', when: 'queueId' },
  { from: 'queued', event: 'transfer', to: 'offered', when: 'agentId' },
  { from: 'queued', event: 'transfer', to: 'bot', when: 'toBot' },
  { from: 'queued', event: 'abandon', to: 'abandoned' },
  { from: 'queued', event: 'snooze', to: 'snoozed' },

  { from: 'offered', event: 'accept', to: 'active', when: 'agentId is the offered agent' },
  { from: 'offered', event: 'reject', to: 'queued' },
  { from: 'offered', event: 'offer_timeout', to: 'queued' },
  { from: 'offered', event: 'abandon', to: 'abandoned' },

  { from: 'active', event: 'await_customer', to: 'pending' },
  { from: 'active', event: 'transfer', to: 'queued', when: 'queueId' },
  { from: 'active', event: 'transfer', to: 'offered', when: 'agentId' },
  { from: 'active', event: 'transfer', to: 'bot', when: 'toBot' },
  { from: 'active', event: 'end', to: 'wrap_up' },
  { from: 'active', event: 'resolve', to: 'resolved' },
  { from: 'active', event: 'snooze', to: 'snoozed' },

  { from: 'pending', event: 'customer_replied', to: 'active' },
  { from: 'pending', event: 'transfer', to: 'queued', when: 'queueId' },
  { from: 'pending', event: 'transfer', to: 'offered', when: 'agentId' },
  { from: 'pending', event: 'transfer', to: 'bot', when: 'toBot' },
  { from: 'pending', event: 'end', to: 'wrap_up' },
  { from: 'pending', event: 'resolve', to: 'resolved' },
  { from: 'pending', event: 'snooze', to: 'snoozed' },

  { from: 'wrap_up', event: 'resolve', to: 'resolved' },

  { from: 'resolved', event: 'customer_replied', to: 'active', when: 'has an assignee' },
  { from: 'resolved', event: 'customer_replied', to: 'queued', when: 'no assignee' },
  { from: 'resolved', event: 'reopen', to: 'active', when: 'has an assignee' },
  { from: 'resolved', event: 'reopen', to: 'queued', when: 'no assignee' },
  { from: 'resolved', event: 'close', to: 'closed' },

  { from: 'abandoned', event: 'close', to: 'closed' },

  { from: 'snoozed', event: 'wake', to: 'bot', when: 'snoozed from bot' },
  { from: 'snoozed', event: 'wake', to: 'queued', when: 'snoozed from queued' },
  { from: 'snoozed', event: 'wake', to: 'active', when: 'snoozed from active' },
  { from: 'snoozed', event: 'wake', to: 'pending', when: 'snoozed from pending' },
  { from: 'snoozed', event: 'customer_replied', to: 'bot', when: 'snoozed from bot' },
  { from: 'snoozed', event: 'customer_replied', to: 'queued', when: 'snoozed from queued' },
  { from: 'snoozed', event: 'customer_replied', to: 'active', when: 'snoozed from active or pending' },
];

/** States from which nothing leads anywhere. */
export const FINAL_CONVERSATION_STATES: readonly ConversationStatus[] = ['closed'];

/** States in which the conversation counts as open (not yet resolved, closed or abandoned). */
export const OPEN_CONVERSATION_STATES: readonly ConversationStatus[] = [
  'new',
  'bot',
  'queued',
  'offered',
  'active',
  'pending',
  'wrap_up',
  'snoozed',
];
