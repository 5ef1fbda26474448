import { ValidationError } from '@hotline/core';
import { describe, expect, it } from 'vitest';
import type { FlowDefinitionInput } from './definition-schema.js';
import type { FlowInput, FlowOutput } from './flow-io.js';
import { parseFlowDefinition, startFlow } from './runner.js';
import { supportFlow } from './support-flow.fixture.js';

const flow = parseFlowDefinition(supportFlow);
const dtmf = (digits: string): FlowInput[] => [...digits].map((digit) => ({ type: 'dtmf', digit }) as FlowInput);
const text = (t: string): FlowInput => ({ type: 'text', text: t });
const timeout: FlowInput = { type: 'timeout' };
const types = (outputs: readonly FlowOutput[]) => outputs.map((o) => o.type);

function feed(runner: ReturnType<typeof startFlow>, inputs: FlowInput[]): FlowOutput[] {
  return inputs.flatMap((i) => runner.input(i));
}

describe('say and menu', () => {
  it('says the welcome and waits at the language menu with its choices', () => {
    const runner = startFlow(flow, { channel: 'voice' });
    expect(runner.status).toBe('waiting');
    expect(runner.outputs).toEqual([
      { type: 'say', nodeId: 'welcome', text: 'Welcome to Hotline.', locale: 'en' },
      {
        type: 'prompt',
        nodeId: 'language',
        text: 'For English press 1. 中文服务请按 2。',
        locale: 'en',
        expects: 'choice',
        timeoutMs: 5_000,
        attempt: 0,
        choices: [
          { digit: '1', label: 'English' },
          { digit: '2', label: '中文' },
        ],
      },
    ]);
    expect(runner.pendingPrompt).toEqual(runner.outputs[1]);
  });

  it('freezes a parsed definition, since it is trusted from then on', () => {
    expect(Object.isFrozen(flow.nodes['main'])).toBe(true);
    expect(() => {
      (flow.nodes['main'] as { prompt: string }).prompt = 'changed';
    }).toThrow(TypeError);
  });

  it('waits longer on chat than on voice by default', () => {
    expect(startFlow(flow, { channel: 'chat' }).pendingPrompt?.timeoutMs).toBe(300_000);
  });

  it('switches language with a set node and says later prompts in it', () => {
    const runner = startFlow(flow, { channel: 'voice' });
    const out = runner.input({ type: 'dtmf', digit: '2' });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatchObject({
      type: 'prompt',
      nodeId: 'main',
      locale: 'zh',
      text: expect.stringContaining('销售'),
    });
    expect(runner.locale).toBe('zh');
    expect(runner.attributes).toEqual({ language: 'zh' });
  });

  it('picks the start locale by tag, then language, then the default', () => {
    expect(startFlow(flow, { channel: 'voice', locale: 'zh-CN' }).outputs[0]).toMatchObject({
      text: '欢迎致电 Hotline。',
    });
    expect(startFlow(flow, { channel: 'voice', locale: 'fr' }).locale).toBe('en');
  });
});

