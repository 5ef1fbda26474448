/** Stops a listener; calling it twice is harmless. */
export type Unsubscribe = () => void;

/**
 * A minimal typed event emitter (the widget's size budget has no room for a library), the
 * base of `CustomerChat` and `AgentDesk` and of the widget's events.
 * A listener that throws does not stop the others, nor the client's own bookkeeping: its
 * error is rethrown on a microtask, where the host's error reporting sees it.
 */
export class Emitter<Events extends object> {
  private _listeners: { [K in keyof Events]?: Set<(payload: Events[K]) => void> } = {};

  /**
   * Calls `listener` on every `event` until the returned function is called.
   *
   * @example
   * ```ts
   * const off = chat.on('message', (message) => render(message));
   * off();
   * ```
   */
  on<K extends keyof Events>(event: K, listener: (payload: Events[K]) => void): Unsubscribe {
    let set = this._listeners[event];
    if (!set) this._listeners[event] = set = new Set();
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  }

  protected _emit<K extends keyof Events>(event: K, payload: Events[K]): void {
    for (const listener of [...(this._listeners[event] ?? [])]) {
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
