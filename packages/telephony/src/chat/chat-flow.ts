import type { Dispatcher } from '@hotline/core';
import { ChatFlowHost } from './chat-flow-host.js';
import type { ChatFlowControls, ChatFlowDispatcher, ChatFlowOptions } from './chat-flow-options.js';

const CONTROLS: ReadonlySet<PropertyKey> = new Set<keyof ChatFlowControls>(['restore', 'idle', 'close']);

/**
 * Puts a bot in front of new web chats. The returned dispatcher is the same object except
 * for `enqueue`: a new web chat that `flowFor` gives a flow goes to core's `bot` state,
 * the flow's `say` and `prompt` outputs are posted as bot messages, the customer's
 * messages are fed to it as text (a timer per prompt feeds `timeout`), and on `route` the
 * chat is enqueued on the wrapped dispatcher with the flow's queue, priority and
 * attributes (core `bot → queued`). A callback request is stored as the conversation's
 * `callbackRequest` attribute and a system message, then the conversation is resolved;
 * an `end` node resolves it (`hangup` also closes it); a flow that gives up (retries
 * exhausted, too many steps) hands the chat to the wrapped dispatcher as it came.
 *
 * The flow's state is stored in the conversation's `chatFlow` attribute after every step,
 * so another process resumes it: on `restore(tenantId)` or on the customer's next message.
 * A definition that does not validate, or any failure while running, goes to `onError`
 * and the chat is enqueued as if there were no flow: a customer is never stuck with a
 * broken bot. Everything but `enqueue` and the {@link ChatFlowControls} (`restore`,
 * `idle`, `close`, which act on the flows) reaches the wrapped dispatcher unchanged.
 *
 * @example
 * ```ts
 * import { createHotlineServer } from '@hotline/server';
 * import { parseFlowDefinition, withChatFlow } from '@hotline/telephony';
 *
 * const flow = parseFlowDefinition({
 *   id: 'welcome', start: 'language',
 *   nodes: {
 *     language: { kind: 'menu', prompt: 'Type 1 for English, 2 for 中文',
 *       options: [{ digit: '1', keywords: ['english'], next: 'en' }, { digit: '2', keywords: ['中文'], next: 'zh' }] },
 *     en: { kind: 'route', queue: 'que_en' },
 *     zh: { kind: 'route', queue: 'que_zh' },
 *   },
 * });
 * const server = createHotlineServer({
 *   storage, jwtSecret, webchat,
 *   wrapDispatcher: (dispatcher, { hotline }) => withChatFlow(dispatcher, { hotline, flowFor: () => flow }),
 * });
 * ```
 */
export function withChatFlow<D extends Dispatcher>(dispatcher: D, options: ChatFlowOptions): ChatFlowDispatcher<D> {
  const host = new ChatFlowHost(dispatcher, options);
  const own: Record<PropertyKey, unknown> = {
    enqueue: host.enqueue.bind(host),
    restore: host.restore.bind(host),
    idle: host.idle.bind(host),
    close: host.close.bind(host),
  };
  return new Proxy(dispatcher, {
    get(target, property) {
      if (property === 'enqueue' || CONTROLS.has(property)) return own[property];
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  }) as unknown as ChatFlowDispatcher<D>;
}
