import WebSocket from 'ws';
import type { StorageLike, WebSocketConstructor } from '../src/index.js';

/** A `StorageLike` that counts every access, so a test can prove nothing was touched. */
export class MemoryStorage implements StorageLike {
  readonly map = new Map<string, string>();
  reads = 0;
  writes = 0;
  getItem(key: string): string | null {
    this.reads++;
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.writes++;
    this.map.set(key, value);
  }
  removeItem(key: string): void {
    this.writes++;
    this.map.delete(key);
  }
  /** The one stored record of a site, parsed. */
  saved(siteId = 'site_test'): Record<string, unknown> {
    return JSON.parse(this.map.get(`hotline:${siteId}`) ?? '{}');
  }
}

/**
 * A `ws` WebSocket constructor behind a switch: while `offline`, new sockets go to a port
 * nobody listens on and fail at once, like a phone without signal.
 */
export function network(): { offline: boolean; WebSocket: WebSocketConstructor } {
  const state = {
    offline: false,
    WebSocket: undefined as unknown as WebSocketConstructor,
  };
  class NetworkSocket extends WebSocket {
    constructor(url: string) {
      super(state.offline ? 'ws://127.0.0.1:1/' : url);
    }
  }
  state.WebSocket = NetworkSocket as unknown as WebSocketConstructor;
  return state;
}

/** Waits until `check` holds (polling), failing with `what` after `timeoutMs`. */
export async function until(check: () => boolean, what = 'condition', timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Timers run by hand: `advance(ms)` fires what falls due, in order. */
export class ManualTimers {
  now = 0;
  private next = 1;
  readonly scheduled = new Map<number, { at: number; ms: number; callback: () => void }>();
  setTimeout = (callback: () => void, ms: number): unknown => {
    const id = this.next++;
    this.scheduled.set(id, { at: this.now + ms, ms, callback });
    return id;
  };
  clearTimeout = (handle: unknown): void => {
    this.scheduled.delete(handle as number);
  };
  /** The waits (ms) of the timers pending now. */
  pending(): number[] {
    return [...this.scheduled.values()].map((t) => t.ms);
  }
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const due = [...this.scheduled.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.scheduled.delete(due[0]);
      this.now = due[1].at;
      due[1].callback();
    }
    this.now = end;
  }
}
