/**
 * The supervisor wallboard of the Hotline demo: per queue waiting, oldest wait (ticking),
 * service level, ASA, answered and abandoned, agents by state, live from the AgentDesk
 * `monitor()` pushes (or polling the reports API every 5 s when they are not there), and
 * charts of the last hour from `/api/v1/reports/history`, refreshed every minute.
 */
import { api, errorText } from '/agent/api.js';
import { byId, fill, h, show, toast } from '/agent/dom.js';
import { duration, label } from '/agent/format.js';
import { signIn } from '/agent/login.js';
import {
  clearSession,
  getSession,
  isSupervisor,
  loadConfig,
  signOut,
  socketUrl,
  takeSignOutReason,
} from '/agent/session.js';
import { AgentDesk } from '/static/hotline-client.js';
import { drawLineChart, seriesColor } from './charts.js';

const POLL_MS = 5000;
const HISTORY_MS = 60_000;
const STATES = ['available', 'busy', 'away', 'offline'];

/** One shape for a queue, from a `stats` push (routing's QueueStats + name) or from `/reports/queues`. */
function queueFigures(q) {
  const counters = q.window ?? q;
  const agents = q.agents ?? {};
  return {
    queueId: q.queueId,
    name: q.name ?? q.queueId,
    open: q.open !== false,
    waiting: q.waiting ?? 0,
    oldestWaitSeconds: q.oldestWaitSeconds ?? 0,
    serviceLevel: counters.serviceLevel ?? 1,
    asaSeconds: counters.asaSeconds ?? 0,
    answered: counters.answered ?? 0,
    abandoned: counters.abandoned ?? 0,
    available: agents.available ?? 0,
    busy: (agents.busy ?? 0) + (agents.wrap_up ?? 0),
  };
}

/** An agent's state as the wallboard groups it: routing's presence, wrap-up counted as busy. */
function agentState(agent) {
  if (agent.presence) return agent.presence === 'wrap_up' ? 'busy' : agent.presence;
  if ((agent.active ?? 0) > 0) return 'busy';
  if (agent.activity === 'available') return 'available';
  return agent.activity === 'offline' ? 'offline' : 'away';
}

async function main() {
  let session = getSession();
  let notice = takeSignOutReason();
  while (!session || !isSupervisor(session.agent)) {
    if (session) {
      clearSession();
      notice = `${session.agent.name ?? session.agent.id} is not a supervisor: the wallboard needs the supervisor role.`;
    }
    session = await signIn({
      product: 'Wallboard',
      who: 'Supervisor',
      note: "Demo only: sign in as a supervisor; every seeded agent's password is ",
      prefer: isSupervisor,
      notice,
    });
  }
  const config = await loadConfig();
  openBoard(session, config);
}

