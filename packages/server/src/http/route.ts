import type { IncomingMessage } from 'node:http';
import type { Principal, Resource } from '@hotline/core';
import type { z } from 'zod';

/** HTTP methods the API uses. */
export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Who is calling: a person with a JWT, or an integration with an API key. */
export interface AuthenticatedPrincipal extends Principal {
  /** `user` for JWT bearers (agents, supervisors, admins), `integration` for API keys. */
  kind: 'user' | 'integration';
}

/** What a route handler receives: validated input and the caller, scoped to one tenant. */
export interface RouteContext<P = unknown, Q = unknown, B = unknown> {
  principal: AuthenticatedPrincipal;
  /** The caller's tenant: every read and write of the request happens in it. */
  tenantId: string;
  params: P;
  query: Q;
  body: B;
  req: IncomingMessage;
}

/** What a route receives for a request part: the zod schema's output, or `undefined` when the route declares none. */
export type Out<S> = S extends z.ZodType ? z.output<S> : undefined;

/**
 * One REST endpoint: its input schemas (which also make the OpenAPI document), the RBAC
 * action it needs and its handler. The router authenticates, validates, authorizes (with
 * the record `resource` loads, so ownership conditions apply) and only then handles.
 */
export interface RouteDefinition<
  P extends z.ZodType | undefined = z.ZodType | undefined,
  Q extends z.ZodType | undefined = z.ZodType | undefined,
  B extends z.ZodType | undefined = z.ZodType | undefined,
> {
  method: HttpMethod;
  /** With `{name}` parameters, as OpenAPI writes them: `/api/v1/agents/{agentId}`. */
  path: string;
  operationId: string;
  summary: string;
  tag: string;
  params?: P;
  query?: Q;
  body?: B;
  /** The success body, for the OpenAPI document. */
  response?: z.ZodType;
  /** The success status. @default 200 */
  status?: number;
  /** The RBAC action checked on every call (`agent:update`). */
  action: string;
  /**
   * The resource the action is checked against, loaded from storage so ownership
   * conditions (`assigned`, `self`) can hold. Throw `NotFoundError` for a missing record.
   * @default `{ type: <action's resource part>, tenantId }`
   */
  resource?(ctx: RouteContext<Out<P>, Out<Q>, Out<B>>): Promise<Resource> | Resource;
  handle(ctx: RouteContext<Out<P>, Out<Q>, Out<B>>): Promise<unknown>;
}

/** A route whose input types have been forgotten, as the router stores them. */
export type AnyRoute = RouteDefinition<z.ZodType | undefined, z.ZodType | undefined, z.ZodType | undefined>;

/** Declares a route with its handler typed from its schemas. */
export function defineRoute<
  P extends z.ZodType | undefined = undefined,
  Q extends z.ZodType | undefined = undefined,
  B extends z.ZodType | undefined = undefined,
>(route: RouteDefinition<P, Q, B>): AnyRoute {
  return route as unknown as AnyRoute;
}
