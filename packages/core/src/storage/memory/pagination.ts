import { ValidationError } from '../../errors/hotline-error.js';
import { DEFAULT_PAGE_SIZE, type ListOptions, MAX_PAGE_SIZE, type Page } from '../ports.js';

/** The page size to use for list options, capped at {@link MAX_PAGE_SIZE}. */
export function pageLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(limit) || limit < 1) {
    throw new ValidationError('limit must be a positive integer', [{ path: 'limit', message: 'positive integer' }]);
  }
  return Math.min(limit, MAX_PAGE_SIZE);
}

/**
 * Pages through records sorted by id. The cursor is the last id of the previous page,
 * so pages stay stable while records are added.
 */
export function paginateById<T extends { id: string }>(records: Iterable<T>, options: ListOptions = {}): Page<T> {
  const limit = pageLimit(options.limit);
  const after = options.cursor;
  const sorted = [...records].filter((r) => after === undefined || r.id > after).sort(byId);
  const items = sorted.slice(0, limit);
  const last = items[items.length - 1];
  return sorted.length > limit && last ? { items, nextCursor: last.id } : { items };
}

function byId(a: { id: string }, b: { id: string }): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
