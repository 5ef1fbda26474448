import { type Hotline, NotFoundError, type Policy } from '@hotline/core';
import type { ConversationDispatcher } from '@hotline/routing';
import type { TicketService } from '@hotline/ticketing';
import type { QueueHistory } from '../reports/queue-history.js';
import type { TenantRouting } from '../routing/tenant-routing.js';

/** What the route handlers use. */
export interface ApiDeps {
  hotline: Hotline;
  tickets: TicketService;
  routing: TenantRouting;
  /** Routing's dispatcher: conversation actions (transfer, end, resolve) go through it. */
  dispatcher: ConversationDispatcher;
  /** The RBAC policy, for checks beyond a route's own action. */
  policy: Policy;
  /** The per-minute queue history of the reports. */
  history: QueueHistory;
}

/** Reads a record or throws `NotFoundError` (also for another tenant's id: never reveal it exists). */
export async function mustGet<T>(entity: string, id: string, read: Promise<T | undefined>): Promise<T> {
  const record = await read;
  if (record === undefined) throw new NotFoundError(entity, id);
  return record;
}

/** Copies the defined fields of a patch (an explicit `undefined` changes nothing). */
export function definedFields<T extends object>(patch: T): Partial<T> {
  return Object.fromEntries(Object.entries(patch).filter(([, value]) => value !== undefined)) as Partial<T>;
}
