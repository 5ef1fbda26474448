import type { Agent, Queue, QueueStatsView, StatsSnapshot, Storage } from '@hotline/core';
import type { AgentStats, RoutingEngine } from '@hotline/routing';
import { z } from 'zod';

/** A queue's live figures; counters are over routing's rolling window (the last 60 minutes). */
export const queueReportSchema = z.object({
  queueId: z.string(),
  name: z.string(),
  waiting: z.int(),
  reserved: z.int(),
  oldestWaitSeconds: z.number(),
  /** Answered within the queue's threshold over answered and abandoned after it (1 when nothing finished). */
  serviceLevel: z.number(),
  /** Average speed of answer. */
  asaSeconds: z.number(),
  abandoned: z.int(),
  answered: z.int(),
  /** Whether the queue's hours say it is open. */
  open: z.boolean(),
  /** Members by presence; `busy` includes wrap-up, `away` is any unroutable activity but offline. */
  agents: z.object({ available: z.int(), busy: z.int(), away: z.int(), offline: z.int() }),
});

/** An agent's live figures (since the server started). */
export const agentReportSchema = z.object({
  agentId: z.string(),
  name: z.string(),
  activity: z.string(),
  /** Conversations held (assigned or in wrap-up). */
  active: z.int(),
  /** The most conversations the agent may hold, every channel together. */
  capacity: z.int(),
  handled: z.int(),
  /** Offers that timed out. */
  missed: z.int(),
  /** Busy and wrap-up time over logged-in time, 0..1. */
  occupancy: z.number(),
});

/** A queue's live figures. */
export type QueueReport = z.infer<typeof queueReportSchema>;
/** An agent's live figures. */
export type AgentReport = z.infer<typeof agentReportSchema>;

/** Every record of a paged listing, up to `max`. */
export async function listAll<T>(
  page: (options: { limit: number; cursor?: string }) => Promise<{ items: T[]; nextCursor?: string | undefined }>,
  max = 10_000,
): Promise<{ items: T[]; truncated: boolean }> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const result = await page({ limit: 1000, ...(cursor ? { cursor } : {}) });
    items.push(...result.items);
    cursor = result.nextCursor;
  } while (cursor && items.length < max);
  return { items: items.slice(0, max), truncated: cursor !== undefined || items.length > max };
}

export function queueReport(stats: QueueStatsView, name: string): QueueReport {
  const { window } = stats;
  const count = (presence: keyof QueueStatsView['agents']) => stats.agents[presence] ?? 0;
  return {
    queueId: stats.queueId,
    name,
    waiting: stats.waiting,
    reserved: stats.reserved,
    oldestWaitSeconds: stats.oldestWaitSeconds,
    serviceLevel: window.serviceLevel,
    asaSeconds: window.asaSeconds,
    abandoned: window.abandoned,
    answered: window.answered,
    open: stats.open,
    agents: {
      available: count('available'),
      busy: count('busy') + count('wrap_up'),
      away: count('away'),
      offline: count('offline'),
    },
  };
}

/** Every queue routing knows for the tenant, named from storage (renames show at once). */
export async function queueReports(
  storage: Storage,
  snapshot: StatsSnapshot,
  tenantId: string,
): Promise<QueueReport[]> {
  const { items } = await listAll<Queue>((options) => storage.queues.list(tenantId, options));
  const names = new Map(items.map((queue) => [queue.id, queue.name]));
  return snapshot.queues.map((stats) => queueReport(stats, names.get(stats.queueId) ?? stats.name ?? stats.queueId));
}

function counters(engine: RoutingEngine, agentId: string): AgentStats | undefined {
  try {
    return engine.agentStats(agentId);
  } catch {
    return undefined;
  }
}

/**
 * Every agent of the tenant with routing's view of it (the same as the agent gateway's
 * `monitor` frames); agents routing has not seen since the start are offline, with zeros.
 */
export async function agentReports(
  storage: Storage,
  snapshot: StatsSnapshot,
  engine: RoutingEngine,
  tenantId: string,
): Promise<AgentReport[]> {
  const { items } = await listAll<Agent>((options) => storage.agents.list(tenantId, options));
  const live = new Map(snapshot.agents.map((agent) => [agent.agentId, agent]));
  return items.map((agent) => {
    const view = live.get(agent.id);
    const stats = view ? counters(engine, agent.id) : undefined;
    return {
      agentId: agent.id,
      name: agent.name,
      activity: view?.activity ?? 'offline',
      active: view?.active ?? 0,
      capacity: view?.capacity ?? Object.values(agent.capacity).reduce((sum, n) => sum + (n ?? 0), 0),
      handled: stats?.handled ?? 0,
      missed: stats?.missed ?? 0,
      occupancy: stats?.occupancy ?? 0,
    };
  });
}
