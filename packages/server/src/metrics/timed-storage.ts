import type { Storage } from '@hotline/core';
import { type ObserveCall, timedMethods } from './timed.js';

const REPOSITORIES = [
  'tenants',
  'contacts',
  'conversations',
  'messages',
  'tasks',
  'agents',
  'queues',
  'audit',
  'timers',
  'outbox',
] as const;

/**
 * The storage with every repository call timed (`observe('messages', 'append', seconds)`)
 * and each transaction timed as a whole (`observe('storage', 'transaction', …)`; the calls
 * inside it are not timed one by one). Everything else, adapter extras included, passes
 * through.
 */
export function timedStorage(storage: Storage, observe: ObserveCall): Storage {
  const repositories = new Map<PropertyKey, unknown>(
    REPOSITORIES.map((name) => [name, timedMethods(storage[name], name, observe)]),
  );
  const transaction: Storage['transaction'] = (fn) => {
    const started = performance.now();
    return storage
      .transaction(fn)
      .finally(() => observe('storage', 'transaction', (performance.now() - started) / 1000));
  };
  return new Proxy(storage, {
    get(base, property) {
      if (property === 'transaction') return transaction;
      const repository = repositories.get(property);
      if (repository !== undefined) return repository;
      const value: unknown = Reflect.get(base, property, base);
      return typeof value === 'function' ? value.bind(base) : value;
    },
  });
}
