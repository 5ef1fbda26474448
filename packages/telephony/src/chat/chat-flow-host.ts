import type {
  Conversation,
  Dispatcher,
  DispatchRequest,
  Message,
  MessageAuthor,
  TimerHandle,
  Unsubscribe,
} from '@hotline/core';
import { NotFoundError } from '@hotline/core';
import type { FlowDefinition } from '../flows/definition-schema.js';
import type { FlowOutput } from '../flows/flow-io.js';
import { type FlowRunner, parseFlowDefinition, resumeFlow, startFlow } from '../flows/runner.js';
import { BOT_AUTHOR, type ChatFlowErrorContext, type ChatFlowOptions } from './chat-flow-options.js';
import {
  CHAT_FLOW_ATTRIBUTE,
  type ChatFlowRecord,
  type FlowFinal,
  flowAttributesOf,
  localeOf,
  readRecord,
  requestOf,
  type SentMessage,
  storedRequest,
} from './flow-record.js';

/** A flow this process is running. */
interface LiveFlow {
  tenantId: string;
  conversationId: string;
  key: string;
  runner: FlowRunner;
  record: ChatFlowRecord;
  timer?: TimerHandle | undefined;
}

type Stage = ChatFlowErrorContext['stage'];
type OptionalInner = { idle?: () => Promise<void> };

/** Conversations seen outside any flow are remembered (up to this many) so their messages cost no read. */
const NOT_OURS_LIMIT = 10_000;
const PAGE = 200;
const MAX_INPUT_TEXT = 4000;

const keyOf = (tenantId: string, conversationId: string) => `${tenantId}\u0000${conversationId}`;

function textOf(message: Message): string {
  const { content } = message;
  const text = 'text' in content ? content.text : undefined;
  return typeof text === 'string' ? text.slice(0, MAX_INPUT_TEXT) : '';
}

function sentOf(outputs: readonly FlowOutput[]): SentMessage[] {
  return outputs.flatMap((o): SentMessage[] => {
    if (o.type === 'say') return [{ text: o.text, nodeId: o.nodeId }];
    if (o.type !== 'prompt') return [];
    return [{ text: o.text, nodeId: o.nodeId, expects: o.expects, ...(o.choices ? { choices: o.choices } : {}) }];
  });
}

function finalOf(outputs: readonly FlowOutput[]): FlowFinal | undefined {
  const out = outputs.find((o) => o.type === 'route' || o.type === 'callback');
  if (out?.type !== 'route' && out?.type !== 'callback') return undefined;
  const final: FlowFinal = { type: out.type, queue: out.queue, locale: out.locale, attributes: out.attributes };
  if (out.type === 'route' && out.priority !== undefined) final.priority = out.priority;
  if (out.type === 'callback' && out.phone !== undefined) final.phone = out.phone;
  return final;
}

/**
 * Runs chat flows for one wrapped dispatcher. Every step of a conversation runs in that
 * conversation's lane (one at a time, in order); the flow's state is stored on the
 * conversation before its messages go out, so a restart at any point resumes it.
 */
export class ChatFlowHost {
  private readonly live = new Map<string, LiveFlow>();
  private readonly lanes = new Map<string, Promise<void>>();
  private readonly pending = new Set<Promise<void>>();
  private readonly notOurs = new Set<string>();
  private readonly restored = new Set<string>();
  private readonly parsed = new WeakMap<object, FlowDefinition>();
  private readonly off: Unsubscribe;
  private readonly author: MessageAuthor;
  private closed = false;

  constructor(
    private readonly inner: Dispatcher,
    private readonly options: ChatFlowOptions,
  ) {
    this.author = options.author ?? BOT_AUTHOR;
    this.off = options.hotline.bus.subscribe('message.received', (event) => {
      if (this.closed || event.channel !== 'webchat') return;
      this.onCustomerMessage(event.tenantId, event.conversationId);
    });
  }

  async enqueue(request: DispatchRequest): Promise<void> {
    if (this.closed || request.channel !== 'webchat') return this.inner.enqueue(request);
    const { tenantId, conversationId } = request;
    const conversation = await this.options.hotline.conversations.get(tenantId, conversationId);
    const key = keyOf(tenantId, conversationId);
    // `enqueue` is idempotent: a conversation a flow holds stays with the flow.
    if (conversation.status === 'bot' && readRecord(conversation)) return this.run(key, () => this.adopt(conversation));
    if (conversation.status !== 'new') return this.inner.enqueue(request);
    const def = await this.definitionFor(request);
    if (!def) return this.inner.enqueue(request);
    return this.run(key, () => this.start(conversation, request, def), true);
  }

