import { type EventPattern, UnavailableError } from '@hotline/core';
import type { AfterWriteHook, TicketGuard, WriteContext } from './model/ports.js';
import { createRulesEngine, type RulesEngine, type RulesEngineOptions } from './rules/rules-engine.js';
import { type AutomationScheduler, createAutomationScheduler } from './rules/scheduler.js';
import { createServiceRuleAdapter, type ServiceRuleAdapterOptions } from './rules/service-adapter.js';
import type { TicketServiceOptions } from './service/options.js';
import { createTicketService, type TicketService } from './service/ticket-service.js';
import type { SlaNotification } from './sla/escalation.js';
import { type SlaConfig, SlaMonitor, type SlaMonitorOptions } from './sla/monitor.js';
import { createServiceSlaPort, createStoreSlaSource } from './sla/service-port.js';
import { createMemoryTicketStore } from './store/memory-ticket-store.js';
import type { TicketStore } from './store/ticket-store.js';
import { createWebhookPublisher, type WebhookPublisher } from './webhooks/publisher.js';
import { createWebhookRelay, type WebhookRelay, type WebhookRelayOptions } from './webhooks/relay.js';
import { resolveSubscriptionSource, type WebhookSubscriptionSource } from './webhooks/subscription-store.js';

// One call that composes the package: the ticket service (the only writer), access
// control, the rules engine, the SLA monitor and the webhook outbox, with the after-write
// hooks in a fixed order and one start / close for everything that runs on its own.

/** Rules options of {@link createTicketing}. */
export interface TicketingRulesOptions extends Pick<RulesEngineOptions, 'registry' | 'limits' | 'ledger' | 'onEvent'> {
  /** Sends rule notifications (the host's mailer). @default none: `notify` actions fail and are reported through `onEvent` */
  notify?: ServiceRuleAdapterOptions['notify'];
  /** Display names for templates (`{{requester.name}}`…). @default none */
  displayName?: ServiceRuleAdapterOptions['displayName'];
  /**
   * Time between automation runs, started by `start()`; `null` runs none (call
   * `rules.runAutomations()` yourself).
   * @default 900000 (15 minutes)
   */
  automationIntervalMs?: number | null;
}

/** SLA options of {@link createTicketing}. */
export interface TicketingSlaOptions extends Pick<SlaMonitorOptions, 'retryMs' | 'concurrency' | 'onError'> {
  /** A tenant's policies and calendars (read on every recompute: keep them in memory). */
  config: SlaConfig | ((tenantId: string) => SlaConfig);
  /** Delivers `notify` escalations (the host's mailer or pager). @default none: they are dropped */
  notify?: (ctx: WriteContext, notification: SlaNotification) => Promise<void>;
}

/** Webhook options of {@link createTicketing}: subscriptions, and how the relay delivers. */
export interface TicketingWebhooksOptions extends WebhookSubscriptionSource {
  /** The bus events delivered to matching subscriptions. @default ['ticket.*'] */
  listen?: readonly EventPattern[];
  /** How the relay delivers (HTTP client, timeouts, retries, backoff, circuit breaker…). @default the relay's defaults */
  relay?: Omit<WebhookRelayOptions, 'storage' | 'clock' | 'subscriptions' | 'subscriptionStore'>;
  /**
   * Whether `start()` starts the relay's delivery loop (`false`: call
   * `webhooks.relay.runOnce()` yourself, e.g. from a worker).
   * @default true
   */
  runRelay?: boolean;
}

/** Options of {@link createTicketing}: the ticket service's own, plus each module's. */
export interface TicketingOptions extends Omit<TicketServiceOptions, 'store' | 'hooks'> {
  /** Where tickets, their history and comments live. @default createMemoryTicketStore() */
  store?: TicketStore;
  /** Your own after-write hooks, run after the rules and SLA hooks. @default [] */
  hooks?: readonly AfterWriteHook[];
  /** Triggers, automations, macros and classification. @default a rules engine with an empty registry */
  rules?: TicketingRulesOptions;
  /** SLA policies and the monitor. Needs `hotline.timers` for durable alarms. @default no SLA */
  sla?: TicketingSlaOptions;
  /** Signed webhooks from the outbox. @default no webhooks */
  webhooks?: TicketingWebhooksOptions;
  /**
   * The tenants whose open tickets `start()` replays into the SLA index (and whose due
   * times move after `sla.rebuild()`). Durable SLA alarms fire without it.
   * @default none
   */
  tenants?: () => Iterable<string> | Promise<Iterable<string>>;
}

