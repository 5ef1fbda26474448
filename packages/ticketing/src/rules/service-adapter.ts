import { isHotlineError, UnavailableError } from '@hotline/core';
import { OPEN_TICKET_STATUSES } from '../lifecycle/transitions.js';
import type { WriteContext } from '../model/ports.js';
import type { TicketService } from '../service/ticket-service.js';
import type { TicketStore } from '../store/ticket-store.js';
import type { AutomationCandidate, RuleEffects, RuleNotification, RuleReader, RuleWebhook } from './ports.js';

/** Options of {@link createServiceRuleAdapter}. */
export interface ServiceRuleAdapterOptions {
  /** The ticket service: every rule write goes through it (validation, lifecycle, audit, hooks). */
  service: Pick<TicketService, 'update' | 'get' | 'history'>;
  /** The service's store, for reads the service does not expose (a comment by id, open tickets by page). */
  store: Pick<TicketStore, 'getComment' | 'list'>;
  /** Sends a notification (the host's mailer). @default none: `notify` actions fail with `UNAVAILABLE` events */
  notify?: (ctx: WriteContext, notification: RuleNotification) => Promise<void>;
  /** Hands a payload to the webhook outbox (the integrations module). @default none: `webhook` actions fail with `UNAVAILABLE` events */
  webhook?: (ctx: WriteContext, delivery: RuleWebhook) => Promise<void>;
  /** Display names for templates. @default none (names render empty) */
  displayName?: RuleReader['displayName'];
}

const PAGE = 500;

/**
 * Connects the rules engine to the ticket service: rule writes become service writes
 * (attributed to the rule by `ctx.actor`), reads come from the service and its store.
 *
 * One write per rule: a rule's property changes, its comment (written as `system`, or as
 * the agent applying a macro) and its `meta` (`{ rule, ruleId, macroIds? }`) are one
 * `service.update`, so the history shows one entry per fired rule.
 *
 * @example
 * ```ts
 * const { effects, reader } = createServiceRuleAdapter({ service: tickets, store, notify: mailer.send, webhook: outbox.enqueue });
 * const rules = createRulesEngine({ clock, effects, reader });
 * ```
 */
export function createServiceRuleAdapter(options: ServiceRuleAdapterOptions): {
  effects: RuleEffects;
  reader: RuleReader;
} {
  const { service, store } = options;
  const effects: RuleEffects = {
    async update(ctx, ticketId, changes) {
      const { comment, meta, ...properties } = changes;
      return service.update(ctx, ticketId, {
        changes: properties,
        ...(comment === undefined ? {} : { comment: { body: comment.body, public: comment.public } }),
        ...(meta === undefined ? {} : { meta }),
      });
    },
    async comment(ctx, ticketId, comment) {
      const { meta, ...body } = comment;
      return service.update(ctx, ticketId, {
        changes: {},
        comment: { body: body.body, public: body.public },
        ...(meta === undefined ? {} : { meta }),
      });
    },
    async notify(ctx, notification) {
      if (options.notify === undefined) throw new UnavailableError('no notifier configured for rule notifications');
      await options.notify(ctx, notification);
    },
    async webhook(ctx, delivery) {
      if (options.webhook === undefined) throw new UnavailableError('no webhook sink configured for rule webhooks');
      await options.webhook(ctx, delivery);
    },
  };
  const reader: RuleReader = {
    async get(tenantId, ticketId) {
      try {
        return await service.get({ tenantId }, ticketId);
      } catch (error) {
        if (isHotlineError(error, 'NOT_FOUND')) return undefined;
        throw error;
      }
    },
    history: (tenantId, ticketId) => service.history({ tenantId }, ticketId),
    async commentBody(tenantId, ticketId, commentId) {
      const comment = await store.getComment(tenantId, commentId);
      return comment?.ticketId === ticketId ? comment.body : undefined;
    },
    ...(options.displayName && { displayName: options.displayName }),
    async *listCandidates(tenantId): AsyncIterable<AutomationCandidate> {
      let cursor: string | undefined;
      do {
        const page = await store.list(
          tenantId,
          { status: OPEN_TICKET_STATUSES.concat('solved') },
          {
            limit: PAGE,
            ...(cursor === undefined ? {} : { cursor }),
          },
        );
        for (const ticket of page.items) yield { ticket };
        cursor = page.nextCursor;
      } while (cursor !== undefined);
    },
  };
  return { effects, reader };
}