  async restore(tenantId: string): Promise<void> {
    const { conversations } = this.options.hotline;
    let cursor: string | undefined;
    const started: Promise<void>[] = [];
    do {
      const page = await conversations.list(
        tenantId,
        { status: ['bot'] },
        { limit: PAGE, ...(cursor ? { cursor } : {}) },
      );
      for (const conversation of page.items) {
        if (!readRecord(conversation)) continue;
        started.push(this.run(keyOf(tenantId, conversation.id), () => this.adopt(conversation)));
      }
      cursor = page.nextCursor;
    } while (cursor);
    await Promise.all(started);
    this.restored.add(tenantId);
  }

  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
    await (this.inner as OptionalInner).idle?.();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.off();
    for (const flow of this.live.values()) this.disarm(flow);
    await this.idle();
    for (const flow of this.live.values()) this.disarm(flow);
    this.live.clear();
  }

  private onCustomerMessage(tenantId: string, conversationId: string): void {
    const key = keyOf(tenantId, conversationId);
    const flow = this.live.get(key);
    if (flow) {
      this.run(key, () => this.drain(flow)).catch(() => undefined);
      return;
    }
    // After `restore`, every flow of the tenant is live here: the rest are not ours.
    if (this.notOurs.has(key) || this.restored.has(tenantId)) return;
    this.run(key, () => this.adoptById(tenantId, conversationId)).catch(() => undefined);
  }

  /** Runs `task` after the conversation's earlier steps; `rethrow` only for the caller waiting on it. */
  private run(key: string, task: () => Promise<void>, rethrow = false): Promise<void> {
    const previous = this.lanes.get(key) ?? Promise.resolve();
    const result = previous.then(task);
    const settled = result.catch(() => undefined);
    this.lanes.set(key, settled);
    this.pending.add(settled);
    settled.then(() => {
      this.pending.delete(settled);
      if (this.lanes.get(key) === settled) this.lanes.delete(key);
    });
    return rethrow ? result : settled;
  }

  private async definitionFor(request: DispatchRequest): Promise<FlowDefinition | undefined> {
    let raw: unknown;
    try {
      raw = await this.options.flowFor(request.tenantId, request);
      if (raw === undefined) return undefined;
      const known = typeof raw === 'object' && raw !== null ? this.parsed.get(raw) : undefined;
      if (known) return known;
      const def = parseFlowDefinition(raw);
      if (typeof raw === 'object' && raw !== null) this.parsed.set(raw, def);
      this.parsed.set(def, def);
      return def;
    } catch (error) {
      this.report(error, request, 'definition');
      return undefined;
    }
  }

  private async start(conversation: Conversation, request: DispatchRequest, def: FlowDefinition): Promise<void> {
    const { hotline } = this.options;
    const { tenantId, id: conversationId } = conversation;
    let flow: LiveFlow | undefined;
    try {
      const locale = localeOf(request, conversation);
      const runner = startFlow(def, {
        channel: 'chat',
        attributes: flowAttributesOf(request.attributes),
        ...(locale === undefined ? {} : { locale }),
      });
      const [last] = await hotline.storage.messages.list(tenantId, conversationId, { order: 'desc', limit: 1 });
      await hotline.conversations.apply(tenantId, conversationId, { type: 'start_bot' });
      const record: ChatFlowRecord = {
        state: runner.serialize(),
        turn: 0,
        inputSeq: last?.seq ?? 0,
        sent: [],
        request: storedRequest(request),
      };
      flow = { tenantId, conversationId, key: keyOf(tenantId, conversationId), runner, record };
      this.live.set(flow.key, flow);
      await this.step(flow, runner.outputs, 0);
    } catch (error) {
      if (flow) this.drop(flow);
      this.report(error, request, 'start');
      await this.inner.enqueue(request);
    }
  }

  /** Stores the step, sends its messages, then routes or ends, or waits for the next input. */
  private async step(flow: LiveFlow, outputs: readonly FlowOutput[], turn: number): Promise<void> {
    const now = this.options.hotline.clock.now();
    const final = finalOf(outputs);
    const { final: _previous, promptedAt, ...rest } = flow.record;
    flow.record = {
      ...rest,
      state: flow.runner.serialize(),
      turn,
      sent: sentOf(outputs),
      ...(outputs.some((o) => o.type === 'prompt')
        ? { promptedAt: now }
        : promptedAt === undefined
          ? {}
          : { promptedAt }),
      ...(final ? { final } : {}),
    };
    await this.options.hotline.conversations.update(flow.tenantId, flow.conversationId, {
      attributes: { [CHAT_FLOW_ATTRIBUTE]: flow.record },
    });
    await this.deliver(flow);
    if (flow.runner.status === 'ended') await this.finish(flow);
    else this.arm(flow);
  }

  /** Sends the latest turn's messages; their ids make a second send after a restart a no-op. */
  private async deliver(flow: LiveFlow): Promise<void> {
    const { record } = flow;
    for (const [i, sent] of record.sent.entries()) {
      const metadata: Record<string, unknown> = { flowNodeId: sent.nodeId };
      if (sent.expects) metadata['expects'] = sent.expects;
      if (sent.choices) metadata['choices'] = sent.choices;
      await this.options.hotline.conversations.appendMessage({
        tenantId: flow.tenantId,
        conversationId: flow.conversationId,
        direction: 'outbound',
        author: this.author,
        content: { type: 'text', text: sent.text },
        clientMessageId: `flow.${record.turn}.${i}`,
        metadata: metadata as Message['metadata'],
      });
    }
  }

  /** Feeds the customer's messages that came after the last one fed, in order. */
  private async drain(flow: LiveFlow): Promise<void> {
    const { hotline } = this.options;
    try {
      for (;;) {
        const messages = await hotline.storage.messages.list(flow.tenantId, flow.conversationId, {
          afterSeq: flow.record.inputSeq,
          limit: PAGE,
        });
        for (const message of messages) {
          if (this.live.get(flow.key) !== flow) return;
          if (message.direction !== 'inbound' || message.author.kind !== 'contact') continue;
          this.disarm(flow);
          flow.record = { ...flow.record, inputSeq: message.seq };
          const outputs = flow.runner.input({ type: 'text', text: textOf(message) });
          await this.step(flow, outputs, flow.record.turn + 1);
        }
        if (messages.length < PAGE) return;
      }
    } catch (error) {
      await this.giveUp(flow, error, 'step');
    }
  }

  private arm(flow: LiveFlow): void {
    const prompt = flow.runner.pendingPrompt;
    if (!prompt || this.closed) return;
    const { clock } = this.options.hotline;
    const asked = flow.record.promptedAt ?? clock.now();
    const turn = flow.record.turn;
    flow.timer = clock.setTimer(
      () => {
        flow.timer = undefined;
        this.run(flow.key, () => this.timeout(flow, turn)).catch(() => undefined);
      },
      Math.max(0, asked + prompt.timeoutMs - clock.now()),
    );
  }

  private disarm(flow: LiveFlow): void {
    if (flow.timer === undefined) return;
    this.options.hotline.clock.clearTimer(flow.timer);
    flow.timer = undefined;
  }

  private async timeout(flow: LiveFlow, turn: number): Promise<void> {
    // An answer came first (or the flow ended): this timer is stale.
    if (this.live.get(flow.key) !== flow || flow.record.turn !== turn || this.closed) return;
    try {
      await this.step(flow, flow.runner.input({ type: 'timeout' }), turn + 1);
    } catch (error) {
      await this.giveUp(flow, error, 'step');
    }
  }

  /** Carries out how the flow ended. Each branch checks core first, so running it again after a restart is safe. */
  private async finish(flow: LiveFlow): Promise<void> {
    this.drop(flow);
    const { hotline } = this.options;
    const { tenantId, conversationId, record } = flow;
    const request = requestOf(tenantId, conversationId, record);
    const attributes = { ...request.attributes, ...record.state.attributes };
    const final = record.final;
    try {
      const conversation = await hotline.conversations.get(tenantId, conversationId);
      if (conversation.status !== 'bot') return;
      if (final?.type === 'route') {
        const priority = final.priority ?? request.priority;
        await this.inner.enqueue({
          ...request,
          queueId: final.queue,
          attributes: { ...attributes, ...final.attributes },
          ...(priority === undefined ? {} : { priority }),
        });
      } else if (final?.type === 'callback') {
        await this.recordCallback(flow, final);
        await hotline.conversations.apply(tenantId, conversationId, { type: 'resolve' });
      } else if (record.state.ended === 'completed' || record.state.ended === 'hangup') {
        await hotline.conversations.apply(tenantId, conversationId, { type: 'resolve' });
        if (record.state.ended === 'hangup')
          await hotline.conversations.apply(tenantId, conversationId, { type: 'close' });
      } else {
        // The flow gave up (no answer, too many steps): a person takes over.
        await this.inner.enqueue({ ...request, attributes });
      }
    } catch (error) {
      this.report(error, request, 'finish');
      await this.inner
        .enqueue({ ...request, attributes })
        .catch((again: unknown) => this.report(again, request, 'finish'));
    }
  }

  private async recordCallback(flow: LiveFlow, final: FlowFinal): Promise<void> {
    const { hotline } = this.options;
    const data = {
      queue: final.queue,
      locale: final.locale,
      requestedAt: new Date(hotline.clock.now()).toISOString(),
      attributes: final.attributes,
      ...(final.phone === undefined ? {} : { phone: final.phone }),
    };
    await hotline.conversations.update(flow.tenantId, flow.conversationId, { attributes: { callbackRequest: data } });
    await hotline.conversations.appendMessage({
      tenantId: flow.tenantId,
      conversationId: flow.conversationId,
      direction: 'system',
      author: { kind: 'system' },
      content: { type: 'event', name: 'flow.callback_requested', data },
      clientMessageId: `flow.${flow.record.turn}.callback`,
    });
  }

  /** Resumes a flow a previous process stored (or hands the chat on when it cannot be resumed). */
  private async adopt(conversation: Conversation): Promise<void> {
    const key = keyOf(conversation.tenantId, conversation.id);
    const current = this.live.get(key);
    if (current) return this.drain(current);
    const record = readRecord(conversation);
    if (conversation.status !== 'bot' || !record) {
      this.forget(key);
      return;
    }
    const request = requestOf(conversation.tenantId, conversation.id, record);
    let flow: LiveFlow | undefined;
    try {
      const def = await this.definitionFor(request);
      if (!def) {
        await this.inner.enqueue(request);
        return;
      }
      const runner = resumeFlow(def, record.state);
      flow = { tenantId: conversation.tenantId, conversationId: conversation.id, key, runner, record };
      this.live.set(key, flow);
      await this.deliver(flow);
      if (runner.status === 'ended') return await this.finish(flow);
      this.arm(flow);
    } catch (error) {
      if (flow) this.drop(flow);
      this.report(error, request, 'resume');
      await this.inner.enqueue(request).catch((again: unknown) => this.report(again, request, 'resume'));
      return;
    }
    await this.drain(flow);
  }

  private async adoptById(tenantId: string, conversationId: string): Promise<void> {
    try {
      await this.adopt(await this.options.hotline.conversations.get(tenantId, conversationId));
    } catch (error) {
      if (!(error instanceof NotFoundError)) {
        this.report(error, { tenantId, conversationId }, 'resume');
      }
    }
  }

  private async giveUp(flow: LiveFlow, error: unknown, stage: Stage): Promise<void> {
    this.drop(flow);
    const request = requestOf(flow.tenantId, flow.conversationId, flow.record);
    this.report(error, request, stage);
    await this.inner.enqueue(request).catch((again: unknown) => this.report(again, request, stage));
  }

  private drop(flow: LiveFlow): void {
    this.disarm(flow);
    if (this.live.get(flow.key) === flow) this.live.delete(flow.key);
    this.forget(flow.key);
  }

  private forget(key: string): void {
    this.notOurs.add(key);
    if (this.notOurs.size > NOT_OURS_LIMIT) {
      const oldest = this.notOurs.values().next().value;
      if (oldest !== undefined) this.notOurs.delete(oldest);
    }
  }

  private report(error: unknown, request: Pick<DispatchRequest, 'tenantId' | 'conversationId'>, stage: Stage): void {
    const context = { tenantId: request.tenantId, conversationId: request.conversationId, stage };
    if (this.options.onError) this.options.onError(error, context);
    else console.error('[hotline] chat flow failed', context, error);
  }
}