/** Everything {@link createTicketing} composed. */
export interface Ticketing {
  /** The ticket service: every write goes through it. */
  readonly tickets: TicketService;
  readonly store: TicketStore;
  /** Access control, when given. */
  readonly guard: TicketGuard | undefined;
  /** Triggers, automations, macros and classification (`rules.registry` holds the definitions). */
  readonly rules: RulesEngine;
  /** The automation schedule (started by `start()` unless `rules.automationIntervalMs` is `null`). */
  readonly automations: AutomationScheduler | undefined;
  /** The SLA monitor, with `sla` options. */
  readonly sla: SlaMonitor | undefined;
  /** The webhook publisher and relay, with `webhooks` options. */
  readonly webhooks: { readonly publisher: WebhookPublisher; readonly relay: WebhookRelay } | undefined;
  /**
   * Starts what runs on its own: registers the SLA timer handler and replays open tickets
   * into the SLA index, starts `hotline.timers` (stored auto-close and SLA timers are
   * re-armed; overdue ones fire), the webhook relay loop and the automation schedule.
   * Idempotent.
   */
  start(): Promise<void>;
  /**
   * Stops the automation schedule, the relay (waiting for its batch), the publisher, the
   * SLA monitor and the service's timer handlers. `hotline.timers` and the storage stay to
   * their owner (`hotline.stop()`). Final: a closed `Ticketing` does not start again (make
   * a new one on the same storage and store, as a restarted process would).
   */
  close(): Promise<void>;
}

const DEFAULT_AUTOMATION_INTERVAL_MS = 15 * 60_000;

/**
 * Composes `@hotline/ticketing` on a core `Hotline`: the ticket service with the guard
 * (optional), the rules engine (classification on create, then triggers, after every
 * write), the SLA monitor (replay after every write, durable alarms, escalations written
 * as `sla` history entries), the webhook publisher and relay, and the automation schedule.
 *
 * Hook order: **rules, then SLA**, then your `hooks`. A write's triggers (and
 * classification) write through the service before the SLA hook of that write runs, so
 * the SLA replay sees the write together with what it caused (a group set by
 * classification chooses the policy at once), and each trigger write is replayed as it
 * happens too. SLA escalations are ordinary writes: triggers react to them (say, a
 * trigger on `priority` changed to `urgent`). Webhooks follow the bus events every write
 * publishes, whoever made it.
 *
 * @example
 * ```ts
 * import { createHotline, SimulatedClock } from '@hotline/core';
 * import { createTicketing } from '@hotline/ticketing';
 *
 * const clock = new SimulatedClock(Date.parse('2026-03-02T09:00:00Z'));
 * const hotline = createHotline({ clock });
 * const ticketing = createTicketing({
 *   hotline,
 *   sla: { config: { policies: [{ id: 'sla_std', name: 'Standard', targets: { normal: { first_reply: 60 } } }], calendars: {} } },
 *   tenants: () => ['ten_acme'],
 * });
 * await ticketing.start();
 * const ctx = { tenantId: 'ten_acme', actor: { type: 'requester', id: 'ctc_ada' }, depth: 0 } as const;
 * const ticket = await ticketing.tickets.create(ctx, { subject: 'Invoice missing', requesterId: 'ctc_ada' });
 * await clock.advanceTo(Date.parse('2026-03-02T10:00:00Z'));
 * await hotline.timers.runDue(); // the first-reply breach is recorded: `sla` entry, actor sla:sla_std
 * await ticketing.close();
 * await hotline.stop();
 * ```
 */
