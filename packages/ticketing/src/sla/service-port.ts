import { OPEN_TICKET_STATUSES } from '../lifecycle/transitions.js';
import type { WriteContext } from '../model/ports.js';
import type { TicketService } from '../service/ticket-service.js';
import type { TicketStore } from '../store/ticket-store.js';
import type { SlaEscalationPort, SlaNotification } from './escalation.js';
import type { SlaSubject, SlaTicketSource } from './monitor.js';

// The SLA monitor wired to the ticket service: its events and escalations are written with
// `recordSla` (one `sla` history entry each, which the replay reads back, so an alarm
// fires once across restarts), and it reads tickets with their history from the store.

/** Options of {@link createServiceSlaPort}. */
export interface ServiceSlaPortOptions {
  /** The ticket service: every SLA event is one `recordSla` write. */
  service: Pick<TicketService, 'recordSla'>;
  /** Delivers `notify` escalations (the host's mailer or pager). @default none: notifications are dropped */
  notify?: (ctx: WriteContext, notification: SlaNotification) => Promise<void>;
}

/**
 * The {@link SlaEscalationPort} over the ticket service.
 *
 * @example
 * ```ts
 * const monitor = new SlaMonitor({
 *   clock, bus: hotline.bus, config, timers: hotline.timers,
 *   tickets: createStoreSlaSource({ store, tenants: () => ['ten_acme'] }),
 *   actions: createServiceSlaPort({ service: tickets, notify: pager.send }),
 * });
 * ```
 */
export function createServiceSlaPort(options: ServiceSlaPortOptions): SlaEscalationPort {
  const { service, notify } = options;
  return {
    async update(ctx, ticketId, write) {
      await service.recordSla(ctx, ticketId, { changes: write.changes, meta: write.meta });
    },
    async notify(ctx, notification) {
      await notify?.(ctx, notification);
    },
  };
}

/** Options of {@link createStoreSlaSource}. */
export interface StoreSlaSourceOptions {
  store: Pick<TicketStore, 'get' | 'history' | 'list'>;
  /**
   * The tenants whose open tickets `loadOpen` reads (a rebuild). With durable timers the
   * alarms fire without a rebuild; the rebuild fills the in-memory due index and moves
   * due times after a policy or calendar change.
   * @default none (no rebuild)
   */
  tenants?: () => Iterable<string> | Promise<Iterable<string>>;
}

const PAGE = 500;
const TRACKED = [...OPEN_TICKET_STATUSES, 'solved' as const];

/**
 * The {@link SlaTicketSource} over a ticket store: one ticket with its history, and every
 * not yet closed ticket of the given tenants, page by page.
 */
export function createStoreSlaSource(options: StoreSlaSourceOptions): SlaTicketSource {
  const { store } = options;
  return {
    async load(tenantId, ticketId) {
      const ticket = await store.get(tenantId, ticketId);
      return ticket && { ticket, history: await store.history(tenantId, ticketId) };
    },
    async *loadOpen(): AsyncGenerator<SlaSubject> {
      for (const tenantId of (await options.tenants?.()) ?? []) {
        let cursor: string | undefined;
        do {
          const page = await store.list(
            tenantId,
            { status: TRACKED },
            { limit: PAGE, ...(cursor === undefined ? {} : { cursor }) },
          );
          for (const ticket of page.items) yield { ticket, history: await store.history(tenantId, ticket.id) };
          cursor = page.nextCursor;
        } while (cursor !== undefined);
      }
    },
  };
}
