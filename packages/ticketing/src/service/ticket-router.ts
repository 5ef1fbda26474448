import { type EventBus, NotFoundError } from '@hotline/core';
import { TICKET_PRIORITIES, type Ticket } from '../model/ticket.js';

// Routing as a port, so the service does not depend on @hotline/routing: the adapter
// below works on any object shaped like its RoutingEngine (structural typing).

/** An agent the router chose for a ticket's task. */
export interface TicketRoutingAssignment {
  tenantId: string;
  ticketId: string;
  taskId: string;
  agentId: string;
}

/**
 * Puts tickets in front of agents as routing tasks (skills, load, capacity).
 *
 * The service stores `routingTaskId` on the ticket before calling `route`, so an
 * assignment that arrives at once is matched to the ticket. Methods other than `route`
 * MUST be idempotent and MUST ignore unknown or finished tasks.
 */
export interface TicketRouter {
  /** Creates the routing task `ticket.routingTaskId` for the ticket. */
  route(ticket: Ticket & { routingTaskId: string }): Promise<void>;
  /** Withdraws a task nobody should take any more (a manual assignment, a merge). */
  cancel(tenantId: string, taskId: string, reason: string): Promise<void>;
  /** The ticket no longer needs its agent (solved, closed): frees the agent's capacity. */
  release(tenantId: string, taskId: string): Promise<void>;
  /** Registers the service's listener for agents chosen by routing; returns an unsubscribe. */
  onAssigned(listener: (assignment: TicketRoutingAssignment) => void): () => void;
}

/** The task input the adapter submits (a subset of `@hotline/routing`'s `TaskInput`). */
export interface TicketTaskInput {
  id: string;
  channel: 'email';
  kind: 'ticket';
  priority: number;
  attributes: Record<string, unknown>;
  queueId?: string;
  workflowId?: string;
}

/** What the adapter needs of a `RoutingEngine` (from `@hotline/routing`). */
export interface RoutingEngineLike {
  submit(input: TicketTaskInput): { id: string };
  cancel(taskId: string, reason?: string): unknown;
  complete(taskId: string): unknown;
  getTask(taskId: string): { status: string; attributes: Record<string, unknown> };
}

/** Options of {@link createRoutingEngineTicketRouter}. */
export interface RoutingEngineTicketRouterOptions {
  /** The tenant's engine (one `RoutingEngine` per tenant), or `undefined` when it routes nothing. */
  engineFor(tenantId: string): RoutingEngineLike | undefined;
  /** The bus the engines publish on (their `bus` option), where `task.assigned` arrives. */
  bus: EventBus;
  /** The queue, or a workflow, for a ticket. Give one. */
  route: (ticket: Ticket) => { queueId: string } | { workflowId: string };
  /**
   * Task priority (higher first). @default the priority's rank times 10 (low 0 … urgent 30)
   */
  priority?: (ticket: Ticket) => number;
  /**
   * Task attributes, which workflow filters and expressions read as `task.*`.
   * @default `{ ticketId, number, priority, groupId, tags, fields, requesterId }`
   */
  attributes?: (ticket: Ticket) => Record<string, unknown>;
}

function defaultAttributes(ticket: Ticket): Record<string, unknown> {
  return {
    number: ticket.number,
    priority: ticket.priority,
    tags: ticket.tags,
    fields: ticket.fields,
    requesterId: ticket.requesterId,
    ...(ticket.groupId === undefined ? {} : { groupId: ticket.groupId }),
  };
}

/**
 * A {@link TicketRouter} over `@hotline/routing`'s `RoutingEngine`: each ticket becomes an
 * `email`-channel task of kind `ticket`, so it counts against agents' email capacity and
 * follows the engine's skills, strategies and bullseye steps. When an agent accepts the
 * offer (`task.assigned`), the service sets the assignee with actor
 * `{ type: 'system', reason: 'routing' }`.
 *
 * @example
 * ```ts
 * import { RoutingEngine } from '@hotline/routing';
 *
 * const engine = new RoutingEngine({ tenantId, clock, bus: hotline.bus });
 * engine.defineQueue({ id: 'tier1', skills: { support: 1 } });
 * const router = createRoutingEngineTicketRouter({
 *   engineFor: (id) => (id === tenantId ? engine : undefined),
 *   bus: hotline.bus,
 *   route: () => ({ queueId: 'tier1' }),
 * });
 * const tickets = createTicketService({ hotline, store, router });
 * await tickets.routeThroughRouting(ctx, ticket.id);
 * ```
 */
export function createRoutingEngineTicketRouter(options: RoutingEngineTicketRouterOptions): TicketRouter {
  const priorityOf = options.priority ?? ((ticket: Ticket) => TICKET_PRIORITIES.indexOf(ticket.priority) * 10);
  const attributesOf = options.attributes ?? defaultAttributes;

  function engine(tenantId: string): RoutingEngineLike | undefined {
    return options.engineFor(tenantId);
  }

  function settleTask(tenantId: string, taskId: string, finish: (engine: RoutingEngineLike, status: string) => void) {
    const found = engine(tenantId);
    if (!found) return;
    let status: string;
    try {
      status = found.getTask(taskId).status;
    } catch {
      return; // unknown to this engine (a restart, another process): nothing to withdraw
    }
    finish(found, status);
  }

  return {
    async route(ticket) {
      const found = engine(ticket.tenantId);
      if (!found) throw new NotFoundError('routing engine', ticket.tenantId);
      found.submit({
        id: ticket.routingTaskId,
        channel: 'email',
        kind: 'ticket',
        priority: priorityOf(ticket),
        attributes: { ...attributesOf(ticket), ticketId: ticket.id },
        ...options.route(ticket),
      });
    },
    async cancel(tenantId, taskId, reason) {
      settleTask(tenantId, taskId, (found, status) => {
        if (status === 'pending' || status === 'reserved') found.cancel(taskId, reason);
        else if (status === 'assigned') found.complete(taskId);
      });
    },
    async release(tenantId, taskId) {
      settleTask(tenantId, taskId, (found, status) => {
        if (status === 'pending' || status === 'reserved') found.cancel(taskId, 'ticket_done');
        else if (status === 'assigned') found.complete(taskId);
      });
    },
    onAssigned(listener) {
      return options.bus.subscribe('*', (event) => {
        if ((event.type as string) !== 'task.assigned') return;
        const { taskId, agentId } = event as unknown as { taskId: string; agentId: string };
        const found = engine(event.tenantId);
        if (!found) return;
        let ticketId: unknown;
        try {
          ticketId = found.getTask(taskId).attributes['ticketId'];
        } catch {
          return;
        }
        if (typeof ticketId === 'string') listener({ tenantId: event.tenantId, ticketId, taskId, agentId });
      });
    },
  };
}
