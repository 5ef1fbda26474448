import { type Clock, isHotlineError, type Queue, type Storage } from '@hotline/core';
import { type QueueDefinitionInput, RoutingEngine } from '@hotline/routing';
import { overflowTargets, queueDefinitionOf } from './queue-settings.js';

/** Waiting work of one queue, for the queue depth gauge. */
export interface QueueDepth {
  tenantId: string;
  queueId: string;
  waiting: number;
}

/** Why a stored queue was defined without (some of) its routing settings. */
export type QueueSettingsProblem = (queue: Queue, error: unknown) => void;

/** Routing settings that apply to every queue of a tenant's engine. */
export interface TenantEngineSettings {
  /** How long an agent who declined, missed or transferred away a chat is not offered it again. */
  refusalCooldownSeconds?: number;
}

/**
 * One routing engine per tenant, made on first use, with the tenant's stored queues
 * defined in it (routing settings from `queue.settings`). Queues created through the API
 * are defined at once, so a conversation can be enqueued to them without a restart.
 */
export class TenantRouting {
  private readonly engines = new Map<string, RoutingEngine>();

  constructor(
    private readonly clock: Clock,
    /** Told when a stored queue's settings are refused: the queue is defined without them. */
    private readonly onProblem: QueueSettingsProblem = () => undefined,
    /** Engine-wide settings of every tenant's engine. */
    private readonly engineSettings: TenantEngineSettings = {},
  ) {}

  /** The tenant's engine, made empty when there is none yet. */
  readonly engineFor = (tenantId: string): RoutingEngine => {
    let engine = this.engines.get(tenantId);
    if (!engine) {
      engine = new RoutingEngine({ ...this.engineSettings, tenantId, clock: this.clock });
      this.engines.set(tenantId, engine);
    }
    return engine;
  };

  /** Every engine made so far. */
  allEngines(): RoutingEngine[] {
    return [...this.engines.values()];
  }

  /** Whether the tenant's engine knows the queue. */
  readonly hasQueue = (tenantId: string, queueId: string): boolean => {
    const engine = this.engines.get(tenantId);
    if (!engine) return false;
    try {
      engine.queueStats(queueId);
      return true;
    } catch {
      return false;
    }
  };

  /**
   * Defines a stored queue in its tenant's engine; a queue already defined is left as is
   * (the engine cannot redefine one: changed settings apply after a restart). Settings
   * the engine refuses are reported and the queue is defined with its basics, so one bad
   * queue never keeps a tenant from routing.
   */
  defineQueue(queue: Queue): void {
    let definition: QueueDefinitionInput;
    try {
      definition = queueDefinitionOf(queue);
    } catch (error) {
      this.onProblem(queue, error);
      this.define(queue, basics(queue));
      return;
    }
    try {
      this.define(queue, definition);
    } catch (error) {
      // An overflow target the engine does not know (deleted, or a cycle): route without it.
      if (!isHotlineError(error, 'NOT_FOUND') && !isHotlineError(error, 'VALIDATION_FAILED')) throw error;
      this.onProblem(queue, error);
      this.define(queue, basics(queue));
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
        this.defineInOrder(await listQueues(storage, tenant.id));
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

  private define(queue: Queue, definition: QueueDefinitionInput): void {
    try {
      this.engineFor(queue.tenantId).defineQueue(definition);
    } catch (error) {
      if (!isHotlineError(error, 'ALREADY_EXISTS')) throw error;
    }
  }

  /** Overflow targets first: the engine wants them defined before the queues that use them. */
  private defineInOrder(queues: readonly Queue[]): void {
    const byId = new Map(queues.map((queue) => [queue.id, queue]));
    const done = new Set<string>();
    const visiting = new Set<string>();
    const visit = (queue: Queue) => {
      if (done.has(queue.id) || visiting.has(queue.id)) return;
      visiting.add(queue.id);
      let targets: string[] = [];
      try {
        targets = overflowTargets(queueDefinitionOf(queue));
      } catch {
        // Reported when the queue itself is defined.
      }
      for (const target of targets) {
        const next = byId.get(target);
        if (next) visit(next);
      }
      this.defineQueue(queue);
      done.add(queue.id);
    };
    for (const queue of queues) visit(queue);
  }
}

function basics(queue: Queue): QueueDefinitionInput {
  return { id: queue.id, name: queue.name, channels: queue.channels, serviceLevelSeconds: queue.serviceLevelSeconds };
}

async function listQueues(storage: Storage, tenantId: string): Promise<Queue[]> {
  const queues: Queue[] = [];
  let cursor: string | undefined;
  do {
    const page = await storage.queues.list(tenantId, { limit: 1000, ...(cursor ? { cursor } : {}) });
    queues.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor);
  return queues;
}
