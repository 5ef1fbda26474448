import { createHotline, ValidationError } from '@hotline/core';
import { describe, expect, it } from 'vitest';
import { supportFlow } from '../flows/support-flow.fixture.js';
import { customerSays, makeChatKit, TENANT } from './chat-kit.fixture.js';
import { CHAT_FLOW_ATTRIBUTE, readRecord } from './flow-record.js';

const BOT = 'bot(bot_flow)';
const WELCOME = `${BOT}: Welcome to Hotline.`;
const LANGUAGE = `${BOT}: For English press 1. 中文服务请按 2。`;
const MAIN_ZH = `${BOT}: 销售请按 1，技术支持请按 2，预约回电请按 3，结束请按 0。`;
const MAIN_EN = `${BOT}: Press 1 for sales, 2 for support, 3 for a callback, 0 to leave.`;
const CHAT_TIMEOUT = 300_000;

describe('withChatFlow: a bot in front of web chats', () => {
  it('runs the menu on text, stores the prompts in order, then queues on the flow’s queue and offers it', async () => {
    const kit = makeChatKit({ flows: { [TENANT]: supportFlow } });
    await kit.connectAgent('agt_ana');
    const chat = await kit.startChat({ language: 'en', page: '/pricing' });
    expect((await kit.conversation(chat.id)).status).toBe('bot');
    expect(await kit.transcript(chat.id)).toEqual([WELCOME, LANGUAGE]);

    await kit.say(chat.id, '2');
    expect(await kit.transcript(chat.id)).toEqual([WELCOME, LANGUAGE, 'contact: 2', MAIN_ZH]);
    expect((await kit.conversation(chat.id)).status).toBe('bot');

    await kit.say(chat.id, '我想购买'); // a keyword of option 1 in Chinese
    expect(await kit.transcript(chat.id)).toEqual([
      WELCOME,
      LANGUAGE,
      'contact: 2',
      MAIN_ZH,
      'contact: 我想购买',
      `${BOT}: 正在为您转接销售。`,
    ]);
    const after = await kit.conversation(chat.id);
    expect(after).toMatchObject({ status: 'offered', queueId: 'sales', offeredTo: 'agt_ana' });
    expect(kit.history(chat.id)).toEqual(['start_bot:new>bot', 'enqueue:bot>queued', 'offer:queued>offered']);
    const [offer] = kit.offersTo('agt_ana');
    expect(offer).toMatchObject({
      conversationId: chat.id,
      queueId: 'sales',
      attributes: { language: 'zh', page: '/pricing' },
    });
    expect(kit.engine.openTasks().find((t) => t.conversationId === chat.id)?.priority).toBe(5);
    expect(readRecord(after)?.state).toMatchObject({ status: 'ended', ended: 'routed' });
    expect(kit.errors).toEqual([]);
  });

  it('re-prompts when nobody answers, then takes the fallback and finally routes', async () => {
    const kit = makeChatKit({ flows: { [TENANT]: supportFlow } });
    const chat = await kit.startChat();
    await kit.advance(CHAT_TIMEOUT - 1);
    expect(await kit.transcript(chat.id)).toEqual([WELCOME, LANGUAGE]);
    await kit.advance(1);
    expect(await kit.transcript(chat.id)).toEqual([WELCOME, LANGUAGE, LANGUAGE]);
    await kit.advance(CHAT_TIMEOUT);
    // Retries used up: the menu's fallback picks English.
    expect(await kit.transcript(chat.id)).toEqual([WELCOME, LANGUAGE, LANGUAGE, MAIN_EN]);

    // An answer clears the timer: nothing more is said until the next prompt's own timeout.
    await kit.advance(CHAT_TIMEOUT - 10);
    await kit.say(chat.id, 'blah');
    await kit.advance(20);
    expect((await kit.transcript(chat.id)).slice(4)).toEqual([
      'contact: blah',
      `${BOT}: Sorry, I did not get that.`,
      MAIN_EN,
    ]);
    await kit.advance(CHAT_TIMEOUT);
    await kit.advance(CHAT_TIMEOUT);
    expect((await kit.transcript(chat.id)).slice(7)).toEqual([`${BOT}: Are you still there?`, MAIN_EN]);
    expect(await kit.conversation(chat.id)).toMatchObject({ status: 'queued', queueId: 'support' });
    await kit.chat.close();
  });

  it('continues after a restart from the stored state: on restore, and lazily on the next message', async () => {
    const first = makeChatKit({ flows: { [TENANT]: supportFlow } });
    const a = await first.startChat();
    const b = await first.startChat();
    await first.say(a.id, 'chinese');
    await first.say(b.id, '1');
    await first.chat.close(); // the process stops

    // While no process runs, A's customer answers.
    const bare = createHotline({ storage: first.storage, clock: first.clock });
    await customerSays(bare, a.id, '1');

    const second = makeChatKit({ storage: first.storage, clock: first.clock, flows: { [TENANT]: supportFlow } });
    await second.connectAgent('agt_bo');
    await second.chat.restore(TENANT);
    await second.chat.idle();
    expect((await second.transcript(a.id)).slice(-2)).toEqual(['contact: 1', `${BOT}: 正在为您转接销售。`]);
    expect(await second.conversation(a.id)).toMatchObject({ status: 'offered', queueId: 'sales', offeredTo: 'agt_bo' });

    // B was restored waiting at the English main menu.
    expect(await second.conversation(b.id)).toMatchObject({ status: 'bot' });
    await second.say(b.id, 'support');
    expect((await second.transcript(b.id)).slice(-1)).toEqual([`${BOT}: Enter your account number, then hash.`]);

    // A third process that never calls restore picks B up on the customer's next message.
    await second.chat.close();
    const third = makeChatKit({ storage: first.storage, clock: first.clock, flows: { [TENANT]: supportFlow } });
    await third.say(b.id, '12345');
    expect((await third.transcript(b.id)).slice(-2)).toEqual([
      'contact: 12345',
      `${BOT}: In a few words, what is the problem?`,
    ]);
    await third.say(b.id, 'my invoice is wrong');
    expect(await third.conversation(b.id)).toMatchObject({ status: 'queued', queueId: 'support' });
    const offerless = third.engine.openTasks().find((t) => t.conversationId === b.id);
    expect(offerless?.attributes).toMatchObject({ language: 'en', account: '12345', issue: 'my invoice is wrong' });
    expect([...first.errors, ...second.errors, ...third.errors]).toEqual([]);
    await third.chat.close();
  });

  it('enqueues at once when the tenant has no flow', async () => {
    const kit = makeChatKit({ flows: {} });
    await kit.connectAgent('agt_ana');
    const chat = await kit.startChat();
    expect(kit.history(chat.id)).toEqual(['enqueue:new>queued', 'offer:queued>offered']);
    await kit.say(chat.id, 'hello?');
    expect(await kit.transcript(chat.id)).toEqual(['contact: hello?']);
    expect(kit.errors).toEqual([]);
  });

  it('refuses a broken definition through onError and enqueues the chat as usual', async () => {
    const broken = { id: 'broken', start: 'menu', nodes: { menu: { kind: 'menu', prompt: 'Pick', options: [] } } };
    const kit = makeChatKit({ flows: { [TENANT]: broken } });
    const chat = await kit.startChat();
    expect(await kit.conversation(chat.id)).toMatchObject({ status: 'queued' });
    expect(await kit.transcript(chat.id)).toEqual([]);
    expect(kit.errors).toHaveLength(1);
    expect(kit.errors[0]?.error).toBeInstanceOf(ValidationError);
    expect(kit.errors[0]?.context).toEqual({ tenantId: TENANT, conversationId: chat.id, stage: 'definition' });
    expect((await kit.conversation(chat.id)).attributes[CHAT_FLOW_ATTRIBUTE]).toBeUndefined();
  });

  it('feeds a flow only its own conversation’s customer messages', async () => {
    const kit = makeChatKit({ flows: { [TENANT]: supportFlow } });
    const mine = await kit.startChat();
    const other = await kit.startChat();
    await kit.say(other.id, '2');
    await kit.hotline.conversations.appendMessage({
      tenantId: TENANT,
      conversationId: mine.id,
      direction: 'note',
      author: { kind: 'agent', id: 'agt_ana' },
      content: { type: 'text', text: '1' },
    });
    await kit.chat.idle();
    expect(await kit.transcript(mine.id)).toEqual([WELCOME, LANGUAGE, 'agent: 1']);
    expect((await kit.transcript(other.id)).slice(-1)).toEqual([MAIN_ZH]);
    expect(readRecord(await kit.conversation(mine.id))?.state).toMatchObject({ nodeId: 'language', steps: 2 });
    // The agent's note was never an answer: the customer's own "1" is the first one fed.
    await kit.say(mine.id, '1');
    expect((await kit.transcript(mine.id)).slice(2)).toEqual(['agent: 1', 'contact: 1', MAIN_EN]);
    expect((await kit.conversation(mine.id)).status).toBe('bot');
  });

  it('records a callback request as an attribute and a system message, then resolves the chat', async () => {
    const kit = makeChatKit({ flows: { [TENANT]: supportFlow } });
    const chat = await kit.startChat();
    await kit.say(chat.id, 'english');
    await kit.say(chat.id, 'call me back');
    await kit.say(chat.id, '5551234567');
    const after = await kit.conversation(chat.id);
    expect(after.status).toBe('resolved');
    expect(after.attributes['callbackRequest']).toMatchObject({ queue: 'support', phone: '5551234567', locale: 'en' });
    expect((await kit.transcript(chat.id)).slice(-2)).toEqual([
      `${BOT}: We will call you back.`,
      'system: flow.callback_requested',
    ]);
  });
});
