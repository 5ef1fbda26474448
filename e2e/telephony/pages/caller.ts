/**
 * The caller's page: a softphone that only connects, and the support IVR (a language menu
 * from `@hotline/telephony`'s flow engine) driven by key presses; once the flow routes, it
 * dials the queue with the chosen language as `X-Hotline-Language`.
 */
import { type FlowOutput, type FlowRunner, flowInputSchema, parseFlowDefinition, startFlow } from '@hotline/telephony';
import { settings, startPagePhone } from './phone.js';
import type { PageIvr } from './phone-api.js';

const supportIvr = parseFlowDefinition({
  id: 'support-ivr',
  start: 'language',
  defaultLocale: 'en',
  locales: ['en', 'zh'],
  nodes: {
    language: {
      kind: 'menu',
      prompt: 'For English press 1. 中文服务请按 2。',
      options: [
        { digit: '1', label: 'English', next: 'english' },
        { digit: '2', label: '中文', next: 'chinese' },
      ],
      maxRetries: 1,
      fallback: 'english',
    },
    english: { kind: 'set', locale: 'en', attributes: { language: 'en' }, next: 'queue' },
    chinese: { kind: 'set', locale: 'zh', attributes: { language: 'zh' }, next: 'queue' },
    queue: { kind: 'route', queue: 'support' },
  },
});

const phone = startPagePhone();
let run: FlowRunner | undefined;

const promptsOf = (outputs: readonly FlowOutput[]) =>
  outputs.flatMap((output) => (output.type === 'prompt' || output.type === 'say' ? [output.text] : []));

const ivr: PageIvr = {
  start() {
    run = startFlow(supportIvr, { channel: 'voice', locale: 'en' });
    return promptsOf(run.outputs);
  },
  press(digit) {
    if (!run) throw new Error('the IVR has not started');
    const outputs = run.input(flowInputSchema.parse({ type: 'dtmf', digit }));
    const route = outputs.find((output) => output.type === 'route');
    if (!route) return { prompts: promptsOf(outputs) };
    const language = route.attributes.language;
    const target = `sip:${route.queue}@${settings.domain}`;
    const headers = typeof language === 'string' ? [`X-Hotline-Language: ${language}`] : [];
    phone.dial(target, headers);
    return { prompts: promptsOf(outputs), dialled: { target, headers } };
  },
};
(window as unknown as { ivr: PageIvr }).ivr = ivr;
