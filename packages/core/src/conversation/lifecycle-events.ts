import { z } from 'zod';
import { idSchema, timestampSchema } from '../schemas/common.js';

/**
 * Lifecycle events a conversation accepts. Which ones are legal depends on its state; see
 * {@link CONVERSATION_TRANSITIONS}.
 */
export const conversationLifecycleEventSchema = z.discriminatedUnion('type', [
  /** Hand the conversation to a bot or IVR for self-service. */
  z.object({ type: z.literal('start_bot') }),
  /** Put it in a queue to wait for an agent. */
  z.object({ type: z.literal('enqueue'), queueId: idSchema.optional() }),
  /** Offer it to an agent (a routing reservation). */
  z.object({ type: z.literal('offer'), agentId: idSchema }),
  /** The offered agent accepts. */
  z.object({ type: z.literal('accept'), agentId: idSchema }),
  /** The offered agent declines; back to the queue. */
  z.object({ type: z.literal('reject') }),
  /** The offer expired; back to the queue. */
  z.object({ type: z.literal('offer_timeout') }),
  /** Assign directly to an agent without an offer (supervisor action, agent-initiated contact). */
  z.object({ type: z.literal('assign'), agentId: idSchema }),
  /** Move to another queue, agent or the bot. Exactly one target. */
  z
    .object({
      type: z.literal('transfer'),
      queueId: idSchema.optional(),
      agentId: idSchema.optional(),
      toBot: z.literal(true).optional(),
    })
    .refine(
      (e) => [e.queueId, e.agentId, e.toBot].filter((v) => v !== undefined).length === 1,
      'a transfer names exactly one of queueId, agentId, toBot',
    ),
  /** The agent waits for the customer. */
  z.object({ type: z.literal('await_customer') }),
  /** The customer wrote or called back. */
  z.object({ type: z.literal('customer_replied') }),
  /** The interaction ended; the agent does after-contact work. */
  z.object({ type: z.literal('end') }),
  /** The matter is solved. */
  z.object({ type: z.literal('resolve') }),
  /** An agent reopens a resolved conversation. */
  z.object({ type: z.literal('reopen') }),
  /** Final: no further changes; a new message starts a new conversation. */
  z.object({ type: z.literal('close') }),
  /** The customer left before an agent took it. */
  z.object({ type: z.literal('abandon') }),
  /** Put aside until a time (or until the customer writes). */
  z.object({ type: z.literal('snooze'), until: timestampSchema }),
  /** The snooze timer fired. */
  z.object({ type: z.literal('wake') }),
]);

/** A conversation lifecycle event. */
export type ConversationLifecycleEvent = z.infer<typeof conversationLifecycleEventSchema>;
/** The type names of lifecycle events. */
export type ConversationLifecycleEventType = ConversationLifecycleEvent['type'];