function openBoard(session, config) {
  show(byId('board-view'), true);
  byId('me-name').textContent = session.agent.name ?? session.agent.id;
  byId('sign-out').addEventListener('click', () => signOut());

  /** queueId → { figures, receivedAt } */
  const queues = new Map();
  /** agentId → agent: every agent from the reports API, updated by the live pushes (which list only the agents routing knows). */
  const agents = new Map();
  const tiles = byId('tiles');
  const mode = byId('live-state');

  function setMode(next, text) {
    mode.dataset.state = next;
    mode.textContent = text;
  }

  function tile(q) {
    const figure = (name, testid, extra) =>
      h('div', { class: 'figure' }, h('dt', {}, name), h('dd', { testid, class: extra }, '–'));
    return h(
      'article',
      {
        class: 'tile card',
        testid: 'queue-tile',
        dataset: { queueId: q.queueId },
        'aria-labelledby': `q-${q.queueId}`,
      },
      h(
        'header',
        { class: 'tile-head' },
        h('h2', { id: `q-${q.queueId}` }, q.name),
        h('span', { class: 'pill open-state' }, ''),
      ),
      h('p', { class: 'waiting' }, h('span', { testid: 'waiting', class: 'big' }, '0'), h('span', {}, ' waiting')),
      h(
        'dl',
        { class: 'figures' },
        figure('Oldest wait', 'oldest-wait', 'mono'),
        figure('Service level', 'service-level'),
        figure('Avg. answer', 'asa'),
        figure('Answered', 'answered'),
        figure('Abandoned', 'abandoned'),
        h(
          'div',
          { class: 'figure wide' },
          h('dt', {}, 'Agents'),
          h(
            'dd',
            {},
            h('span', { testid: 'agents-available' }, '0'),
            ' available · ',
            h('span', { testid: 'agents-busy' }, '0'),
            ' busy',
          ),
        ),
      ),
    );
  }

  function set(el, text, value) {
    if (el.textContent !== text) el.textContent = text;
    el.dataset.value = String(value);
  }

  function renderTiles() {
    const sorted = [...queues.values()].sort((a, b) => a.figures.name.localeCompare(b.figures.name));
    for (const { figures: q } of sorted) {
      let el = tiles.querySelector(`[data-queue-id="${CSS.escape(q.queueId)}"]`);
      if (!el) el = tiles.appendChild(tile(q));
      const field = (id) => el.querySelector(`[data-testid="${id}"]`);
      set(field('waiting'), String(q.waiting), q.waiting);
      const sl = Math.round(q.serviceLevel * 100);
      set(field('service-level'), `${sl}%`, q.serviceLevel);
      field('service-level').classList.toggle('bad', sl < 60);
      field('service-level').classList.toggle('warn', sl >= 60 && sl < 80);
      set(field('asa'), `${Math.round(q.asaSeconds)} s`, q.asaSeconds);
      set(field('answered'), String(q.answered), q.answered);
      set(field('abandoned'), String(q.abandoned), q.abandoned);
      set(field('agents-available'), String(q.available), q.available);
      set(field('agents-busy'), String(q.busy), q.busy);
      const open = el.querySelector('.open-state');
      open.textContent = q.open ? 'Open' : 'Closed';
      open.classList.toggle('closed', !q.open);
      el.classList.toggle('has-waiting', q.waiting > 0);
    }
    for (const el of tiles.querySelectorAll('[data-queue-id]')) if (!queues.has(el.dataset.queueId)) el.remove();
    show(byId('tiles-empty'), queues.size === 0);
    tick();
  }

  /** Every second: the oldest waits grow between updates, and the clock. */
  function tick() {
    const now = Date.now();
    for (const { figures: q, receivedAt } of queues.values()) {
      const el = tiles.querySelector(`[data-queue-id="${CSS.escape(q.queueId)}"] [data-testid="oldest-wait"]`);
      if (!el) continue;
      const seconds = q.waiting > 0 ? q.oldestWaitSeconds + (now - receivedAt) / 1000 : 0;
      set(el, duration(seconds), Math.floor(seconds));
      el.classList.toggle('bad', seconds >= 120);
      el.classList.toggle('warn', seconds >= 30 && seconds < 120);
    }
    byId('clock').textContent = new Date(now).toLocaleTimeString();
  }

  function renderAgents() {
    const counts = Object.fromEntries(STATES.map((state) => [state, 0]));
    for (const agent of agents.values()) counts[agentState(agent)]++;
    fill(
      byId('agent-counts'),
      STATES.map((state) =>
        h(
          'li',
          { class: `count state-${state}`, testid: 'agent-count', dataset: { state, value: String(counts[state]) } },
          h('span', { class: 'big' }, String(counts[state])),
          h('span', {}, label(state)),
        ),
      ),
    );
    const sorted = [...agents.values()].sort(
      (a, b) =>
        STATES.indexOf(agentState(a)) - STATES.indexOf(agentState(b)) ||
        String(a.name ?? a.agentId).localeCompare(String(b.name ?? b.agentId)),
    );
    fill(
      byId('agent-rows'),
      sorted.map((agent) => {
        const state = agentState(agent);
        return h(
          'tr',
          { testid: 'agent-row', dataset: { agentId: agent.agentId, state } },
          h('th', { scope: 'row' }, agent.name ?? agent.agentId),
          h('td', {}, h('span', { class: `pill state-${state}` }, label(state))),
          h('td', {}, label(agent.activity ?? '')),
          h('td', { class: 'num' }, `${agent.active ?? 0} / ${agent.capacity ?? 0}`),
        );
      }),
    );
  }

  function applyQueues(list) {
    const receivedAt = Date.now();
    queues.clear();
    for (const q of list ?? []) queues.set(q.queueId, { figures: queueFigures(q), receivedAt });
    renderTiles();
  }

  /** A `stats` snapshot `{ queues, agents, at }` (pushed, or the `monitor` reply). */
  function applySnapshot(snapshot) {
    if (!snapshot) return;
    applyQueues(snapshot.queues);
    for (const agent of snapshot.agents ?? []) agents.set(agent.agentId, { ...agents.get(agent.agentId), ...agent });
    renderAgents();
    byId('updated').textContent = `Last change ${new Date().toLocaleTimeString()}`;
  }

  let pollTimer;
  let failing = false;
  async function poll() {
    try {
      const [q, a] = await Promise.all([api('/reports/queues'), api('/reports/agents')]);
      failing = false;
      if (mode.dataset.state !== 'live') setMode('polling', `Polling every ${POLL_MS / 1000} s`);
      // The reports' agents have no `presence`: drop a stale one from an earlier push.
      applySnapshot({ queues: q.queues, agents: a.agents.map((agent) => ({ ...agent, presence: undefined })) });
    } catch (error) {
      setMode('closed', 'Not updating');
      // Once per outage, not every 5 s.
      if (!failing) toast(`Reports did not load: ${errorText(error)}`, 'error');
      failing = true;
    }
  }
  function startPolling() {
    if (pollTimer) return;
    setMode('polling', `Polling every ${POLL_MS / 1000} s`);
    poll();
    pollTimer = setInterval(poll, POLL_MS);
  }
  function stopPolling() {
    clearInterval(pollTimer);
    pollTimer = undefined;
  }

  const desk = new AgentDesk({ url: socketUrl(config.wsPath), agentToken: session.agentToken });
  desk.on('stats', (snapshot) => {
    applySnapshot(snapshot);
    if (pollTimer) stopPolling();
    setMode('live', 'Live');
  });
  let monitoring = false;
  /** Asks for live figures once: the client subscribes again by itself after a reconnection. */
  async function monitor() {
    if (monitoring) return;
    if (typeof desk.monitor !== 'function') return startPolling();
    monitoring = true;
    try {
      applySnapshot(await desk.monitor(true));
      stopPolling();
      setMode('live', 'Live');
    } catch (error) {
      monitoring = false;
      toast(`Live updates unavailable (${errorText(error)}): polling instead.`, 'error');
      startPolling();
    }
  }
  desk.on('state', (state) => {
    // While reconnecting, the reports API fills in; the next `stats` push switches back to live.
    if (state === 'open') monitor();
    else if (state === 'reconnecting' || state === 'closed') startPolling();
  });
  desk.on('error', (error) => {
    if (error.fatal && error.code === 'UNAUTHENTICATED') signOut('Your session expired: please sign in again.');
  });
  startPolling();
  desk.connect().catch(() => startPolling());
  setInterval(tick, 1000);

  // Charts of the last hour.
  const waitingCanvas = byId('chart-waiting');
  const slCanvas = byId('chart-sl');
  let history;
  function drawCharts() {
    if (!history) return;
    const to = history.at ?? Date.now();
    const from = to - (history.minutes ?? 60) * 60_000;
    const ordered = [...history.queues].sort((a, b) => nameOf(a.queueId).localeCompare(nameOf(b.queueId)));
    const series = (pick) => ordered.map((q) => ({ points: (q.points ?? []).map((p) => [p.minute, pick(p)]) }));
    drawLineChart(waitingCanvas, {
      series: series((p) => p.waiting),
      from,
      to,
      empty: 'No samples yet (one a minute)',
    });
    drawLineChart(slCanvas, {
      series: series((p) => p.serviceLevel * 100),
      from,
      to,
      yMax: 100,
      yFormat: (v) => `${v}%`,
      empty: 'No samples yet (one a minute)',
    });
    fill(
      byId('legend'),
      ordered.map((q, i) => {
        const swatch = h('span', { class: 'swatch', 'aria-hidden': 'true' });
        swatch.style.backgroundColor = seriesColor(i); // CSSOM, not a style attribute: the CSP allows it
        return h('li', {}, swatch, nameOf(q.queueId));
      }),
    );
    const latest = (pick, format) =>
      ordered
        .map((q) => {
          const last = q.points?.at(-1);
          return last ? `${nameOf(q.queueId)} ${format(pick(last))}` : undefined;
        })
        .filter(Boolean)
        .join(', ') || 'no samples yet';
    waitingCanvas.setAttribute(
      'aria-label',
      `Waiting per minute, last hour. Latest: ${latest((p) => p.waiting, String)}.`,
    );
    slCanvas.setAttribute(
      'aria-label',
      `Service level per minute, last hour. Latest: ${latest(
        (p) => p.serviceLevel,
        (v) => `${Math.round(v * 100)}%`,
      )}.`,
    );
  }
  function nameOf(queueId) {
    return queues.get(queueId)?.figures.name ?? queueId;
  }
  async function loadHistory() {
    try {
      history = await api('/reports/history', { query: { minutes: 60 } });
      drawCharts();
    } catch (error) {
      toast(`Charts did not load: ${errorText(error)}`, 'error');
    }
  }
  loadHistory();
  setInterval(loadHistory, HISTORY_MS);
  new ResizeObserver(() => drawCharts()).observe(byId('charts'));
}

main().catch((error) => {
  toast(`The wallboard did not start: ${errorText(error)}`, 'error');
  console.error(error);
});
