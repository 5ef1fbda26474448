/**
 * The demo sign-in, shared by the agent desk and the wallboard: the demo server's
 * `/demo/config` and `/demo/login` (demo only: every seeded agent's password is `demo`),
 * and the session kept in sessionStorage (gone when the tab closes; never in a cookie).
 */

const KEY = 'hotline.demo.session';
const REASON_KEY = 'hotline.demo.signedOut';
let config;

/** `{ siteId, tenantId, wsPath, agents: [{ id, name, roles }] }`, fetched once. */
export async function loadConfig() {
  if (!config) {
    const res = await fetch('/demo/config', { headers: { accept: 'application/json' } });
    if (!res.ok) throw new Error(`the demo configuration did not load (HTTP ${res.status})`);
    config = await res.json();
  }
  return config;
}

/** The stored session `{ accessToken, agentToken, agent: { id, name, roles }, sip? }`, or undefined. */
export function getSession() {
  try {
    const session = JSON.parse(sessionStorage.getItem(KEY) ?? 'null');
    return session?.accessToken && session?.agentToken && session?.agent?.id ? session : undefined;
  } catch {
    return undefined;
  }
}

/** Forgets the session (sign out, or a token the server no longer takes). */
export function clearSession() {
  sessionStorage.removeItem(KEY);
}

/** Signs out (clears the session and reloads the page); `reason` is shown on the sign-in form. */
export function signOut(reason) {
  clearSession();
  if (reason) sessionStorage.setItem(REASON_KEY, reason);
  location.reload();
}

/** Why the last sign-out happened (once), for the sign-in form. */
export function takeSignOutReason() {
  const reason = sessionStorage.getItem(REASON_KEY) ?? undefined;
  sessionStorage.removeItem(REASON_KEY);
  return reason;
}

/** Signs in with the demo login; stores and returns the session, or throws with the server's message. */
export async function login(agentId, password) {
  const res = await fetch('/demo/login', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ agentId, password }),
  });
  const body = await res.json().catch(() => undefined);
  if (!res.ok) {
    const message = res.status === 401 ? 'Wrong agent or password.' : body?.error?.message;
    throw new Error(message ?? `Sign-in failed (HTTP ${res.status}).`);
  }
  // `sip` (the softphone's identity) only while the demo has voice.
  const session = { accessToken: body.accessToken, agentToken: body.agentToken, agent: body.agent, sip: body.sip };
  sessionStorage.setItem(KEY, JSON.stringify(session));
  return session;
}

/** Whether the agent may watch the wallboard (the server checks again: this only hides links). */
export function isSupervisor(agent) {
  const roles = agent?.roles ?? [];
  return roles.includes('supervisor') || roles.includes('admin');
}

/** The agent WebSocket URL on this page's host: `ws(s)://host/<wsPath>`. */
export function socketUrl(wsPath) {
  const url = new URL(wsPath || '/hotline/webchat', location.href);
  url.protocol = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return url.href;
}
