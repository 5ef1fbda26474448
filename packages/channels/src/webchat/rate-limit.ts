/**
 * A token bucket as two numbers: no timer, refilled lazily from the elapsed time when a
 * token is asked for. Thousands of connections each hold a few of these.
 */
export class TokenBucket {
  private tokens: number;
  private at: number;

  constructor(
    private readonly burst: number,
    private readonly perSecond: number,
    now: number,
  ) {
    this.tokens = burst;
    this.at = now;
  }

  /** Takes one token: 0 when it was there, else how many ms until one will be. */
  take(now: number): number {
    this.refill(now);
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil(((1 - this.tokens) * 1000) / this.perSecond));
  }

  /** Puts a token back (a request refused by a later check should not cost the caller). */
  refund(): void {
    this.tokens = Math.min(this.burst, this.tokens + 1);
  }

  /** Whether the bucket is full, i.e. forgetting it changes nothing. */
  isFull(now: number): boolean {
    this.refill(now);
    return this.tokens >= this.burst;
  }

  private refill(now: number): void {
    const elapsed = now - this.at;
    if (elapsed > 0) {
      this.tokens = Math.min(this.burst, this.tokens + (elapsed * this.perSecond) / 1000);
      this.at = now;
    }
  }
}

/** What the gateway tracks per client IP address. */
export interface IpState {
  customers: number;
  agents: number;
  messages: TokenBucket;
  uploads: TokenBucket;
}

/** Per-IP counters and buckets, forgotten once an address is idle. */
export class IpTable {
  private readonly byIp = new Map<string, IpState>();

  constructor(
    private readonly limits: {
      ipMessagesPerSecond: number;
      ipMessageBurst: number;
      uploadsPerMinutePerIp: number;
    },
  ) {}

  /** The state of an address, created on first use. */
  get(ip: string, now: number): IpState {
    let state = this.byIp.get(ip);
    if (!state) {
      const { ipMessagesPerSecond, ipMessageBurst, uploadsPerMinutePerIp } = this.limits;
      state = {
        customers: 0,
        agents: 0,
        messages: new TokenBucket(ipMessageBurst, ipMessagesPerSecond, now),
        uploads: new TokenBucket(uploadsPerMinutePerIp, uploadsPerMinutePerIp / 60, now),
      };
      this.byIp.set(ip, state);
    }
    return state;
  }

  /** Forgets addresses with no connection and full buckets. */
  sweep(now: number): void {
    for (const [ip, state] of this.byIp) {
      if (state.customers === 0 && state.agents === 0 && state.messages.isFull(now) && state.uploads.isFull(now)) {
        this.byIp.delete(ip);
      }
    }
  }

  get size(): number {
    return this.byIp.size;
  }
}
