/** Stops a listener; calling it twice is harmless. */
export type Unsubscribe = () => void;

/**
 * A small typed event emitter for the softphone and its calls. A listener that throws is
 * reported on a microtask (where the host's error reporting sees it) and never breaks the
 * softphone's own bookkeeping, which runs in the middle of SIP event handling.
 */
export class TypedEmitter<Events extends object> {
  private readonly listeners = new Map<keyof Events, Set<(payload: never) => void>>();

  /**
   * Calls `listener` on every `event` until the returned function is called.
   *
   * @example
   * ```ts
   * const off = softphone.on('incoming', ({ call }) => call.answer());
   * off();
   * ```
   */
  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): Unsubscribe {
    const set = this.listeners.get(event) ?? new Set();
    this.listeners.set(event, set);
    set.add(listener as (payload: never) => void);
    return () => {
      set.delete(listener as (payload: never) => void);
    };
  }

  protected emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    const set = this.listeners.get(event);
    if (!set) return;
    for (const listener of [...set] as ((payload: Events[K]) => void)[]) {
      try {
        listener(payload);
      } catch (err) {
        queueMicrotask(() => {
          throw err;
        });
      }
    }
  }
}
