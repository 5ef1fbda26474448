/**
 * The agent desk's softphone (`@hotline/telephony`, served as /static/hotline-telephony.js):
 * registered with the demo's Kamailio while the agent is Available, so queue calls ring
 * here (with the offer chime); answer, reject, hang up, hold, mute, keypad (DTMF) and blind
 * transfer to another agent; call quality warnings. Hold, mute and transfer are reported to
 * the conversation's timeline (`POST /api/v1/conversations/{id}/call-events`).
 */
import { createSoftphone } from '/static/hotline-telephony.js';
import { api, errorText } from './api.js';
import { announce, byId, fill, h, show, toast } from './dom.js';
import { chime } from './sound.js';

const STATE_TEXT = {
  idle: 'Idle',
  ringing_in: 'Ringing',
  ringing_out: 'Calling',
  connected: 'On call',
  held: 'On hold',
  transferring: 'Transferring',
  reconnecting: 'Reconnecting',
  ended: 'Ended',
};
const REGISTRATION_TEXT = {
  off: 'Voice off',
  unregistered: 'Not registered',
  registering: 'Registering…',
  registered: 'Ready for calls',
  failed: 'Registration failed',
};
const QUALITY_TEXT = {
  rtt: 'high delay',
  jitter: 'choppy audio (jitter)',
  loss: 'packet loss',
  mos: 'poor call quality',
};
const KEYS = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '0', '#'];
const RING_EVERY_MS = 2000;

/**
 * Sets up the softphone panel. `session.sip.uri` and `config.voice` come from the demo
 * server; without them (no Kamailio) the panel says voice is off. Returns
 * `{ setAvailable(available) }`: the desk calls it whenever the agent's status changes.
 */