describe('route, callback and end', () => {
  it('routes with the collected attributes and ends', () => {
    const runner = startFlow(flow, { channel: 'voice', attributes: { caller: '+15550100' } });
    const out = feed(runner, dtmf('21'));
    expect(types(out)).toEqual(['prompt', 'say', 'route', 'end']);
    expect(out[2]).toEqual({
      type: 'route',
      nodeId: 'toSales',
      queue: 'sales',
      priority: 5,
      locale: 'zh',
      attributes: { caller: '+15550100', language: 'zh' },
    });
    expect(out[3]).toEqual({
      type: 'end',
      nodeId: 'toSales',
      reason: 'routed',
      attributes: { caller: '+15550100', language: 'zh' },
    });
    expect(runner.status).toBe('ended');
    expect(runner.result).toEqual(out[3]);
    expect(runner.pendingPrompt).toBeUndefined();
  });

  it('leaves a callback request with the collected phone number', () => {
    const runner = startFlow(flow, { channel: 'voice' });
    const out = feed(runner, [...dtmf('13'), ...dtmf('5550100123#')]);
    expect(out.find((o) => o.type === 'callback')).toEqual({
      type: 'callback',
      nodeId: 'callback',
      queue: 'support',
      phone: '5550100123',
      locale: 'en',
      attributes: { language: 'en', phone: '5550100123' },
    });
    expect(out.at(-1)).toMatchObject({ type: 'end', reason: 'callback' });
  });

  it('ends with a goodbye and a hangup reason', () => {
    const runner = startFlow(flow, { channel: 'voice' });
    const out = feed(runner, dtmf('10'));
    expect(out.slice(-2)).toEqual([
      { type: 'say', nodeId: 'bye', text: 'Goodbye.', locale: 'en' },
      { type: 'end', nodeId: 'bye', reason: 'hangup', attributes: { language: 'en' } },
    ]);
  });

  it('ignores inputs after the end and refuses malformed inputs without changing anything', () => {
    const runner = startFlow(flow, { channel: 'voice' });
    expect(() => runner.input({ type: 'dtmf', digit: 'x' } as unknown as FlowInput)).toThrow(ValidationError);
    expect(() => runner.input({ type: 'text' } as unknown as FlowInput)).toThrow(/flow input/);
    expect(runner.pendingPrompt?.nodeId).toBe('language');
    feed(runner, dtmf('10'));
    expect(runner.input({ type: 'dtmf', digit: '1' })).toEqual([]);
    expect(runner.outputs).toEqual([]);
    expect(runner.result?.reason).toBe('hangup');
  });
});

describe('collect', () => {
  const atAccount = () => {
    const runner = startFlow(flow, { channel: 'voice' });
    feed(runner, dtmf('12'));
    expect(runner.pendingPrompt?.nodeId).toBe('account');
    return runner;
  };

  it('collects DTMF key by key until the terminator', () => {
    const runner = atAccount();
    expect(feed(runner, dtmf('1234'))).toEqual([]);
    const out = runner.input({ type: 'dtmf', digit: '#' });
    expect(out[0]).toMatchObject({ type: 'prompt', nodeId: 'issue', expects: 'text' });
    expect(runner.attributes['account']).toBe('1234');
  });

  it('completes on reaching maxLength and on an inter-digit timeout', () => {
    const full = atAccount();
    feed(full, dtmf('12345678'));
    expect(full.attributes['account']).toBe('12345678');
    const paused = atAccount();
    feed(paused, [...dtmf('98765'), timeout]);
    expect(paused.attributes['account']).toBe('98765');
  });

  it('re-prompts when the value is too short, then falls back', () => {
    const runner = atAccount();
    const first = feed(runner, dtmf('12#'));
    expect(first).toEqual([
      { type: 'say', nodeId: 'account', text: 'That is not an account number.', locale: 'en' },
      expect.objectContaining({ type: 'prompt', nodeId: 'account', attempt: 1 }),
    ]);
    feed(runner, dtmf('1#'));
    const last = feed(runner, dtmf('#'));
    expect(runner.attributes['account']).toBeUndefined();
    expect(last.find((o) => o.type === 'route')).toMatchObject({ queue: 'support' });
  });

  it('takes typed digits with separators on chat, and refuses letters', () => {
    const runner = startFlow(flow, { channel: 'chat' });
    feed(runner, [text('english'), text('help')]);
    expect(runner.input(text('12ab'))[1]).toMatchObject({ type: 'prompt', nodeId: 'account', attempt: 1 });
    runner.input(text('12-34 56'));
    expect(runner.attributes['account']).toBe('123456');
  });

  it('collects free text within its length bounds', () => {
    const runner = atAccount();
    feed(runner, dtmf('1234#'));
    expect(runner.input(text('no'))).toEqual([
      expect.objectContaining({ type: 'prompt', nodeId: 'issue', attempt: 1 }),
    ]);
    const out = runner.input(text('  My printer is on fire  '));
    expect(runner.attributes['issue']).toBe('My printer is on fire');
    expect(out.find((o) => o.type === 'route')).toMatchObject({ queue: 'support', skills: ['support'] });
  });
});

