import type { Agent } from '@hotline/core';
import type { NoticeHub } from './notices.js';
import type { DispatchErrorContext, RoutingAgentProfile } from './options.js';
import type { SyncContext } from './sync.js';

/** What the dispatcher's jobs share: core, the clock, notices, options and error reporting. */
export interface DispatchContext extends SyncContext {
  notices: NoticeHub;
  report(error: unknown, context: DispatchErrorContext): void;
  /** The workflow for conversations enqueued without a queue, if the host configured one. */
  workflowOf(tenantId: string): string | undefined;
  agentProfile(agent: Agent): RoutingAgentProfile;
}
