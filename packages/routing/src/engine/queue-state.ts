import { MinHeap } from '@hotline/core';
import type { AgentPresence } from './agent-state.js';
import type { QueueDefinition } from './definitions.js';
import { RollingCounters } from './rolling-counters.js';
import type { Step } from './step.js';
import type { Target } from './target.js';
import type { TaskState } from './task-state.js';

/** Live numbers of one queue, as shown on a wallboard. */
export interface QueueStats {
  queueId: string;
  /** Tasks waiting for an offer. */
  waiting: number;
  /** Tasks offered to an agent, not yet accepted. */
  reserved: number;
  /** Seconds the oldest waiting task has waited (0 when none). */
  oldestWaitSeconds: number;
  /** Agents of the queue by presence. */
  agents: Record<AgentPresence, number>;
  /** Counters since the engine started. */
  total: QueueCounters;
  /** Counters over the rolling window (`statsWindowMinutes`). */
  window: QueueCounters & { minutes: number };
  /** Whether the queue's hours say it is open now. */
  open: boolean;
}

/** Counters and the figures derived from them. */
export interface QueueCounters {
  entered: number;
  answered: number;
  answeredInServiceLevel: number;
  abandoned: number;
  /** Abandoned before the service-level threshold (short abandons, excluded from SL). */
  abandonedInServiceLevel: number;
  overflowed: number;
  /** Average speed of answer, seconds. */
  asaSeconds: number;
  /** Answered within the threshold / (answered + abandoned after the threshold); 1 when nothing finished. */
  serviceLevel: number;
  /** Abandoned / (answered + abandoned); 0 when nothing finished. */
  abandonRate: number;
}

/** The raw counters behind {@link QueueCounters}. */
export const COUNTER_NAMES = [
  'entered',
  'answered',
  'answeredInServiceLevel',
  'abandoned',
  'abandonedInServiceLevel',
  'overflowed',
  'waitMsAnswered',
] as const;
/** A raw counter name. */
export type CounterName = (typeof COUNTER_NAMES)[number];

interface WaitEntry {
  at: number;
  task: TaskState;
  gen: number;
}

/** A queue at run time: its definition, base target, members and statistics. */
export class QueueState {
  /** The target of the queue's own requirements (membership, single-queue tasks). */
  base!: Target;
  /** A one-step route to the queue's base target (single-queue tasks, overflow, callbacks). */
  baseStep!: Step;
  /** `[baseStep]`, shared by every task routed to the queue alone (never mutated). */
  baseRoute!: readonly Step[];
  /** Every target of the queue (its base and the workflow steps that use it). */
  readonly targets: Target[] = [];
  readonly presenceCounts: Record<AgentPresence, number> = { offline: 0, available: 0, busy: 0, wrap_up: 0, away: 0 };
  waiting = 0;
  reserved = 0;
  readonly total: Record<CounterName, number> = zeroCounters();
  readonly rolling: RollingCounters<CounterName>;
  /** Oldest enqueue time of waiting tasks, with lazy deletion by the task's queue generation. */
  private readonly waits = new MinHeap<WaitEntry>((a, b) => a.at - b.at || a.task.seq - b.task.seq);

  constructor(
    public definition: QueueDefinition,
    windowMinutes: number,
  ) {
    this.rolling = new RollingCounters(COUNTER_NAMES, windowMinutes);
  }

  get id(): string {
    return this.definition.id;
  }

  isOpen(now: number): boolean {
    return this.definition.hours ? this.definition.hours.isOpen(now) : true;
  }

  count(name: CounterName, now: number, amount = 1): void {
    this.total[name] += amount;
    this.rolling.add(name, now, amount);
  }

  /** A task started waiting (first time in this queue, or back after an offer). */
  trackWaiting(task: TaskState): void {
    this.waiting++;
    this.waits.push({ at: task.enqueuedAt, task, gen: task.queueGen });
  }

  untrackWaiting(): void {
    this.waiting--;
  }

  oldestWaitSeconds(now: number): number {
    for (;;) {
      const top = this.waits.peek();
      if (!top) return 0;
      const { task } = top;
      if (task.queue === this && task.queueGen === top.gen && task.status === 'pending') {
        return Math.max(0, (now - top.at) / 1000);
      }
      this.waits.pop();
    }
  }

  stats(now: number): QueueStats {
    return {
      queueId: this.id,
      waiting: this.waiting,
      reserved: this.reserved,
      oldestWaitSeconds: this.oldestWaitSeconds(now),
      agents: { ...this.presenceCounts },
      total: derive(this.total),
      window: { ...derive(this.rolling.sum(now)), minutes: this.rolling.minutes },
      open: this.isOpen(now),
    };
  }
}

function zeroCounters(): Record<CounterName, number> {
  return Object.fromEntries(COUNTER_NAMES.map((name) => [name, 0])) as Record<CounterName, number>;
}

function derive(raw: Record<CounterName, number>): QueueCounters {
  const finished = raw.answered + raw.abandoned - raw.abandonedInServiceLevel;
  const ended = raw.answered + raw.abandoned;
  return {
    entered: raw.entered,
    answered: raw.answered,
    answeredInServiceLevel: raw.answeredInServiceLevel,
    abandoned: raw.abandoned,
    abandonedInServiceLevel: raw.abandonedInServiceLevel,
    overflowed: raw.overflowed,
    asaSeconds: raw.answered > 0 ? raw.waitMsAnswered / raw.answered / 1000 : 0,
    serviceLevel: finished > 0 ? raw.answeredInServiceLevel / finished : 1,
    abandonRate: ended > 0 ? raw.abandoned / ended : 0,
  };
}
