import { type Clock, isHotlineError, type Queue, type Storage } from '@hotline/core';
import { RoutingEngine } from '@hotline/routing';

/** Waiting work of one queue, for the queue depth gauge. */
export interface QueueDepth {
  tenantId: string;
  queueId: string;
  waiting: number;
}

/**
 * One routing engine per tenant, made on first use, with the tenant's stored queues
 * defined in it. Queues created through the API are defined at once, so a conversation
 * can be enqueued to them without a restart.
 */
export class TenantRouting {
  private readonly engines = new Map<string, RoutingEngine>();

  constructor(private readonly clock: Clock) {}

  /** The tenant's engine, made empty when there is none yet. */
  readonly engineFor = (tenantId: string): RoutingEngine => {
    let engine = this.engines.get(tenantId);
    if (!engine) {
      engine = new RoutingEngine({ tenantId, clock: this.clock });
      this.engines.set(tenantId, engine);
    }
    return engine;
  };

  /** Defines a stored queue in its tenant's engine; a queue already defined is left as is. */
  defineQueue(queue: Queue): void {
    try {
      this.engineFor(queue.tenantId).defineQueue({
        id: queue.id,
        name: queue.name,
        channels: queue.channels,
        serviceLevelSeconds: queue.serviceLevelSeconds,
      });
    } catch (error) {
      if (!isHotlineError(error, 'ALREADY_EXISTS')) throw error;
    }
  }

  /** Makes an engine for every stored tenant with its queues; returns the tenant ids. */
  async load(storage: Storage): Promise<string[]> {
    const tenantIds: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await storage.tenants.list({ limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const tenant of page.items) {
        tenantIds.push(tenant.id);
        this.engineFor(tenant.id);
        let queueCursor: string | undefined;
        do {
          const queues = await storage.queues.list(tenant.id, {
            limit: 1000,
            ...(queueCursor ? { cursor: queueCursor } : {}),
          });
          for (const queue of queues.items) this.defineQueue(queue);
          queueCursor = queues.nextCursor;
        } while (queueCursor);
      }
      cursor = page.nextCursor;
    } while (cursor);
    return tenantIds;
  }

  /** Tasks waiting in every queue of every engine. */
  queueDepths(): QueueDepth[] {
    return [...this.engines.values()].flatMap((engine) =>
      engine
        .allQueueStats()
        .map((stats) => ({ tenantId: engine.tenantId, queueId: stats.queueId, waiting: stats.waiting })),
    );
  }

  /** Stops every engine's timers. */
  stop(): void {
    for (const engine of this.engines.values()) engine.stop();
  }
}
