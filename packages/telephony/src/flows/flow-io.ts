import { z } from 'zod';
import type { FlowAttributeValue } from './definition-schema.js';

/** The channel a flow runs on: it picks default timeouts and how prompts describe the expected answer. */
export type FlowChannel = 'voice' | 'chat';

/** What a host feeds a running flow: a key press, a typed or transcribed text, or a prompt's timer firing. */
export const flowInputSchema = z.discriminatedUnion('type', [
  z.strictObject({
    type: z.literal('dtmf'),
    digit: z.enum(['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#']),
  }),
  z.strictObject({ type: z.literal('text'), text: z.string().max(4000) }),
  z.strictObject({ type: z.literal('timeout') }),
]);

/** One input to a running flow. */
export type FlowInput = z.output<typeof flowInputSchema>;

/** Say this to the caller (speak it on voice, post it on chat); no answer is expected. */
export interface FlowSayOutput {
  type: 'say';
  nodeId: string;
  text: string;
  locale: string;
}

/** A choice offered by a menu, for hosts that render quick replies. */
export interface FlowChoice {
  /** The key that picks it on a phone. */
  digit?: string;
  /** What to show on a button: the option's label, else its first keyword. */
  label?: string;
}

/**
 * Ask and wait. The host MUST feed `{ type: 'timeout' }` after `timeoutMs` without a
 * complete answer (and SHOULD restart the timer on each DTMF key of a digits collection).
 */
export interface FlowPromptOutput {
  type: 'prompt';
  nodeId: string;
  text: string;
  locale: string;
  /** `choice` for menus, `digits` or `text` for collections. */
  expects: 'choice' | 'digits' | 'text';
  timeoutMs: number;
  /** 0 for the first time the prompt is played, then 1, 2… for re-prompts. */
  attempt: number;
  choices?: FlowChoice[];
}

/** Hand the contact to a queue with the collected attributes; the flow has ended. */
export interface FlowRouteOutput {
  type: 'route';
  nodeId: string;
  queue: string;
  priority?: number;
  skills?: string[];
  locale: string;
  attributes: Record<string, FlowAttributeValue>;
}

/** Record a callback request for a queue; the flow has ended. */
export interface FlowCallbackOutput {
  type: 'callback';
  nodeId: string;
  queue: string;
  /** The number to call back, from the node's `phoneAttribute` when it was collected. */
  phone?: string;
  locale: string;
  attributes: Record<string, FlowAttributeValue>;
}

/** Why a flow ended. */
export type FlowEndReason = 'routed' | 'callback' | 'completed' | 'hangup' | 'retries_exhausted' | 'max_steps';

/** Always the last output of a flow. */
export interface FlowEndOutput {
  type: 'end';
  /** The node that ended the flow (for `max_steps`, the one that would have run next). */
  nodeId: string;
  reason: FlowEndReason;
  attributes: Record<string, FlowAttributeValue>;
}

/** Everything a flow can ask its host to do, discriminated by `type`. */
export type FlowOutput = FlowSayOutput | FlowPromptOutput | FlowRouteOutput | FlowCallbackOutput | FlowEndOutput;
