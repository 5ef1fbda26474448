import { type AuditLog, createAuditLog } from '../audit/audit-log.js';
import { type Clock, systemClock } from '../clock/clock.js';
import { ConversationService } from '../conversation/conversation-service.js';
import { type EventBus, InMemoryEventBus } from '../events/event-bus.js';
import { ContactService } from '../identity/contact-service.js';
import { createIdGenerator, type IdGenerator } from '../ids/ids.js';
import { createMemoryStorage } from '../storage/memory/memory-storage.js';
import type { Storage } from '../storage/ports.js';
import { TimerScheduler } from '../timers/timer-scheduler.js';
import type { ServiceDeps } from './service-deps.js';
import { TenantService } from './tenant-service.js';

/** Options for {@link createHotline}. */
export interface HotlineOptions {
  /** Where everything is stored. @default a new in-memory storage */
  storage?: Storage;
  /** Where domain events go. @default a new in-process bus */
  bus?: EventBus;
  /** @default systemClock */
  clock?: Clock;
  /** @default ULID ids on `clock` */
  ids?: IdGenerator;
  /** @default a new scheduler on `storage` and `clock` */
  timers?: TimerScheduler;
  /**
   * Secret key for the audit chain's HMAC (≥ 32 bytes). Without it entries are chained
   * with plain SHA-256, which detects edits but not a rewrite of the whole chain.
   * @default undefined
   */
  auditHmacKey?: string | Uint8Array;
}

/** Core services wired to one storage, bus and clock. */
export interface Hotline extends ServiceDeps {
  tenants: TenantService;
  contacts: ContactService;
  conversations: ConversationService;
  /** The tenant audit log (hash-chained, with `verify`). */
  audit: AuditLog;
  /** The durable timer scheduler (snooze wake-ups here; SLA and reservation timeouts in other packages). */
  timers: TimerScheduler;
  /** Loads stored timers and starts firing them. Call once the process is ready to work. */
  start(): Promise<void>;
  /** Stops the timers and waits for running handlers. Storage stays open (close it yourself). */
  stop(): Promise<void>;
}

/**
 * Wires the core services to one storage, event bus and clock.
 *
 * @example
 * ```ts
 * import { createHotline } from '@hotline/core';
 *
 * const hotline = createHotline();
 * const tenant = await hotline.tenants.create({ name: 'Acme' });
 * hotline.bus.subscribe('message.*', (event) => console.log(event.type, event.seq));
 * ```
 */
export function createHotline(options: HotlineOptions = {}): Hotline {
  const clock = options.clock ?? systemClock;
  const deps: ServiceDeps = {
    storage: options.storage ?? createMemoryStorage({ clock }),
    bus: options.bus ?? new InMemoryEventBus({ clock }),
    clock,
    ids: options.ids ?? createIdGenerator({ now: () => clock.now() }),
  };
  const timers = options.timers ?? new TimerScheduler({ storage: deps.storage, clock });
  const contacts = new ContactService(deps);
  const conversations = new ConversationService(deps, contacts, { timers });
  conversations.registerTimers(timers);
  return {
    ...deps,
    tenants: new TenantService(deps),
    contacts,
    conversations,
    timers,
    audit: createAuditLog({
      repository: deps.storage.audit,
      clock,
      ...(options.auditHmacKey === undefined ? {} : { hmacKey: options.auditHmacKey }),
    }),
    start: () => timers.start(),
    stop: () => timers.stop(),
  };
}
