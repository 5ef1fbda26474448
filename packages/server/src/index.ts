/**
 * `@hotline/server`: core, routing, ticketing and the web chat gateway composed into one
 * Node HTTP server, with a REST API (JWT and API-key auth, RBAC, tenant scoping), an
 * OpenAPI 3.1 document, health checks and Prometheus metrics.
 *
 * @packageDocumentation
 */

export { createHotlineServer } from './create-server.js';
export { createAuthenticator, MIN_JWT_SECRET_BYTES, signAccessToken } from './auth/authenticate.js';
export { OPERATOR_ROLE } from './api/tenant-routes.js';
export { buildOpenApiDocument } from './openapi/openapi.js';
export { errorResponse } from './http/respond.js';

export type { HotlineServer } from './create-server.js';
export type { HotlineServerOptions, ServerLogger, ServerWebchatOptions } from './server-options.js';
export type {
  AccessTokenClaims,
  ApiKeyConfig,
  Authenticator,
  AuthenticatorOptions,
} from './auth/authenticate.js';
export type { Json, OpenApiInfo } from './openapi/openapi.js';
export type { AnyRoute, AuthenticatedPrincipal, HttpMethod, Out, RouteContext, RouteDefinition } from './http/route.js';
export type { ServerMetrics } from './metrics/metrics.js';
