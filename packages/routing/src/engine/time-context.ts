/** What expressions see as `time.*`: the wall clock in the engine's time zone. */
export interface TimeView {
  /** Hour 0–23. */
  hour: number;
  minute: number;
  /** Minutes since local midnight (e.g. 9:30 → 570), for ranges like `time.minutes >= 540`. */
  minutes: number;
  /** 1 = Monday … 7 = Sunday (ISO). */
  weekday: number;
  /** Lowercase three-letter day: `mon` … `sun`. */
  day: string;
  /** Local date `YYYY-MM-DD`. */
  date: string;
}

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'];

/**
 * Computes `time.*` views, caching per minute: formatting dates in a time zone is costly
 * and decisions in the same minute share one view.
 */
export class TimeContext {
  private readonly format: Intl.DateTimeFormat;
  private cachedMinute = Number.NaN;
  private cached: TimeView | undefined;

  constructor(timeZone: string) {
    this.format = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      weekday: 'short',
    });
  }

  at(now: number): TimeView {
    const minute = Math.floor(now / 60_000);
    if (minute === this.cachedMinute && this.cached) return this.cached;
    const parts: Record<string, string> = {};
    for (const part of this.format.formatToParts(now)) parts[part.type] = part.value;
    const hour = Number(parts['hour']) % 24;
    const min = Number(parts['minute']);
    const day = (parts['weekday'] ?? 'Mon').toLowerCase().slice(0, 3);
    const view: TimeView = {
      hour,
      minute: min,
      minutes: hour * 60 + min,
      weekday: DAYS.indexOf(day) + 1,
      day,
      date: `${parts['year']}-${parts['month']}-${parts['day']}`,
    };
    this.cachedMinute = minute;
    this.cached = view;
    return view;
  }
}
