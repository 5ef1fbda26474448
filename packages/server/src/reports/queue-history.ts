import type { Clock, TimerHandle } from '@hotline/core';
import type { QueueStats, RoutingEngine } from '@hotline/routing';
import { z } from 'zod';

const MINUTE = 60_000;

/** One queue's figures over one minute. */
export const historyPointSchema = z.object({
  /** The minute's start, epoch ms. */
  minute: z.int(),
  /** Waiting at the end of the minute (now, for the current one). */
  waiting: z.int(),
  answered: z.int(),
  abandoned: z.int(),
  /** As the live figure, over this minute only. */
  serviceLevel: z.number(),
  asaSeconds: z.number(),
});
/** One queue's figures over one minute. */
export type HistoryPoint = z.infer<typeof historyPointSchema>;

/** The counters a point is the difference of. */
interface Raw {
  answered: number;
  answeredInSl: number;
  abandoned: number;
  abandonedInSl: number;
  waitMs: number;
}

const ZERO: Raw = { answered: 0, answeredInSl: 0, abandoned: 0, abandonedInSl: 0, waitMs: 0 };

function rawOf(stats: QueueStats): Raw {
  const { total } = stats;
  return {
    answered: total.answered,
    answeredInSl: total.answeredInServiceLevel,
    abandoned: total.abandoned,
    abandonedInSl: total.abandonedInServiceLevel,
    waitMs: total.asaSeconds * total.answered * 1000,
  };
}

function point(minute: number, stats: QueueStats, from: Raw, to: Raw): HistoryPoint {
  const answered = to.answered - from.answered;
  const abandoned = to.abandoned - from.abandoned;
  const late = abandoned - (to.abandonedInSl - from.abandonedInSl);
  const finished = answered + late;
  return {
    minute,
    waiting: stats.waiting,
    answered,
    abandoned,
    serviceLevel: finished > 0 ? (to.answeredInSl - from.answeredInSl) / finished : 1,
    asaSeconds: answered > 0 ? Math.round((to.waitMs - from.waitMs) / answered) / 1000 : 0,
  };
}

interface Series {
  last: Raw;
  points: HistoryPoint[];
}

/**
 * Samples every queue of every engine once a minute and keeps the last `minutes` samples
 * in memory, for wallboard charts. Nothing is stored: the history starts again empty after
 * a restart.
 */
export class QueueHistory {
  private readonly series = new Map<string, Series>();
  private timer: TimerHandle | undefined;

  constructor(
    private readonly clock: Clock,
    private readonly engines: () => RoutingEngine[],
    /** Samples kept per queue. @default 60 */
    readonly minutes = 60,
  ) {}

  /** Starts sampling at each minute boundary. Idempotent. */
  start(): void {
    if (this.timer !== undefined) return;
    this.schedule();
  }

  stop(): void {
    if (this.timer !== undefined) this.clock.clearTimer(this.timer);
    this.timer = undefined;
  }

  /** Closes the minute that just ended: one point per queue. */
  sample(): void {
    const minute = Math.floor(this.clock.now() / MINUTE) * MINUTE - MINUTE;
    for (const engine of this.engines()) {
      for (const stats of engine.allQueueStats()) {
        const key = `${engine.tenantId}\u0000${stats.queueId}`;
        const series = this.series.get(key) ?? { last: ZERO, points: [] };
        const now = rawOf(stats);
        series.points.push(point(minute, stats, series.last, now));
        if (series.points.length > this.minutes) series.points.splice(0, series.points.length - this.minutes);
        series.last = now;
        this.series.set(key, series);
      }
    }
  }

  /** The tenant's queues' last `minutes` points, oldest first, the current (partial) minute last. */
  history(engine: RoutingEngine, minutes: number): { queueId: string; points: HistoryPoint[] }[] {
    const current = Math.floor(this.clock.now() / MINUTE) * MINUTE;
    return engine.allQueueStats().map((stats) => {
      const series = this.series.get(`${engine.tenantId}\u0000${stats.queueId}`);
      const closed = series?.points.filter((p) => p.minute > current - minutes * MINUTE) ?? [];
      return { queueId: stats.queueId, points: [...closed, point(current, stats, series?.last ?? ZERO, rawOf(stats))] };
    });
  }

  private schedule(): void {
    const now = this.clock.now();
    // A little past the boundary: a timer firing early must not label the wrong minute.
    const next = (Math.floor(now / MINUTE) + 1) * MINUTE;
    this.timer = this.clock.setTimer(
      () => {
        this.sample();
        this.schedule();
      },
      next - now + 50,
    );
  }
}
