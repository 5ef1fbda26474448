import { REQUEST_PENDING, type ReinviteOutcome } from './glare-retry.js';
import type { SipSessionLike } from './jssip-types.js';

/**
 * Sends one hold or unhold re-INVITE and reports how it went, without ending the call when
 * it fails. JsSIP's public `hold()` terminates the session with a 500 on any failure, so a
 * 491 glare would drop the call; this goes through the same internal sender JsSIP's
 * `hold()` uses, with our own failure handler that restores the previous hold state.
 * A session without those internals falls back to the public API (no glare retry).
 */
export function sendHoldReinvite(session: SipSessionLike, hold: boolean): Promise<ReinviteOutcome> {
  if (session._localHold === hold) return Promise.resolve({ ok: true });
  const { _sendReinvite, _onhold, _onunhold } = session;
  if (!_sendReinvite || !_onhold || !_onunhold) {
    return new Promise((resolve) => {
      const done = () => resolve({ ok: true });
      const started = hold ? session.hold({}, done) : session.unhold({}, done);
      if (!started) resolve({ ok: false });
    });
  }
  // An offer of our own still in flight is a local glare: wait and retry like a 491.
  if (session.isReadyToReOffer && !session.isReadyToReOffer()) {
    return Promise.resolve({ ok: false, statusCode: REQUEST_PENDING });
  }
  const apply = (held: boolean) => {
    session._localHold = held;
    if (held) _onhold.call(session, 'local');
    else _onunhold.call(session, 'local');
  };
  return new Promise((resolve) => {
    apply(hold);
    _sendReinvite.call(session, {
      eventHandlers: {
        succeeded: () => resolve({ ok: true }),
        failed: (response) => {
          if (!session.isEnded()) apply(!hold);
          const statusCode = response?.status_code;
          resolve(statusCode === undefined ? { ok: false } : { ok: false, statusCode });
        },
      },
    });
  });
}
