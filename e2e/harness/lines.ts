/**
 * Conversations as lists of lines, `customer: Hi` / `agent: Hello`, the one shape in which
 * the suites compare what the widget renders, what the agent holds and what is stored.
 */
import type { StoredMessage } from './webchat-config.js';

/** Who wrote a message, from the customer's point of view: inbound is the customer's. */
export const speaker = (direction: string): 'customer' | 'agent' => (direction === 'inbound' ? 'customer' : 'agent');

/** One message as a line; content other than text shows its type (`[event]`). */
export function toLine(direction: string, content: { type: string; text?: string }): string {
  return `${speaker(direction)}: ${content.type === 'text' ? content.text : `[${content.type}]`}`;
}

/** The stored text messages as lines, oldest first (`seq` order, as the debug endpoint answers). */
export function storedLines(stored: readonly StoredMessage[]): string[] {
  return stored.filter((m) => m.type === 'text').map((m) => `${speaker(m.direction)}: ${m.text}`);
}
