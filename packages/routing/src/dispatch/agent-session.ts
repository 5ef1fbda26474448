import { type Agent, type Clock, isoNow, NotFoundError, readModifyWrite, type Storage } from '@hotline/core';
import type { DispatchContext } from './context.js';
import type { RoutingAgentProfile } from './options.js';
import type { TenantRuntime } from './tenant-runtime.js';

/** The activity of an agent with no live connection: never routable (checked on attach). */
export const OFFLINE = 'offline';

/** The routing profile of an agent record: what it can take and who it is. */
export function defaultAgentProfile(agent: Agent): RoutingAgentProfile {
  return {
    id: agent.id,
    name: agent.name,
    skills: agent.skills,
    languages: agent.languages,
    capacity: agent.capacity,
    attributes: agent.attributes,
  };
}

/** Reads an agent record of the tenant, or `NOT_FOUND`. */
export async function agentRecord(storage: Storage, tenantId: string, agentId: string): Promise<Agent> {
  const agent = await storage.agents.get(tenantId, agentId);
  if (!agent) throw new NotFoundError('agent', agentId);
  return agent;
}

/**
 * Puts an agent in the engine without making it routable (restored work needs its holder):
 * added offline when absent, left alone when present.
 */
export function ensureAgent(ctx: DispatchContext, rt: TenantRuntime, agent: Agent): void {
  if (rt.hasAgent(agent.id)) return;
  rt.engine.addAgent({ ...ctx.agentProfile(agent), id: agent.id, activity: OFFLINE });
  rt.loaded.add(agent.id);
}

/**
 * An agent's first connection: the agent enters the engine (or its profile is refreshed
 * from the record) with the activity it last chose, if the engine knows that activity.
 */
export async function connectAgent(ctx: DispatchContext, rt: TenantRuntime, agentId: string): Promise<void> {
  const agent = await agentRecord(ctx.hotline.storage, rt.tenantId, agentId);
  const wanted = rt.chosen.get(agentId) ?? agent.activity;
  const activity = rt.hasActivity(wanted) ? wanted : OFFLINE;
  const wasConnected = rt.connected.has(agentId);
  rt.connected.add(agentId);
  try {
    const input = { ...ctx.agentProfile(agent), id: agentId, activity };
    if (!rt.hasAgent(agentId)) {
      rt.engine.addAgent(input);
      rt.loaded.add(agentId);
    } else if (rt.loaded.has(agentId)) {
      rt.engine.updateAgent(input);
    } else {
      // The host added this agent itself: its profile is the host's, only the activity changes.
      rt.engine.setActivity(agentId, activity);
    }
  } catch (error) {
    if (!wasConnected) rt.connected.delete(agentId);
    throw error;
  }
  rt.chosen.set(agentId, activity);
}

/** The agent's last connection went: it stops receiving offers (pending ones are withdrawn) but keeps its work. */
export async function disconnectAgent(ctx: DispatchContext, rt: TenantRuntime, agentId: string): Promise<void> {
  if (!rt.hasAgent(agentId)) {
    await agentRecord(ctx.hotline.storage, rt.tenantId, agentId);
    rt.connected.delete(agentId);
    return;
  }
  rt.connected.delete(agentId);
  if (rt.engine.getAgent(agentId).activity !== OFFLINE) rt.engine.setActivity(agentId, OFFLINE);
}

/** Records the agent's choice (kept for its next connection) and applies it while connected. */
export async function chooseActivity(
  ctx: DispatchContext,
  rt: TenantRuntime,
  agentId: string,
  activity: string,
): Promise<void> {
  await persistActivity(ctx.hotline.storage, ctx.clock, rt.tenantId, agentId, activity);
  rt.chosen.set(agentId, activity);
  if (rt.connected.has(agentId) && rt.hasAgent(agentId)) rt.engine.setActivity(agentId, activity);
}

/** Stores the agent's chosen activity on its core record (version-checked, retried on a race). */
async function persistActivity(
  storage: Storage,
  clock: Clock,
  tenantId: string,
  agentId: string,
  activity: string,
): Promise<void> {
  await readModifyWrite<Agent>({
    entity: 'agent',
    id: agentId,
    load: () => storage.agents.get(tenantId, agentId),
    change: (current) =>
      current.activity === activity ? current : { ...current, activity, activityChangedAt: isoNow(clock) },
    save: (next, version) => storage.agents.update({ ...next, updatedAt: isoNow(clock) }, version),
  });
}
