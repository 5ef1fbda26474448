import type { AnyRoute } from '../http/route.js';
import { agentRoutes } from './agent-routes.js';
import type { ApiDeps } from './api-deps.js';
import { cannedResponseRoutes } from './canned-response-routes.js';
import { contactOverviewRoute } from './contact-overview-route.js';
import { contactRoutes } from './contact-routes.js';
import { conversationActionRoutes } from './conversation-action-routes.js';
import { conversationRoutes } from './conversation-routes.js';
import { queueRoutes } from './queue-routes.js';
import { reportRoutes } from './report-routes.js';
import { tenantRoutes } from './tenant-routes.js';
import { ticketRoutes } from './ticket-routes.js';
import { workflowRoutes } from './workflow-routes.js';

/** Every route of the REST API under `/api/v1`. */
export function apiRoutes(deps: ApiDeps): AnyRoute[] {
  return [
    ...tenantRoutes(deps),
    ...agentRoutes(deps),
    ...queueRoutes(deps),
    ...workflowRoutes(deps),
    ...conversationRoutes(deps),
    ...conversationActionRoutes(deps),
    ...contactRoutes(deps),
    contactOverviewRoute(deps),
    ...ticketRoutes(deps),
    ...cannedResponseRoutes(deps),
    ...reportRoutes(deps),
  ];
}
