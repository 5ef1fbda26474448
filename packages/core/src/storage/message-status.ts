import type { MessageStatus } from '../schemas/message.js';

const FORWARD: Record<MessageStatus, readonly MessageStatus[]> = {
  pending: ['sent', 'delivered', 'read', 'failed'],
  // Providers report a failure after accepting a send (WhatsApp, SMS gateways).
  sent: ['delivered', 'read', 'failed'],
  // A retried send that went through.
  failed: ['sent', 'delivered', 'read'],
  delivered: ['read'],
  read: [],
};

/**
 * Whether a message may move from one delivery status to another. Receipts arrive out of
 * order, so a status that is not ahead of the current one is dropped, never applied.
 *
 * @example
 * ```ts
 * canAdvanceMessageStatus('read', 'delivered'); // false: a late receipt
 * ```
 */
export function canAdvanceMessageStatus(from: MessageStatus, to: MessageStatus): boolean {
  return FORWARD[from].includes(to);
}