describe('timeouts and retries', () => {
  it('says the no-input text and re-prompts with a rising attempt, then takes the fallback', () => {
    const runner = startFlow(flow, { channel: 'voice' });
    runner.input({ type: 'dtmf', digit: '1' });
    const first = runner.input(timeout);
    expect(first).toEqual([
      { type: 'say', nodeId: 'main', text: 'Are you still there?', locale: 'en' },
      expect.objectContaining({ type: 'prompt', nodeId: 'main', attempt: 1 }),
    ]);
    expect(runner.input(text('pizza'))).toEqual([
      { type: 'say', nodeId: 'main', text: 'Sorry, I did not get that.', locale: 'en' },
      expect.objectContaining({ type: 'prompt', nodeId: 'main', attempt: 2 }),
    ]);
    const last = runner.input(timeout);
    expect(types(last)).toEqual(['route', 'end']);
    expect(last[0]).toMatchObject({ queue: 'support' });
  });

  it('honours a per-node maxRetries', () => {
    const runner = startFlow(flow, { channel: 'voice' });
    expect(runner.input(timeout)[0]).toMatchObject({ type: 'prompt', nodeId: 'language', attempt: 1 });
    // Retries exhausted: the fallback picks English.
    expect(runner.input(timeout)[0]).toMatchObject({ type: 'prompt', nodeId: 'main', locale: 'en' });
  });

  it('ends with retries_exhausted when a node has no fallback', () => {
    const runner = startFlow(flow, { channel: 'voice' });
    feed(runner, dtmf('13'));
    const out = feed(runner, [timeout, timeout, timeout]);
    expect(out.at(-1)).toEqual({
      type: 'end',
      nodeId: 'phone',
      reason: 'retries_exhausted',
      attributes: { language: 'en' },
    });
  });

  it('stops a flow that keeps going round at maxSteps', () => {
    const looping: FlowDefinitionInput = {
      id: 'loop',
      start: 'again',
      maxSteps: 5,
      nodes: {
        again: { kind: 'menu', prompt: 'Press 1 to hear this again', options: [{ digit: '1', next: 'hello' }] },
        hello: { kind: 'say', text: 'Hello', next: 'again' },
      },
    };
    const runner = startFlow(looping, { channel: 'voice' });
    const out = feed(runner, dtmf('1111'));
    expect(runner.status).toBe('ended');
    expect(runner.steps).toBe(5);
    expect(out.at(-1)).toMatchObject({ type: 'end', reason: 'max_steps' });
  });
});

describe('DTMF and text drive the same flow', () => {
  const routeOf = (outputs: FlowOutput[]) => outputs.find((o) => o.type === 'route' || o.type === 'callback');

  // Voice callers key digits (the free-text answer comes from speech recognition); chat visitors type.
  it.each([
    ['sales in Chinese', dtmf('21'), [text('我要中文'), text('我想购买')]],
    [
      'support in English',
      [...dtmf('12'), ...dtmf('4242#'), text('The app crashes')],
      [text('English please'), text('I need help'), text('4242'), text('The app crashes')],
    ],
    ['a callback', [...dtmf('13'), ...dtmf('5550100#')], [text('english'), text('Call me back'), text('555-0100')]],
  ])('%s', (_name, keys, words) => {
    const voice = startFlow(flow, { channel: 'voice' });
    const chat = startFlow(flow, { channel: 'chat' });
    const byKeys = feed(voice, keys);
    const byWords = feed(chat, words);
    expect(routeOf(byKeys)).toBeDefined();
    expect(routeOf(byWords)).toEqual(routeOf(byKeys));
    expect(chat.attributes).toEqual(voice.attributes);
    expect(chat.result).toEqual(voice.result);
  });

  it('accepts a typed digit as a menu choice on chat', () => {
    const runner = startFlow(flow, { channel: 'chat' });
    expect(runner.input(text(' 2 '))[0]).toMatchObject({ nodeId: 'main', locale: 'zh' });
  });
});
