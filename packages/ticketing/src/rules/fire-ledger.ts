import type { RuleRateLimit } from './rule-schema.js';

/**
 * Counts rule fires per (tenant, ticket, rule) in a sliding window: the per-rule
 * execution limit that stops loops a single cycle cannot see (a notification answered by
 * an auto-responder, a webhook whose receiver writes back, two automations undoing each
 * other).
 */
export interface FireLedger {
  /** Records a fire at `now` and returns `true`, or returns `false` (recording nothing) when `limit` is reached. */
  tryFire(tenantId: string, ticketId: string, ruleId: string, now: number, limit: RuleRateLimit): boolean;
}

/** One ticket's recent fires: a time (the usual single fire) or the times, per rule. */
interface TicketFires {
  readonly tenantId: string;
  readonly ticketId: string;
  readonly rules: Map<string, number | number[]>;
  last: number;
}

/**
 * A per-process {@link FireLedger}, compact because it holds every fire of the last
 * window: fires are grouped per ticket under the ids the caller already has (no key is
 * built per fire), a single fire is a plain number, and tickets leave through a
 * time-ordered queue a few at a time (no pause to sweep a large map). In a cluster each
 * process counts its own fires (a limit of 10 per hour becomes at most 10 × processes);
 * pass a shared implementation when that matters.
 *
 * @example
 * ```ts
 * const ledger = createMemoryFireLedger();
 * ledger.tryFire('ten_1', 'tkt_1', 'trg_1', Date.now(), { max: 10, windowMs: 3_600_000 }); // true
 * ```
 */
export function createMemoryFireLedger(): FireLedger {
  const tenants = new Map<string, Map<string, TicketFires>>();
  let queue: TicketFires[] = [];
  let queueTimes: number[] = [];
  let head = 0;
  let longestWindow = 0;

  const expire = (now: number) => {
    const cutoff = now - longestWindow;
    while (head < queueTimes.length && (queueTimes[head] as number) <= cutoff) {
      const fires = queue[head] as TicketFires;
      head++;
      if (fires.last > cutoff) continue; // fired again since: a later queue entry covers it
      tenants.get(fires.tenantId)?.delete(fires.ticketId);
    }
    if (head > 1024 && head * 2 > queueTimes.length) {
      queue = queue.slice(head);
      queueTimes = queueTimes.slice(head);
      head = 0;
    }
  };

  return {
    tryFire(tenantId, ticketId, ruleId, now, limit) {
      if (limit.windowMs > longestWindow) longestWindow = limit.windowMs;
      expire(now);
      let tickets = tenants.get(tenantId);
      if (tickets === undefined) {
        tickets = new Map();
        tenants.set(tenantId, tickets);
      }
      let fires = tickets.get(ticketId);
      if (fires === undefined) {
        fires = { tenantId, ticketId, rules: new Map(), last: now };
        tickets.set(ticketId, fires);
      }
      const since = now - limit.windowMs;
      const seen = fires.rules.get(ruleId);
      if (seen === undefined || (typeof seen === 'number' && seen <= since)) {
        if (limit.max < 1) return false;
        fires.rules.set(ruleId, now);
      } else {
        const times = typeof seen === 'number' ? [seen] : seen.filter((at) => at > since);
        if (times.length >= limit.max) {
          if (times !== seen) fires.rules.set(ruleId, times);
          return false;
        }
        times.push(now);
        fires.rules.set(ruleId, times);
      }
      fires.last = now;
      queue.push(fires);
      queueTimes.push(now);
      return true;
    },
  };
}
