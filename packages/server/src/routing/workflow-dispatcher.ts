import type { Dispatcher, DispatchRequest } from '@hotline/core';

/**
 * The dispatcher the web chat gateway is given: the same object, except that `enqueue`
 * first lets the tenant's workflow pick the queue. The gateway enqueues every new
 * conversation through here (with the queue the visitor or the site chose), so this is
 * the one place workflows need to hook in; everything else reaches the real dispatcher
 * unchanged, methods added to it later included.
 */
export function withWorkflows<D extends Dispatcher>(
  dispatcher: D,
  route: (request: DispatchRequest) => Promise<DispatchRequest>,
): D {
  const enqueue = async (request: DispatchRequest) => dispatcher.enqueue(await route(request));
  return new Proxy(dispatcher, {
    get(target, property) {
      if (property === 'enqueue') return enqueue;
      const value: unknown = Reflect.get(target, property, target);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
}