export function createTicketing(options: TicketingOptions): Ticketing {
  const {
    store = createMemoryTicketStore(),
    hooks = [],
    rules: rulesOptions = {},
    sla: slaOptions,
    webhooks: webhookOptions,
    tenants,
    ...serviceOptions
  } = options;
  const { hotline } = serviceOptions;

  // The service copies its hooks when created, and the rules and the SLA monitor write
  // through the service: the hooks forward to modules made right after it.
  let rules: RulesEngine | undefined;
  let sla: SlaMonitor | undefined;
  const forward: AfterWriteHook[] = [
    { name: 'rules', afterWrite: async (result) => rules?.hook.afterWrite(result) },
    { name: 'sla', afterWrite: async (result) => sla?.hook.afterWrite(result) },
  ];
  const tickets = createTicketService({ ...serviceOptions, store, hooks: [...forward, ...hooks] });

  let webhooks: Ticketing['webhooks'];
  if (webhookOptions) {
    // One store for both, so a `410 Gone` that disables a subscription also stops new entries.
    const subscriptionStore = resolveSubscriptionSource(webhookOptions, 'createTicketing webhooks');
    webhooks = {
      publisher: createWebhookPublisher({
        storage: hotline.storage,
        bus: hotline.bus,
        clock: hotline.clock,
        subscriptionStore,
        ...(webhookOptions.listen ? { listen: webhookOptions.listen } : {}),
      }),
      relay: createWebhookRelay({
        ...webhookOptions.relay,
        storage: hotline.storage,
        clock: hotline.clock,
        subscriptionStore,
      }),
    };
  }

  const { effects, reader } = createServiceRuleAdapter({
    service: tickets,
    store,
    ...(rulesOptions.notify ? { notify: rulesOptions.notify } : {}),
    ...(rulesOptions.displayName ? { displayName: rulesOptions.displayName } : {}),
    ...(webhooks
      ? {
          webhook: async (_ctx, delivery) => {
            const data = delivery.payload ?? { ticketId: delivery.ticketId };
            await webhooks.publisher.enqueue(delivery.tenantId, delivery.subscriptionId, data, {
              type: 'ticket.rule_webhook',
            });
          },
        }
      : {}),
  });
  const { notify: _notify, displayName: _names, automationIntervalMs, ...engineOptions } = rulesOptions;
  rules = createRulesEngine({ ...engineOptions, clock: hotline.clock, effects, reader });
  const interval = automationIntervalMs === undefined ? DEFAULT_AUTOMATION_INTERVAL_MS : automationIntervalMs;
  const engine = rules;
  const automations =
    interval === null
      ? undefined
      : createAutomationScheduler({
          clock: hotline.clock,
          run: (now) => engine.runAutomations(now),
          intervalMs: interval,
        });

  if (slaOptions) {
    const { config, notify, ...monitorOptions } = slaOptions;
    sla = new SlaMonitor({
      ...monitorOptions,
      clock: hotline.clock,
      bus: hotline.bus,
      config: typeof config === 'function' ? config : () => config,
      tickets: createStoreSlaSource({ store, ...(tenants ? { tenants } : {}) }),
      actions: createServiceSlaPort({ service: tickets, ...(notify ? { notify } : {}) }),
      ...(hotline.timers ? { timers: hotline.timers } : {}),
    });
  }

  const runRelay = webhookOptions?.runRelay ?? true;
  let starting: Promise<void> | undefined;
  let closed = false;
  return {
    tickets,
    store,
    guard: serviceOptions.guard,
    rules,
    automations,
    sla,
    webhooks,
    start() {
      if (closed) return Promise.reject(new UnavailableError('this Ticketing is closed: create a new one'));
      starting ??= (async () => {
        // The SLA handler first, so a stored SLA timer that is already due finds it.
        await sla?.start();
        await hotline.timers?.start();
        if (webhooks && runRelay) webhooks.relay.start();
        automations?.start();
      })();
      return starting;
    },
    async close() {
      closed = true;
      automations?.stop();
      if (webhooks) {
        await webhooks.relay.stop();
        webhooks.publisher.stop();
      }
      await sla?.stop();
      tickets.close();
    },
  };
}
