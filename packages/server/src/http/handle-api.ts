import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from '@hotline/channels';
import { HotlineError, NotFoundError, type Policy, parseInput, type Resource } from '@hotline/core';
import type { Authenticator } from '../auth/authenticate.js';
import { readJsonBody } from './body.js';
import { sendError } from './respond.js';
import type { AnyRoute, RouteContext } from './route.js';
import type { Router } from './router.js';

/** What {@link handleApiRequest} needs. */
export interface ApiRequestDeps {
  router: Router;
  authenticate: Authenticator;
  policy: Policy;
  bodyLimitBytes: number;
}

/** Repeated query keys become arrays; single ones stay strings. */
function queryObject(params: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    out[key] = values.length === 1 ? (values[0] as string) : values;
  }
  return out;
}

function tenantMismatch(where: string): HotlineError {
  return new HotlineError('TENANT_MISMATCH', `the ${where} names another tenant than the credentials`, {
    details: { where },
  });
}

/**
 * Rejects input naming a tenant other than the caller's, wherever it appears at the top
 * level (path, query, body): tenant scoping comes from the credentials only.
 */
function checkTenant(tenantId: string, where: string, value: unknown): void {
  if (typeof value !== 'object' || value === null || !('tenantId' in value)) return;
  const named = (value as { tenantId: unknown }).tenantId;
  if (named !== undefined && named !== tenantId) throw tenantMismatch(where);
}

function defaultResource(route: AnyRoute, tenantId: string): Resource {
  return { type: route.action.split(':')[0] as string, tenantId };
}

/** What became of an API request, for metrics and the request log. */
export interface ApiOutcome {
  /** The route template, or `unmatched`. */
  route: string;
  status: number;
  /** The caller's tenant, once authenticated. */
  tenantId?: string;
  /** What made it a 5xx, for the log (the client only ever sees `INTERNAL`). */
  error?: unknown;
}

/**
 * Answers one API request: route, authenticate, validate, authorize, handle. Returns the
 * route template and status (`unmatched` with a 404 or 405 when no route matched).
 */
export async function handleApiRequest(
  deps: ApiRequestDeps,
  req: IncomingMessage,
  res: ServerResponse,
  url: URL,
): Promise<ApiOutcome> {
  let routePath = 'unmatched';
  let tenantId: string | undefined;
  try {
    const match = deps.router.match(req.method ?? 'GET', url.pathname);
    if (match === undefined) throw new NotFoundError('route', url.pathname);
    if (match === 'method_not_allowed') {
      sendJson(res, 405, {
        error: { code: 'VALIDATION_FAILED', message: `${req.method} is not allowed here`, details: {} },
      });
      return { route: routePath, status: 405 };
    }
    const { route } = match;
    routePath = route.path;
    const principal = await deps.authenticate(req);
    tenantId = principal.tenantId;
    checkTenant(tenantId, 'path', match.params);
    const query = queryObject(url.searchParams);
    checkTenant(tenantId, 'query', query);
    const rawBody = route.body || req.method !== 'GET' ? await readJsonBody(req, deps.bodyLimitBytes) : undefined;
    checkTenant(tenantId, 'body', rawBody);
    const ctx: RouteContext = {
      principal,
      tenantId,
      params: route.params ? parseInput(route.params, match.params, 'path parameters') : undefined,
      query: route.query ? parseInput(route.query, query, 'query') : undefined,
      body: route.body ? parseInput(route.body, rawBody, 'request body') : undefined,
      req,
    };
    const resource = route.resource ? await route.resource(ctx) : defaultResource(route, tenantId);
    deps.policy.authorize(principal, route.action, resource);
    const result = await route.handle(ctx);
    const status = route.status ?? 200;
    if (status === 204) res.writeHead(204).end();
    else sendJson(res, status, result);
    return { route: routePath, status, tenantId };
  } catch (error) {
    const status = sendError(res, error);
    return { route: routePath, status, ...(tenantId ? { tenantId } : {}), ...(status >= 500 ? { error } : {}) };
  }
}
