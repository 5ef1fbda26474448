import {
  createHotline,
  createMemoryStorage,
  type Hotline,
  SimulatedClock,
  type Storage,
  TimerScheduler,
} from '@hotline/core';
import type { Actor } from '../model/actor.js';
import type { AfterWriteHook, WriteContext, WriteResult } from '../model/ports.js';
import { createMemoryTicketStore } from '../store/memory-ticket-store.js';
import type { TicketStore } from '../store/ticket-store.js';
import type { TicketServiceErrorReport, TicketServiceOptions } from './options.js';
import { createTicketService, type TicketService } from './ticket-service.js';

// Test wiring for the spine's tests (not published).

export const TENANT = 'ten_a';
export const OTHER_TENANT = 'ten_b';
export const START = Date.UTC(2026, 2, 2, 9, 0, 0);

export interface Kit {
  clock: SimulatedClock;
  storage: Storage;
  hotline: Hotline;
  store: TicketStore;
  tickets: TicketService;
  errors: TicketServiceErrorReport[];
  results: WriteResult[];
}

/** A service on a simulated clock, memory storage and store; records hook results and errors. */
type Overrides = Partial<Omit<TicketServiceOptions, 'hotline' | 'store'>>;

export function makeKit(
  options: Overrides | ((hotline: Hotline) => Overrides) = {},
  shared?: { clock?: SimulatedClock; storage?: Storage; store?: TicketStore },
): Kit {
  const clock = shared?.clock ?? new SimulatedClock(START);
  const storage = shared?.storage ?? createMemoryStorage({ clock });
  // A long poll: the simulated clock then only wakes for due timers, not every second.
  const timers = new TimerScheduler({ storage, clock, pollIntervalMs: 24 * 3_600_000 });
  const hotline = createHotline({ clock, storage, timers });
  const store = shared?.store ?? createMemoryTicketStore();
  const overrides = typeof options === 'function' ? options(hotline) : options;
  const errors: TicketServiceErrorReport[] = [];
  const results: WriteResult[] = [];
  const recorder: AfterWriteHook = {
    name: 'recorder',
    afterWrite: async (result) => {
      results.push(result);
    },
  };
  const tickets = createTicketService({
    hotline,
    store,
    onError: (report) => errors.push(report),
    ...overrides,
    hooks: [recorder, ...(overrides.hooks ?? [])],
  });
  return { clock, storage, hotline, store, tickets, errors, results };
}

export function agent(id = 'agt_1', depth = 0): WriteContext {
  return { tenantId: TENANT, actor: { type: 'agent', id }, depth };
}

export function requester(id = 'ctc_1'): WriteContext {
  return { tenantId: TENANT, actor: { type: 'requester', id }, depth: 0 };
}

export function as(actor: Actor, tenantId = TENANT, depth = 0): WriteContext {
  return { tenantId, actor, depth };
}
