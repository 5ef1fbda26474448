/**
 * A page's softphone (`createSoftphone` from the `@hotline/telephony` bundle) behind the
 * small `window.phone` API the browser call tests drive. Settings come from the query
 * string: `user`, `domain`, `ws` and `register=1` for agents.
 */
import { type Call, createSoftphone, type Softphone } from '@hotline/telephony';
import type { MediaCounters, PageCall, PagePhone, PhoneSnapshot } from './phone-api.js';

/** The page's settings, from its query string. */
export const settings = (() => {
  const query = new URLSearchParams(location.search);
  return {
    user: query.get('user') ?? 'caller',
    domain: query.get('domain') ?? 'hotline.test',
    ws: query.get('ws') ?? '',
    register: query.get('register') === '1',
  };
})();

function describe(call: Call): PageCall {
  const { id, direction, state, endReason, muted, remoteUri } = call;
  return { id, direction, state, endReason, muted, remoteUri };
}

type Report = Record<string, unknown>;

/** RTP byte counters and the selected ICE candidate pair's addresses, from `getStats` reports. */
function countMedia(reports: readonly Report[]): MediaCounters {
  const counters: MediaCounters = { bytesSent: 0, bytesReceived: 0, inboundEnergy: 0, path: [] };
  const byId = new Map(reports.map((report) => [String(report.id), report]));
  for (const report of reports) {
    if (report.type === 'transport' && typeof report.selectedCandidatePairId === 'string') {
      const pair = byId.get(report.selectedCandidatePairId);
      for (const side of ['localCandidateId', 'remoteCandidateId']) {
        const candidate = byId.get(String(pair?.[side]));
        counters.path.push(String(candidate?.address ?? candidate?.ip));
      }
    }
    if (report.kind !== 'audio') continue;
    if (report.type === 'outbound-rtp') counters.bytesSent += Number(report.bytesSent ?? 0);
    if (report.type === 'inbound-rtp') {
      counters.bytesReceived += Number(report.bytesReceived ?? 0);
      counters.inboundEnergy += Number(report.totalAudioEnergy ?? 0);
    }
  }
  return counters;
}

/** Starts the page's softphone and sets `window.phone`. */
export function startPagePhone(): { softphone: Softphone; dial(target: string, headers: string[]): Call } {
  const remote = document.getElementById('remote') as HTMLAudioElement;
  const softphone = createSoftphone({
    uri: `sip:${settings.user}@${settings.domain}`,
    wsServers: settings.ws,
    iceGatheringTimeoutMs: 1_000,
    reconnect: { minIntervalMs: 1_000, maxIntervalMs: 2_000 },
    registrationRetryMs: 500,
    audioSinks: { call: remote },
  });
  const calls: Call[] = [];
  const dtmf: string[] = [];
  const remoteHold: boolean[] = [];
  let connection = 'disconnected';
  let registration = 'unregistered';
  let registrations = 0;
  const track = (call: Call) => {
    if (calls.includes(call)) return;
    calls.push(call);
    call.on('dtmf', ({ tone }) => dtmf.push(tone));
    call.on('remote_hold', ({ held }) => remoteHold.push(held));
  };
  softphone.on('connection', ({ state }) => {
    connection = state;
  });
  softphone.on('registration', ({ state }) => {
    registration = state;
    if (state === 'registered') registrations += 1;
  });
  softphone.on('incoming', ({ call }) => track(call));
  softphone.on('transferred', ({ to }) => track(to));
  const dial = (target: string, headers: string[]): Call => {
    const call = softphone.call(target, { extraHeaders: headers });
    track(call);
    return call;
  };
  const current = (): Call => {
    const live = calls.filter((call) => call.state !== 'ended');
    const call = live.at(-1) ?? calls.at(-1);
    if (!call) throw new Error(`${settings.user} has no call`);
    return call;
  };
  const phone: PagePhone = {
    snapshot: (): PhoneSnapshot => ({
      connection,
      registration,
      registrations,
      calls: calls.map(describe),
      dtmf: [...dtmf],
      remoteHold: [...remoteHold],
    }),
    answer: () => current().answer(),
    hangup: () => current().hangup(),
    hold: () => current().hold(),
    unhold: () => current().unhold(),
    mute: () => current().mute(),
    unmute: () => current().unmute(),
    sendDtmf: (tones) => current().sendDtmf(tones, 'info'),
    transfer: (target) => current().transfer(target),
    dial: (target, headers) => dial(target, headers).id,
    media: async (): Promise<MediaCounters> => {
      const reports: Report[] = [];
      const stats = await current().peerConnection?.getStats();
      stats?.forEach((report: Report) => {
        reports.push(report);
      });
      return countMedia(reports);
    },
  };
  (window as unknown as { phone: PagePhone }).phone = phone;
  // The conference test drives the softphone itself (its calls, `conference`).
  (window as unknown as { softphone: Softphone }).softphone = softphone;
  if (settings.register) softphone.register();
  else softphone.start();
  return { softphone, dial };
}
