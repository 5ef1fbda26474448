import { type Agent, type Clock, type Hotline, NotFoundError, type TimerHandle } from '@hotline/core';
import type { RoutingAgentProfile, RoutingEngine } from '@hotline/routing';

const key = (tenantId: string, agentId: string) => `${tenantId}\u0000${agentId}`;

/**
 * Agents' voice presence: an agent is routable for voice only while a softphone is
 * registered (and not busy on an escalated chat's call, which routing does not count).
 * Routing sees it as the agent's `voice` capacity: the record's value while reachable,
 * 0 otherwise. The dispatcher builds profiles with {@link VoicePresence.profile}; a change
 * while the agent is in the engine is applied with `RoutingEngine.updateAgent`, keeping
 * its activity. Registrations expire on the clock, with or without an unregister.
 */
export class VoicePresence {
  /** Registration expiry (epoch ms) per tenant and agent. */
  private readonly expiries = new Map<string, number>();
  private readonly onCall = new Set<string>();
  private timer: TimerHandle | undefined;
  private timerAt: number | undefined;
  private closed = false;

  constructor(
    private readonly hotline: Pick<Hotline, 'storage'>,
    private readonly engineFor: (tenantId: string) => RoutingEngine | undefined,
    private readonly clock: Clock,
  ) {}

  /** The routing profile of an agent record (the dispatcher's `agentProfile`). */
  readonly profile = (agent: Agent): RoutingAgentProfile => {
    const capacity = { ...agent.capacity };
    if (capacity.voice !== undefined && !this.canTakeCalls(agent.tenantId, agent.id)) capacity.voice = 0;
    const { id, name, skills, languages, attributes } = agent;
    return { id, name, skills, languages, capacity, attributes };
  };

  /** Whether a softphone of the agent is registered now. */
  isRegistered(tenantId: string, agentId: string): boolean {
    const expiresAt = this.expiries.get(key(tenantId, agentId));
    return expiresAt !== undefined && expiresAt > this.clock.now();
  }

  /** Registered and not already on a call routing does not count. */
  canTakeCalls(tenantId: string, agentId: string): boolean {
    return this.isRegistered(tenantId, agentId) && !this.onCall.has(key(tenantId, agentId));
  }

  /** A REGISTER for `expires` seconds (0 unregisters). Answers the expiry, if registered. */
  async register(tenantId: string, agentId: string, expires: number): Promise<number | undefined> {
    await this.sweep();
    if (expires <= 0) {
      await this.unregister(tenantId, agentId);
      return undefined;
    }
    const expiresAt = this.clock.now() + expires * 1000;
    const was = this.isRegistered(tenantId, agentId);
    this.expiries.set(key(tenantId, agentId), expiresAt);
    this.schedule();
    if (!was) await this.refresh(tenantId, agentId);
    return expiresAt;
  }

  async unregister(tenantId: string, agentId: string): Promise<void> {
    if (!this.expiries.delete(key(tenantId, agentId))) return;
    await this.refresh(tenantId, agentId);
  }

  /** Marks an agent busy (or free again) on a call routing holds no task for. */
  async setOnCall(tenantId: string, agentId: string, busy: boolean): Promise<void> {
    const agentKey = key(tenantId, agentId);
    if (this.onCall.has(agentKey) === busy) return;
    if (busy) this.onCall.add(agentKey);
    else this.onCall.delete(agentKey);
    await this.refresh(tenantId, agentId);
  }

  /** Drops expired registrations (their agents become unroutable for voice). */
  async sweep(): Promise<void> {
    const now = this.clock.now();
    const expired: string[] = [];
    for (const [agentKey, expiresAt] of this.expiries) if (expiresAt <= now) expired.push(agentKey);
    for (const agentKey of expired) {
      this.expiries.delete(agentKey);
      const [tenantId = '', agentId = ''] = agentKey.split('\u0000');
      await this.refresh(tenantId, agentId);
    }
  }

  close(): void {
    this.closed = true;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  /** One timer, at the earliest expiry: routing must stop offering calls even when nobody asks. */
  private schedule(): void {
    if (this.closed) return;
    let next: number | undefined;
    for (const expiresAt of this.expiries.values()) if (next === undefined || expiresAt < next) next = expiresAt;
    if (next === undefined || (this.timerAt !== undefined && this.timerAt <= next)) return;
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timerAt = next;
    this.timer = this.clock.setTimer(() => {
      this.timer = undefined;
      this.timerAt = undefined;
      this.sweep()
        .catch(() => undefined)
        .finally(() => this.schedule());
    }, next - this.clock.now());
  }

  /** Applies the agent's voice capacity in its tenant's engine, if the agent is there. */
  private async refresh(tenantId: string, agentId: string): Promise<void> {
    const engine = this.engineFor(tenantId);
    if (!engine) return;
    let activity: string;
    try {
      activity = engine.getAgent(agentId).activity;
    } catch (error) {
      // Not in the engine yet: the dispatcher builds its profile when it connects.
      if (error instanceof NotFoundError) return;
      throw error;
    }
    const agent = await this.hotline.storage.agents.get(tenantId, agentId);
    if (agent) engine.updateAgent({ ...this.profile(agent), activity });
  }
}
