/**
 * The parts of JsSIP's `UA` and `RTCSession` the softphone uses. Typing against these
 * (instead of JsSIP's classes) lets tests drive the softphone with a small double, and
 * keeps JsSIP's loose typings (`any` listeners, overloaded `on`) out of the wrapper.
 */

/** A JsSIP event listener. */
// biome-ignore lint/suspicious/noExplicitAny: JsSIP's payloads differ per event; each handler narrows its own.
export type JsSipListener = (event: any) => void;

/** A SIP response as JsSIP reports it. */
export interface SipResponseLike {
  status_code?: number;
  reason_phrase?: string;
}

/** The callbacks JsSIP's (internal) re-INVITE sender reports to. */
export interface ReinviteHandlers {
  succeeded?: (response?: SipResponseLike) => void;
  failed?: (response?: SipResponseLike) => void;
}

/** The slice of JsSIP's `RTCSession` the softphone drives. */
export interface SipSessionLike {
  readonly id: string;
  readonly direction: 'incoming' | 'outgoing';
  readonly remote_identity: { uri: { toString(): string }; display_name?: string | undefined };
  readonly connection: RTCPeerConnection | null | undefined;
  on(event: string, listener: JsSipListener): unknown;
  answer(options?: Record<string, unknown>): void;
  terminate(options?: { status_code?: number; reason_phrase?: string }): void;
  sendDTMF(tones: string, options?: { transportType?: 'INFO' | 'RFC2833'; duration?: number }): void;
  mute(options?: { audio?: boolean }): void;
  unmute(options?: { audio?: boolean }): void;
  hold(options?: unknown, done?: () => void): boolean;
  unhold(options?: unknown, done?: () => void): boolean;
  refer(target: string, options?: { eventHandlers?: Record<string, JsSipListener>; replaces?: unknown }): unknown;
  isEnded(): boolean;
  isReadyToReOffer?(): boolean;
  /**
   * JsSIP internals, used for hold/unhold because the public `hold()` ends the call on any
   * re-INVITE failure, a 491 included (JsSIP 3.13). Present on JsSIP's real sessions.
   */
  _sendReinvite?(options: { eventHandlers: ReinviteHandlers }): void;
  _localHold?: boolean;
  _onhold?(originator: 'local'): void;
  _onunhold?(originator: 'local'): void;
}

/** The `newRTCSession` payload. */
export interface NewSessionEvent {
  originator: 'local' | 'remote';
  session: SipSessionLike;
}

/** The slice of JsSIP's `UA` the softphone drives. */
export interface SipUaLike {
  on(event: string, listener: JsSipListener): unknown;
  start(): void;
  stop(): void;
  register(): void;
  unregister(options?: { all?: boolean }): void;
  call(target: string, options?: Record<string, unknown>): SipSessionLike;
  isRegistered(): boolean;
  isConnected(): boolean;
}

/** The UA configuration the softphone hands to JsSIP (a subset of `UAConfiguration`). */
export interface SipUaConfiguration {
  sockets: unknown[];
  uri: string;
  password?: string;
  display_name?: string;
  register: boolean;
  connection_recovery_min_interval: number;
  connection_recovery_max_interval: number;
  session_timers: boolean;
  user_agent: string;
}

/** The JsSIP module, or a double of it. */
export interface JsSipModuleLike {
  UA: new (configuration: SipUaConfiguration) => SipUaLike;
  WebSocketInterface: new (url: string) => unknown;
}
