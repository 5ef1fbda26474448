import type {
  AuditLog,
  Clock,
  ConversationService,
  EventBus,
  IdGenerator,
  Storage,
  TimerScheduler,
} from '@hotline/core';
import type { FieldDefinitionInput, TicketForm } from '../fields/field-definition.js';
import type { CustomStatusInput } from '../lifecycle/custom-statuses.js';
import type { AfterWriteHook, TicketGuard, WriteResult } from '../model/ports.js';
import type { TicketStore } from '../store/ticket-store.js';
import type { TicketRouter } from './ticket-router.js';

/** A setting that is the same for every tenant, or looked up per tenant. */
export type PerTenant<T> = T | ((tenantId: string) => T | Promise<T>);

/**
 * The parts of core's `createHotline()` result the service uses. Pass the whole `Hotline`;
 * the optional parts switch features on: `conversations` links tickets made from a
 * conversation both ways, `timers` runs auto-close, `audit` records every write, `ids`
 * makes ids on the clock.
 */
export interface TicketHotline {
  storage: Storage;
  bus: EventBus;
  clock: Clock;
  ids?: IdGenerator;
  conversations?: ConversationService;
  timers?: TimerScheduler;
  audit?: AuditLog;
}

/** Where something that happened after a committed write went wrong. */
export type TicketServiceErrorKind =
  | 'hook'
  | 'audit'
  | 'event'
  | 'conversation_link'
  | 'routing'
  | 'auto_close'
  | 'timer'
  | 'approval';

/** What `onError` receives. The write itself is committed; this is about its after-effects. */
export interface TicketServiceErrorReport {
  kind: TicketServiceErrorKind;
  error: unknown;
  tenantId?: string;
  ticketId?: string;
  /** The hook's name, for `hook`. */
  hook?: string;
  /** The write, when one caused it. */
  result?: WriteResult;
}

/** Options of {@link createTicketService}. */
export interface TicketServiceOptions {
  /** Core services: storage (timers), bus, clock, and optionally conversations, timers, audit, ids. */
  hotline: TicketHotline;
  /** Where tickets, their history and comments live. */
  store: TicketStore;
  /** Custom field definitions. @default [] */
  fields?: PerTenant<readonly FieldDefinitionInput[]>;
  /** Ticket forms. @default [] */
  forms?: PerTenant<readonly TicketForm[]>;
  /** Custom statuses. @default [] */
  customStatuses?: PerTenant<readonly CustomStatusInput[]>;
  /** Access control, asked on every call that carries a `principal`. @default none (everything allowed) */
  guard?: TicketGuard;
  /** Run after every committed write, in this order (triggers, SLA…). @default [] */
  hooks?: readonly AfterWriteHook[];
  /**
   * How long a ticket stays solved before it closes on its own; `null` turns auto-close
   * off. Needs `hotline.timers`.
   * @default 345600000 (4 days, as Zendesk)
   */
  autoCloseAfterMs?: number | null;
  /** The audit log every write is recorded in. @default hotline.audit (no audit when absent) */
  audit?: AuditLog;
  /** Routes tickets to agents as tasks (see `createRoutingEngineTicketRouter`). @default none */
  router?: TicketRouter;
  /**
   * Writes whose `depth` is above this are refused with `WriteDepthExceededError`, so a
   * loop of hooks writing back stops even if a rule engine misbehaves.
   * @default 10
   */
  maxDepth?: number;
  /**
   * Receives failures of after-effects of committed writes (hooks, audit, events,
   * conversation links, routing, auto-close) and of giving back an approval a write that
   * did not commit had used. It must not throw.
   * @default logs with `console.error`
   */
  onError?: (report: TicketServiceErrorReport) => void;
}

/** Default `autoCloseAfterMs`: 4 days. */
export const DEFAULT_AUTO_CLOSE_MS = 4 * 24 * 60 * 60 * 1000;
/** Default `maxDepth`. */
export const DEFAULT_MAX_DEPTH = 10;
