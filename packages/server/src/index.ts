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
export { serverRoles } from './auth/server-roles.js';
export { jsonLinesLogger, maskForLog } from './logging/logger.js';
export { CANNED_RESPONSES_KEY, cannedResponseSchema, MAX_CANNED_RESPONSES } from './api/canned-responses.js';
export { MAX_WORKFLOW_FILTERS, WORKFLOW_KEY, workflowFilterSchema, workflowSchema } from './routing/workflows.js';
export { queueRoutingSettingsSchema } from './routing/queue-settings.js';
export { agentReportSchema, queueReportSchema } from './reports/live-report.js';
export { historyPointSchema } from './reports/queue-history.js';
export { summarySchema } from './reports/summary.js';
export { SERVER_WEBHOOK_EVENTS } from './webhooks/server-webhooks.js';
export { callEventBodySchema } from './voice/call-events-route.js';
export { VOICE_SECRET_HEADER, voiceEventRequestSchema, voiceRouteRequestSchema } from './voice/voice-options.js';

export type { HotlineServer } from './create-server.js';
export type { ServerRoles } from './auth/server-roles.js';
export type { HotlineServerOptions, ServerWebchatOptions } from './server-options.js';
export type { LogFields, LogLevel, ServerLog, ServerLogger } from './logging/logger.js';
export type {
  AccessTokenClaims,
  ApiKeyConfig,
  Authenticator,
  AuthenticatorOptions,
} from './auth/authenticate.js';
export type { Json, OpenApiInfo } from './openapi/openapi.js';
export type { AnyRoute, AuthenticatedPrincipal, HttpMethod, Out, RouteContext, RouteDefinition } from './http/route.js';
export type { ServerMetrics } from './metrics/metrics.js';
export type { CannedResponse } from './api/canned-responses.js';
export type { Workflow, WorkflowFilter } from './routing/workflows.js';
export type { QueueRoutingSettings } from './routing/queue-settings.js';
export type { AgentReport, QueueReport } from './reports/live-report.js';
export type { HistoryPoint } from './reports/queue-history.js';
export type { Summary } from './reports/summary.js';
export type { ServerWebhook, ServerWebhookDelivery } from './webhooks/server-webhooks.js';
export type { ServerVoiceOptions, VoiceEventAnswer, VoiceRouteAnswer, VoiceTrunk } from './voice/voice-options.js';
