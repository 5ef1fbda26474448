/**
 * Core benchmarks: `npm run bench -w @hotline/core`. One JSON line per scenario, each with
 * a baseline measured in the same run, so the numbers are ratios rather than absolutes.
 */
import {
  CONVERSATION_TRANSITIONS,
  type ConversationLifecycleEvent,
  createHotline,
  createMemoryStorage,
  type Message,
  SimulatedClock,
  transitionConversation,
} from '../src/index.js';
import { makeConversation, makeMessage } from '../src/testing/index.js';
import { best, opsPerSecAsync, opsPerSecSync, report } from './measure.js';

const T = 'ten_bench';
const OPS = Number(process.env['BENCH_OPS'] ?? 100_000);
const ROUNDS = 3;

async function messageAppends(): Promise<void> {
  const conversations = 100;
  const appends = await best(ROUNDS, async () => {
    const storage = createMemoryStorage();
    const ids: string[] = [];
    for (let i = 0; i < conversations; i++) ids.push((await storage.conversations.create(makeConversation(T))).id);
    const drafts = Array.from({ length: OPS }, (_, i) =>
      makeMessage(T, ids[i % conversations] as string, { clientMessageId: `c${i}` }),
    );
    return opsPerSecAsync(OPS, (i) => storage.messages.append(drafts[i] as (typeof drafts)[number]));
  });
  const baseline = await best(ROUNDS, () => {
    const map = new Map<string, Message>();
    const drafts = Array.from({ length: OPS }, (_, i) => makeMessage(T, 'cnv_x', { clientMessageId: `c${i}` }));
    return opsPerSecSync(OPS, (i) => {
      const draft = drafts[i] as (typeof drafts)[number];
      map.set(draft.id, { ...draft, seq: i + 1 });
    });
  });
  report({
    scenario: 'message-appends',
    adapter: 'memory',
    ops: OPS,
    conversations,
    appendsPerSec: appends,
    baseline: 'bare Map.set of the same records',
    baselineOpsPerSec: baseline,
    ratio: appends / baseline,
  });
}

async function serviceAppends(): Promise<void> {
  const ops = Math.floor(OPS / 4);
  const appends = await best(ROUNDS, async () => {
    const hotline = createHotline({ clock: new SimulatedClock() });
    const { conversation } = await hotline.conversations.start({
      tenantId: T,
      channel: 'webchat',
      contact: { identity: { channel: 'webchat', address: 'bench' } },
    });
    return opsPerSecAsync(ops, (i) =>
      hotline.conversations.appendMessage({
        tenantId: T,
        conversationId: conversation.id,
        direction: 'inbound',
        author: { kind: 'contact' },
        content: { type: 'text', text: 'hello there' },
        clientMessageId: `c${i}`,
      }),
    );
  });
  const storageOnly = await best(ROUNDS, async () => {
    const storage = createMemoryStorage();
    const conversation = await storage.conversations.create(makeConversation(T));
    return opsPerSecAsync(ops, (i) =>
      storage.messages.append(makeMessage(T, conversation.id, { clientMessageId: `c${i}` })),
    );
  });
  report({
    scenario: 'service-appends',
    adapter: 'memory',
    ops,
    appendsPerSec: appends,
    note: 'ConversationService.appendMessage: zod validation, conversation read, append, event publish',
    baseline: 'storage.messages.append alone',
    baselineOpsPerSec: storageOnly,
    ratio: appends / storageOnly,
  });
}

/** A cycle of legal events that visits most states and returns to `queued`. */
const CYCLE: ConversationLifecycleEvent[] = [
  { type: 'offer', agentId: 'agt_1' },
  { type: 'reject' },
  { type: 'offer', agentId: 'agt_1' },
  { type: 'accept', agentId: 'agt_1' },
  { type: 'await_customer' },
  { type: 'customer_replied' },
  { type: 'snooze', until: '2026-01-01T00:00:00.000Z' },
  { type: 'wake' },
  { type: 'end' },
  { type: 'resolve' },
  { type: 'customer_replied' },
  { type: 'transfer', queueId: 'que_2' },
];

async function lifecycleTransitions(): Promise<void> {
  const machine = await best(ROUNDS, () => {
    let state = { status: 'queued' as const, context: { reopenCount: 0 } } as ReturnType<typeof transitionConversation>;
    return opsPerSecSync(OPS / 2, (i) => {
      state = transitionConversation(state.status, state.context, CYCLE[i % CYCLE.length]);
    });
  });
  // Baseline: the same walk as a bare lookup in the documented table (no guards, no context).
  const table = new Map(CONVERSATION_TRANSITIONS.map((row) => [`${row.from}|${row.event}`, row.to]));
  const baseline = await best(ROUNDS, () => {
    let status: string = 'queued';
    return opsPerSecSync(OPS / 2, (i) => {
      status = table.get(`${status}|${(CYCLE[i % CYCLE.length] as ConversationLifecycleEvent).type}`) ?? status;
    });
  });
  report({
    scenario: 'lifecycle-transitions',
    ops: OPS / 2,
    transitionsPerSec: machine,
    note: 'transitionConversation: zod-validated event, xstate snapshot restore + pure transition',
    baseline: 'Map lookup in the transition table',
    baselineOpsPerSec: baseline,
    ratio: machine / baseline,
  });

  const ops = Math.floor(OPS / 10);
  const persisted = await best(ROUNDS, async () => {
    const hotline = createHotline({ clock: new SimulatedClock() });
    const { conversation } = await hotline.conversations.start({
      tenantId: T,
      channel: 'webchat',
      contact: { identity: { channel: 'webchat', address: 'bench' } },
    });
    await hotline.conversations.apply(T, conversation.id, { type: 'enqueue' });
    return opsPerSecAsync(ops, (i) =>
      hotline.conversations.apply(T, conversation.id, CYCLE[i % CYCLE.length] as ConversationLifecycleEvent),
    );
  });
  report({
    scenario: 'lifecycle-transitions-persisted',
    adapter: 'memory',
    ops,
    transitionsPerSec: persisted,
    note: 'ConversationService.apply: read, transition, optimistic write, event',
    baseline: 'transitionConversation alone',
    baselineOpsPerSec: machine,
    ratio: persisted / machine,
  });
}

await messageAppends();
await serviceAppends();
await lifecycleTransitions();
