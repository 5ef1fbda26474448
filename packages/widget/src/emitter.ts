/** A listener that may throw: its error is reported, the other listeners still run. */
type Listener<T> = (payload: T) => void;

/** A minimal typed event emitter; `on` returns the unsubscribe. */
export interface Emitter<Events> {
  on<E extends keyof Events>(event: E, listener: Listener<Events[E]>): () => void;
  emit<E extends keyof Events>(event: E, payload: Events[E]): void;
  clear(): void;
}

/** Creates an {@link Emitter}. */
export function createEmitter<Events>(): Emitter<Events> {
  const listeners = new Map<keyof Events, Set<Listener<never>>>();
  return {
    on(event, listener) {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      set.add(listener);
      return () => void set.delete(listener);
    },
    emit(event, payload) {
      for (const listener of [...(listeners.get(event) ?? [])]) {
        try {
          (listener as Listener<typeof payload>)(payload);
        } catch (error) {
          // A host's listener must not break the widget; the error still reaches the console.
          setTimeout(() => {
            throw error;
          });
        }
      }
    },
    clear: () => listeners.clear(),
  };
}
