/**
 * Click-to-call from the widget. The call itself (a softphone, a few hundred kilobytes with
 * JsSIP) lives in `hotline-widget-voice.js`, which the one-script-tag build loads only when
 * the visitor presses the call button: the chat's own file does not grow.
 */
export interface WidgetVoiceOptions {
  /** The SIP server's WebSocket, e.g. `wss://sip.example.com:8443`. */
  wsUrl: string;
  /** The SIP domain: the call goes to `sip:<queue>@<domain>`. */
  domain: string;
  /** The queue address's user part, e.g. `support`. */
  queue: string;
  /**
   * Where the one-script-tag build loads `hotline-widget-voice.js` from.
   * @default the file of that name next to the widget's script
   */
  url?: string;
}

/** What the voice file gets for one call. */
export interface VoiceCallContext {
  voice: WidgetVoiceOptions;
  /** The open chat, if any: the call then carries `X-Hotline-Conversation` and joins it. */
  conversationId: string | undefined;
  /** The call button; the call's bar goes after its header. */
  anchor: HTMLElement;
  /** The widget's locale tag, for the call bar's texts. */
  locale: string;
  /** Reports a failure as the widget's `error` event. */
  onError: (error: unknown) => void;
}

/** The voice file's entry point (`Hotline.__voice` in the one-script-tag build). */
export interface VoiceModule {
  /** Places a call (or shows the call in progress). */
  start(context: VoiceCallContext): void;
}

/** Loads the voice file: at once when it is there, else a promise (rejected with `UNAVAILABLE`). */
export type VoiceLoader = (url?: string) => VoiceModule | Promise<VoiceModule>;
