import type { TicketPriority, TicketStatus } from './ticket.js';

// Ticketing's domain events join core's one discriminated union by declaration merging,
// so `hotline.bus.subscribe('ticket.*', …)` is typed and webhooks carry them unchanged.

/** The SLA metrics a policy can target (Zendesk's names). */
export type SlaMetric = 'first_reply' | 'next_reply' | 'periodic_update' | 'resolution';

declare module '@hotline/core' {
  interface HotlineEventMap {
    'ticket.created': { ticketId: string; number: number; requesterId: string; priority: TicketPriority };
    /** Any write; `properties` lists what changed (`status`, `fields.plan`…), `actor` who did it. */
    'ticket.updated': { ticketId: string; version: number; properties: string[]; actor: string };
    'ticket.status_changed': { ticketId: string; from: TicketStatus; to: TicketStatus; actor: string };
    'ticket.assigned': { ticketId: string; assigneeId?: string; groupId?: string; actor: string };
    'ticket.commented': {
      ticketId: string;
      commentId: string;
      public: boolean;
      author: 'requester' | 'agent' | 'system';
    };
    'ticket.merged': { ticketId: string; survivorId: string };
    'ticket.sla_warning': { ticketId: string; policyId: string; metric: SlaMetric; dueAt: string };
    'ticket.sla_breached': { ticketId: string; policyId: string; metric: SlaMetric; dueAt: string };
    'ticket.approval_requested': { approvalId: string; ticketId?: string; operation: string; requestedBy: string };
    /**
     * One approver decided; `status` is the approval's status after the decision (`pending`
     * while more approvers are needed).
     */
    'ticket.approval_decided': {
      approvalId: string;
      decision: 'approved' | 'rejected';
      by: string;
      status?: 'pending' | 'approved' | 'rejected';
    };
    'ticket.csat_received': { ticketId: string; rating: 'good' | 'bad' };
    /** The ticket was solved: ask the requester how it went (once per solve). */
    'ticket.csat_requested': { ticketId: string; requesterId: string; solvedAt: string };
  }
}