export function createSoftphonePanel({ session, config }) {
  const status = byId('softphone-status');
  const incoming = byId('call-incoming');
  const active = byId('call-active');
  const stateEl = byId('call-state');
  const quality = byId('call-quality');
  const holdButton = byId('call-hold');
  const muteButton = byId('call-mute');
  const transferTarget = byId('call-transfer-target');
  const keypad = byId('call-dtmf');

  function setStatus(state) {
    status.dataset.state = state;
    status.textContent = REGISTRATION_TEXT[state] ?? state;
  }

  const voice = config.voice;
  const uri = session.sip?.uri;
  if (!voice || !uri) {
    setStatus('off');
    return { setAvailable() {} };
  }

  const audio = new Audio();
  audio.autoplay = true;
  const softphone = createSoftphone({
    uri,
    wsServers: voice.wsUrl,
    displayName: session.agent.name,
    audioSinks: { call: audio },
  });
  softphone.on('registration', ({ state, cause }) => {
    setStatus(state);
    if (state === 'failed') toast(`Softphone registration failed${cause ? `: ${cause}` : ''}.`, 'error');
  });

  /** The call on screen, its conversation once found, and the ring timer. */
  let call;
  let conversationId;
  let ringTimer;

  fill(
    transferTarget,
    (config.agents ?? [])
      .filter((agent) => agent.id !== session.agent.id && !agent.roles.includes('supervisor'))
      .map((agent) => h('option', { value: `sip:${agent.id}@${voice.sipDomain}` }, agent.name)),
  );
  keypad.append(
    ...KEYS.map((key) =>
      h('button', { type: 'button', class: 'key', dataset: { tone: key }, onclick: () => dtmf(key) }, key),
    ),
  );

  function stopRinging() {
    clearInterval(ringTimer);
    ringTimer = undefined;
  }

  function render() {
    const state = call?.state ?? 'idle';
    show(incoming, state === 'ringing_in');
    show(active, Boolean(call) && state !== 'ringing_in');
    stateEl.dataset.state = state;
    stateEl.textContent = STATE_TEXT[state] ?? state;
    if (call?.endReason) stateEl.dataset.reason = call.endReason;
    else delete stateEl.dataset.reason;
    const live = state === 'connected' || state === 'held';
    for (const button of active.querySelectorAll('button, select')) button.disabled = !live;
    byId('call-hangup').disabled = state === 'ended';
    holdButton.setAttribute('aria-pressed', String(state === 'held'));
    holdButton.textContent = state === 'held' ? 'Resume' : 'Hold';
    muteButton.setAttribute('aria-pressed', String(Boolean(call?.muted)));
    muteButton.textContent = call?.muted ? 'Unmute' : 'Mute';
  }

  /** The conversation whose voice leg is this call (the bridge keeps the Call-ID as the leg's `externalRef`). */
  async function findConversation(forCall) {
    for (let attempt = 0; attempt < 10 && call === forCall; attempt++) {
      try {
        const data = await api('/conversations', {
          query: { assigneeId: session.agent.id, status: 'active', limit: 50 },
        });
        const found = (data?.items ?? []).find((c) =>
          (c.legs ?? []).some(
            (leg) => leg.channel === 'voice' && leg.externalRef && forCall.id.startsWith(leg.externalRef),
          ),
        );
        if (found) return found.id;
      } catch {
        // Try again: the bridge assigns the conversation when Kamailio reports the answer.
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    return undefined;
  }

  /** Puts hold, mute and transfer on the conversation's timeline; a failed report is shown, the call goes on. */
  async function report(event, extra = {}) {
    if (!conversationId) return;
    try {
      await api(`/conversations/${encodeURIComponent(conversationId)}/call-events`, {
        method: 'POST',
        body: { eventId: crypto.randomUUID(), event, ...extra },
      });
    } catch (error) {
      toast(`The call event was not recorded: ${errorText(error)}`, 'error');
    }
  }

  function adopt(next) {
    call = next;
    conversationId = undefined;
    quality.hidden = true;
    next.on('state', ({ state }) => {
      if (next !== call) return;
      if (state !== 'ringing_in') stopRinging();
      if (state === 'connected' && !conversationId) {
        findConversation(next).then((id) => {
          if (next === call) conversationId = id;
        });
      }
      if (state === 'ended') announce(`Call ended (${next.endReason}).`);
      render();
    });
    next.on('muted', () => render());
    next.on('warning', ({ name }) => {
      quality.hidden = false;
      quality.dataset.warning = name;
      quality.textContent = `Call quality: ${QUALITY_TEXT[name] ?? name}.`;
    });
    next.on('warning_cleared', () => {
      quality.hidden = true;
      delete quality.dataset.warning;
    });
    render();
  }

  softphone.on('incoming', ({ call: next }) => {
    if (call && call.state !== 'ended') {
      next.reject(486); // Busy: one call at a time on this desk.
      return;
    }
    adopt(next);
    byId('call-caller').textContent = next.remoteDisplayName ?? next.remoteUri;
    announce(`Incoming call from ${next.remoteDisplayName ?? next.remoteUri}.`);
    chime();
    ringTimer = setInterval(chime, RING_EVERY_MS);
  });
  softphone.on('transferred', ({ to }) => adopt(to));

  /** Runs a call operation; an illegal or failed one becomes a toast. */
  const act = (operation) => async () => {
    if (!call) return;
    try {
      await operation(call);
    } catch (error) {
      toast(`Call: ${errorText(error)}`, 'error');
    }
    render();
  };

  function dtmf(tone) {
    act((c) => c.sendDtmf(tone, 'info'))();
  }

  byId('call-answer').addEventListener(
    'click',
    act((c) => c.answer()),
  );
  byId('call-reject').addEventListener(
    'click',
    act((c) => c.reject()),
  );
  byId('call-hangup').addEventListener(
    'click',
    act((c) => c.hangup()),
  );
  holdButton.addEventListener(
    'click',
    act(async (c) => {
      const hold = c.state !== 'held';
      await (hold ? c.hold() : c.unhold());
      await report(hold ? 'held' : 'resumed');
    }),
  );
  muteButton.addEventListener(
    'click',
    act(async (c) => {
      const mute = !c.muted;
      if (mute) c.mute();
      else c.unmute();
      await report(mute ? 'muted' : 'unmuted');
    }),
  );
  byId('call-transfer-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const target = transferTarget.value;
    if (!target) return;
    act(async (c) => {
      c.transfer(target);
      await report('transferred', { target, mode: 'blind' });
    })();
  });

  render();
  let wanted = false;
  return {
    /** Registers while the agent is Available, so routing can offer calls; unregisters otherwise. */
    setAvailable(available) {
      if (available === wanted) return;
      wanted = available;
      if (available) softphone.register();
      else softphone.unregister();
    },
  };
}
