/** Reports how long one call took: what was called and the seconds it took. */
export type ObserveCall = (target: string, method: string, seconds: number) => void;

/**
 * A view of `object` whose methods report their duration to `observe` (as `target`,
 * method name) when the promise they return settles, failed calls included. Properties
 * that are not functions, and methods in `skip`, pass through untouched; `this` stays the
 * original object.
 */
export function timedMethods<T extends object>(
  object: T,
  target: string,
  observe: ObserveCall,
  skip: ReadonlySet<PropertyKey> = new Set(),
): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(object, {
    get(base, property) {
      const value: unknown = Reflect.get(base, property, base);
      if (typeof value !== 'function' || skip.has(property)) {
        return typeof value === 'function' ? value.bind(base) : value;
      }
      let timed = wrapped.get(property);
      if (!timed) {
        const method = value as (...args: unknown[]) => unknown;
        const name = String(property);
        timed = (...args: unknown[]) => {
          const started = performance.now();
          const done = () => observe(target, name, (performance.now() - started) / 1000);
          const result = method.apply(base, args);
          if (result instanceof Promise) return result.finally(done);
          done();
          return result;
        };
        wrapped.set(property, timed);
      }
      return timed;
    },
  });
}
