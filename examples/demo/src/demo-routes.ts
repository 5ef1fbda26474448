import type { IncomingMessage, ServerResponse } from 'node:http';
import { signAgentToken } from '@hotline/channels';
import { type Agent, HotlineError, idSchema, type Storage, ValidationError } from '@hotline/core';
import { errorResponse, signAccessToken } from '@hotline/server';
import { DEMO_SITE_ID, DEMO_TENANT_ID, type HotlineSecrets } from '@hotline/server/cli';
import { z } from 'zod';

// ─── DEMO ONLY ──────────────────────────────────────────────────────────────────────
// Every seeded agent signs in with the password "demo". This stands in for your own
// login (SSO, your user table…), which issues the same two tokens after checking the
// person for real. Never expose it beyond a demo.
// ────────────────────────────────────────────────────────────────────────────────────

/** The password of every demo agent. */
export const DEMO_PASSWORD = 'demo';
/** Where the web chat gateway (customers and agents) listens. */
export const WS_PATH = '/hotline/webchat';

const loginSchema = z.strictObject({ agentId: idSchema, password: z.string().max(200) });
const rolesSchema = z.array(z.string().min(1).max(64)).max(20);
const MAX_BODY_BYTES = 4096;

/** What `/demo/login` and `/demo/config` need. */
export interface DemoRoutesOptions {
  storage: Storage;
  secrets: Pick<HotlineSecrets, 'jwtSecret' | 'agentSecret'>;
  /** Kamailio's WebSocket and the SIP domain while voice is on, else `null`. @default voice off */
  voice?: () => { wsUrl: string; sipDomain: string } | null;
}

/** An agent as the demo pages see it. */
interface DemoAgentView {
  id: string;
  name: string;
  roles: string[];
  languages: string[];
  skills: Record<string, number>;
}

function view(agent: Agent): DemoAgentView {
  const roles = rolesSchema.safeParse(agent.attributes.roles);
  return {
    id: agent.id,
    name: agent.name,
    roles: roles.success && roles.data.length > 0 ? roles.data : ['agent'],
    languages: agent.languages,
    skills: agent.skills,
  };
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
  });
  res.end(text);
}

async function readLogin(req: IncomingMessage): Promise<z.infer<typeof loginSchema>> {
  if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
    throw new ValidationError('send JSON: { agentId, password }', [{ path: '', message: 'application/json expected' }]);
  }
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HotlineError('PAYLOAD_TOO_LARGE', `at most ${MAX_BODY_BYTES} bytes`);
    chunks.push(chunk as Buffer);
  }
  let body: unknown;
  try {
    body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new ValidationError('the body is not JSON', [{ path: '', message: 'malformed JSON' }]);
  }
  const parsed = loginSchema.safeParse(body);
  if (!parsed.success) {
    throw new ValidationError(
      'expected { agentId, password }',
      parsed.error.issues.map((issue) => ({ path: issue.path.join('.'), message: issue.message })),
    );
  }
  return parsed.data;
}

/**
 * The demo's own endpoints, beside Hotline's:
 * - `POST /demo/login { agentId, password: 'demo' }` → `{ accessToken, agentToken, agent, sip? }`:
 *   a REST API token (JWT with the agent's roles), a web chat agent token, and with voice on
 *   the softphone's `sip: { uri, password: null }` (the reference Kamailio config does not
 *   authenticate REGISTER);
 * - `GET /demo/config` → `{ siteId, tenantId, wsPath, agents: [{ id, name, roles }], voice }`,
 *   `voice` being `{ wsUrl, sipDomain }` or `null`.
 *
 * Returns a handler that answers those paths (`true`) and leaves the rest (`false`).
 */
export function demoRoutes(options: DemoRoutesOptions): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { storage, secrets } = options;
  const voice = options.voice ?? (() => null);

  async function login(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const { agentId, password } = await readLogin(req);
    const agent = await storage.agents.get(DEMO_TENANT_ID, agentId);
    // One answer for an unknown agent and a wrong password: no guessing who exists.
    if (!agent || password !== DEMO_PASSWORD) {
      throw new HotlineError('UNAUTHENTICATED', 'wrong agent or password', { details: { reason: 'bad_credentials' } });
    }
    const me = view(agent);
    const [accessToken, agentToken] = await Promise.all([
      signAccessToken({ sub: me.id, tenantId: DEMO_TENANT_ID, roles: me.roles }, secrets.jwtSecret, {
        expiresIn: '12h',
      }),
      signAgentToken({ agentId: me.id, tenantId: DEMO_TENANT_ID, name: me.name, roles: me.roles }, secrets.agentSecret),
    ]);
    // The softphone's SIP identity. No password: the reference kamailio.cfg does not
    // authenticate REGISTER (loopback only); a real deployment checks credentials there.
    const sip = voice();
    send(res, 200, {
      accessToken,
      agentToken,
      agent: me,
      ...(sip ? { sip: { uri: `sip:${me.id}@${sip.sipDomain}`, password: null } } : {}),
    });
  }

  async function config(res: ServerResponse): Promise<void> {
    const agents = (await storage.agents.list(DEMO_TENANT_ID, { limit: 1000 })).items.map(view);
    send(res, 200, {
      siteId: DEMO_SITE_ID,
      tenantId: DEMO_TENANT_ID,
      wsPath: WS_PATH,
      agents: agents.map(({ id, name, roles }) => ({ id, name, roles })),
      voice: voice(),
    });
  }

  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    const route =
      path === '/demo/login' && req.method === 'POST'
        ? () => login(req, res)
        : path === '/demo/config' && (req.method === 'GET' || req.method === 'HEAD')
          ? () => config(res)
          : undefined;
    if (!route) {
      if (path !== '/demo/login' && path !== '/demo/config') return false;
      res.writeHead(405, { allow: path === '/demo/login' ? 'POST' : 'GET, HEAD' }).end();
      return true;
    }
    route().catch((error: unknown) => {
      const { status, body } = errorResponse(error);
      if (res.headersSent) res.destroy();
      else send(res, status, body);
    });
    return true;
  };
}
