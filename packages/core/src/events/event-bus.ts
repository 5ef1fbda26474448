import EventEmitter from 'eventemitter3';
import { type Clock, isoNow, systemClock } from '../clock/clock.js';
import { ValidationError } from '../errors/hotline-error.js';
import { newId } from '../ids/ids.js';
import type { EventInput, EventPattern, EventsMatching, HotlineEvent } from './event-map.js';

/** Event types whose prefix pattern a bus remembers. */
const MAX_CACHED_TYPES = 256;
const PATTERN = /^(\*|[a-z][a-z0-9_]*\.(\*|[a-z][a-z0-9_.]*))$/;

/** Call to stop receiving events. Calling it twice is harmless. */
export type Unsubscribe = () => void;

/** Receives events; may be async (its errors go to the bus's `onError`, never to the publisher). */
export type EventHandler<E> = (event: E) => void | Promise<void>;

/**
 * The event-bus port. The in-process bus ships here; `@hotline/storage-postgres` provides
 * the same port over LISTEN/NOTIFY so several processes see each other's events.
 *
 * Contract: `publish` delivers the event to every subscriber whose pattern matches, each
 * exactly once per bus; a failing subscriber never affects the publisher or others;
 * `subscribe` returns an {@link Unsubscribe}.
 */
export interface EventBus {
  /** Stamps `id` and `at` if missing, then delivers. Resolves when delivery was handed off. */
  publish<E extends EventInput>(event: E): Promise<HotlineEvent>;
  /** Subscribes to one type (`message.received`), a prefix (`message.*`) or everything (`*`). */
  subscribe<P extends EventPattern>(pattern: P, handler: EventHandler<EventsMatching<P>>): Unsubscribe;
}

/** Options for {@link InMemoryEventBus}. */
export interface InMemoryEventBusOptions {
  /** Stamps `at` on events published without one. @default systemClock */
  clock?: Clock;
  /**
   * Receives errors thrown (or rejected) by subscribers.
   * @default logs with `console.error`
   */
  onError?: (error: unknown, event: HotlineEvent) => void;
}

/**
 * The in-process event bus, on eventemitter3. Subscribers run synchronously in the order
 * they subscribed; async subscribers are not awaited.
 *
 * @example
 * ```ts
 * const bus = new InMemoryEventBus();
 * const off = bus.subscribe('conversation.*', (event) => console.log(event.type));
 * off();
 * ```
 */
export class InMemoryEventBus implements EventBus {
  private readonly emitter = new EventEmitter();
  private readonly prefixes = new Map<string, string>();
  private readonly clock: Clock;
  private readonly onError: (error: unknown, event: HotlineEvent) => void;

  constructor(options: InMemoryEventBusOptions = {}) {
    this.clock = options.clock ?? systemClock;
    this.onError =
      options.onError ?? ((error, event) => console.error(`[hotline] subscriber of ${event.type} failed`, error));
  }

  async publish<E extends EventInput>(input: E): Promise<HotlineEvent> {
    // Object.assign copies a fresh literal several times faster than a spread with extra keys.
    const event = Object.assign({}, input) as EventInput & { id?: string; at?: string };
    event.id ??= newId('event');
    event.at ??= isoNow(this.clock);
    this.deliver(event as HotlineEvent);
    return event as HotlineEvent;
  }

  /** Delivers a fully stamped event (used by bridges that receive events from elsewhere). */
  deliver(event: HotlineEvent): void {
    this.emitter.emit(event.type, event);
    const prefix = this.prefixPattern(event.type);
    if (prefix !== undefined) this.emitter.emit(prefix, event);
    this.emitter.emit('*', event);
  }

  /** The prefix pattern of a type (`message.received` → `message.*`), built once per type. */
  private prefixPattern(type: string): string | undefined {
    let pattern = this.prefixes.get(type);
    if (pattern === undefined) {
      const dot = type.indexOf('.');
      pattern = dot > 0 ? `${type.slice(0, dot)}.*` : '';
      // Types come from code, so there are few; a bridge relaying arbitrary ones gets no cache.
      if (this.prefixes.size < MAX_CACHED_TYPES) this.prefixes.set(type, pattern);
    }
    return pattern === '' ? undefined : pattern;
  }

  subscribe<P extends EventPattern>(pattern: P, handler: EventHandler<EventsMatching<P>>): Unsubscribe {
    if (typeof pattern !== 'string' || !PATTERN.test(pattern)) {
      throw new ValidationError(`invalid event pattern '${String(pattern)}'`, [
        { path: 'pattern', message: "a type such as 'message.received', a prefix such as 'message.*', or '*'" },
      ]);
    }
    if (typeof handler !== 'function') {
      throw new ValidationError('an event handler must be a function', [{ path: 'handler', message: 'function' }]);
    }
    const listener = (event: HotlineEvent) => {
      try {
        const result = handler(event as EventsMatching<P>);
        if (result && typeof (result as Promise<void>).then === 'function') {
          (result as Promise<void>).catch((error: unknown) => this.onError(error, event));
        }
      } catch (error) {
        this.onError(error, event);
      }
    };
    this.emitter.on(pattern, listener);
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      this.emitter.off(pattern, listener);
    };
  }

  /**
   * Whether publishing an event of `type` would reach anyone (its type, its prefix or
   * `*`). Hot paths check it to skip building events nobody listens to.
   */
  hasListeners(type: string): boolean {
    const dot = type.indexOf('.');
    return (
      this.emitter.listenerCount(type) > 0 ||
      (dot > 0 && this.emitter.listenerCount(`${type.slice(0, dot)}.*`) > 0) ||
      this.emitter.listenerCount('*') > 0
    );
  }

  /** Number of subscribers for a pattern (diagnostics, leak tests). */
  listenerCount(pattern: EventPattern): number {
    return this.emitter.listenerCount(pattern);
  }
}
