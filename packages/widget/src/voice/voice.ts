import { type Call, createSoftphone, type Softphone } from '@hotline/telephony';
import { button, h } from '../dom/h.js';
import type { VoiceCallContext, VoiceModule } from './voice-types.js';

// The voice file: a softphone for the visitor, and the call bar under the widget's header.
// Its size does not count against the chat: it loads on the first press of the call button.

const TEXTS = {
  en: {
    connecting: 'Connecting the call…',
    ringing_out: 'Calling…',
    connected: 'On the call',
    held: 'On hold',
    transferring: 'Transferring…',
    reconnecting: 'Reconnecting…',
    ended: 'The call has ended.',
    failed: 'The call could not be placed.',
    hangup: 'Hang up',
    mute: 'Mute',
    unmute: 'Unmute',
  },
  zh: {
    connecting: '正在接通…',
    ringing_out: '正在呼叫…',
    connected: '通话中',
    held: '通话保持中',
    transferring: '正在转接…',
    reconnecting: '正在重新连接…',
    ended: '通话已结束。',
    failed: '无法发起通话。',
    hangup: '挂断',
    mute: '静音',
    unmute: '取消静音',
  },
};
type Texts = (typeof TEXTS)['en'];

const CSS = `[part=call-bar]{display:flex;gap:8px;align-items:center;padding:8px 12px;border-bottom:1px solid var(--hl-border,#ddd)}
[part=call-status]{flex:1;margin:0}
[part=call-bar] button{font:inherit;padding:4px 10px;border-radius:6px;border:1px solid currentColor;background:none;color:inherit;cursor:pointer}`;

/** The call in progress: one at a time. */
interface Current {
  softphone: Softphone;
  call?: Call;
  bar: HTMLElement;
}
let current: Current | undefined;

function start(context: VoiceCallContext): void {
  if (current) return;
  const { voice, conversationId, anchor } = context;
  const texts: Texts = context.locale.toLowerCase().startsWith('zh') ? TEXTS.zh : TEXTS.en;
  const root = anchor.getRootNode();
  if (
    root instanceof ShadowRoot &&
    !root.adoptedStyleSheets.some((sheet) => sheet.cssRules[0]?.cssText.includes('call-bar'))
  ) {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
  }
  const headers = [`X-Hotline-Language: ${context.locale}`];
  if (conversationId) headers.push(`X-Hotline-Conversation: ${conversationId}`);
  const audio = new Audio();
  audio.autoplay = true;
  const softphone = createSoftphone({
    uri: `sip:visitor-${Math.random().toString(36).slice(2, 10)}@${voice.domain}`,
    wsServers: voice.wsUrl,
    audioSinks: { call: audio },
  });
  const status = h('p', { part: 'call-status', role: 'status' }, texts.connecting);
  const mute = button('call-mute', () => {
    const call = current?.call;
    if (!call) return;
    if (call.muted) call.unmute();
    else call.mute();
    mute.textContent = call.muted ? texts.unmute : texts.mute;
    mute.setAttribute('aria-pressed', `${call.muted}`);
  });
  mute.textContent = texts.mute;
  mute.hidden = true;
  const hangup = button('call-hangup', () => (current?.call ? current.call.hangup() : finish(texts.ended)));
  hangup.textContent = texts.hangup;
  const bar = h('div', { part: 'call-bar' }, status, mute, hangup);
  (anchor.closest('header') ?? anchor).after(bar);
  anchor.setAttribute('aria-disabled', 'true');
  const state: Current = { softphone, bar };
  current = state;

  function finish(text: string): void {
    status.textContent = text;
    mute.hidden = true;
    hangup.hidden = true;
    softphone.stop();
    anchor.removeAttribute('aria-disabled');
    if (current === state) current = undefined;
    setTimeout(() => bar.remove(), 4000);
  }

  /** Shows `call`'s progress; a call transferred by the agent goes on as the new one. */
  function follow(call: Call): void {
    state.call = call;
    const show = (callState: string) => {
      if (state.call !== call) return;
      if (callState === 'ended') {
        // The softphone dials the transfer target itself and reports `transferred`.
        if (call.endReason === 'transferred') status.textContent = texts.transferring;
        else finish(call.answeredAt === undefined ? texts.failed : texts.ended);
        return;
      }
      status.textContent = texts[callState as keyof Texts] ?? status.textContent;
      mute.hidden = callState !== 'connected' && callState !== 'held';
    };
    // The call starts ringing out inside `call()`, before this listener.
    call.on('state', ({ state: callState }) => show(callState));
    show(call.state);
  }
  softphone.on('transferred', ({ to }) => follow(to));

  const off = softphone.on('connection', ({ state: connection }) => {
    if (connection !== 'connected' || state.call) return;
    off();
    try {
      follow(softphone.call(`sip:${voice.queue}@${voice.domain}`, { extraHeaders: headers }));
    } catch (error) {
      finish(texts.failed);
      context.onError(error);
    }
  });
  try {
    softphone.start();
  } catch (error) {
    finish(texts.failed);
    throw error;
  }
}

/** What `register.ts` hands to the main file, and `load.ts` to the ESM build. */
export const voice: VoiceModule = { start };
