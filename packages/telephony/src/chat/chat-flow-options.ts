import type { Dispatcher, DispatchRequest, Hotline, MessageAuthor } from '@hotline/core';
import type { FlowDefinition, FlowDefinitionInput } from '../flows/definition-schema.js';

/** Where a chat flow error happened, for logs. */
export interface ChatFlowErrorContext {
  tenantId: string;
  conversationId: string;
  /**
   * `definition`: `flowFor` threw or returned an invalid definition (a `ValidationError`
   * with the path of the problem); `start`, `step`, `resume`, `finish`: running it failed.
   * In every case the conversation is handed to the real dispatcher, so nobody is stuck.
   */
  stage: 'definition' | 'start' | 'step' | 'resume' | 'finish';
}

/** Options of {@link withChatFlow}. */
export interface ChatFlowOptions {
  /** The core the conversations live in: messages, lifecycle, attributes and the event bus. */
  hotline: Hotline;
  /**
   * The flow a new web chat runs first, or `undefined` to enqueue it at once. Called for
   * each new chat (and again after a restart), so a tenant's flow may change at any time;
   * a definition object returned again is only validated once.
   */
  flowFor: (
    tenantId: string,
    request: DispatchRequest,
  ) => FlowDefinition | FlowDefinitionInput | undefined | Promise<FlowDefinition | FlowDefinitionInput | undefined>;
  /**
   * Receives what went wrong; the chat has already been handed to the real dispatcher.
   * @default logs with `console.error`
   */
  onError?: (error: unknown, context: ChatFlowErrorContext) => void;
  /** Who the bot's messages are from. @default { kind: 'bot', id: 'bot_flow' } */
  author?: MessageAuthor;
}

/** What {@link withChatFlow} adds to the dispatcher it wraps. */
export interface ChatFlowControls {
  /**
   * Resumes every flow of the tenant a previous process left running: re-sends the latest
   * bot messages if they had not gone out, feeds customer messages that came in meanwhile,
   * re-arms prompt timers with the time left, and carries out a route or an end that had
   * not been. Without it, a flow resumes on its conversation's next customer message.
   */
  restore(tenantId: string): Promise<void>;
  /** Resolves once every flow step under way has finished (and the wrapped dispatcher is idle). */
  idle(): Promise<void>;
  /**
   * Stops the prompt timers and listening to messages, and waits for steps under way.
   * Flows stay stored, to be resumed by another process. The wrapped dispatcher is not
   * closed: it belongs to whoever created it.
   */
  close(): Promise<void>;
}

/** A dispatcher whose new web chats go through a flow first. */
export type ChatFlowDispatcher<D extends Dispatcher> = Omit<D, keyof ChatFlowControls> & ChatFlowControls;

/** The default bot author. */
export const BOT_AUTHOR: MessageAuthor = { kind: 'bot', id: 'bot_flow' };
