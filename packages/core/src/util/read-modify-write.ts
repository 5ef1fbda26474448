import { ConflictError, NotFoundError } from '../errors/hotline-error.js';
import { retryOnConflict } from './retry-on-conflict.js';

/** What {@link readModifyWrite} needs to know about one record. */
export interface ReadModifyWrite<T extends { version: number }> {
  /** Entity name for errors, e.g. `conversation`. */
  entity: string;
  id: string;
  /** Reads the current record. */
  load(): Promise<T | undefined>;
  /** The change; return the record unchanged (the same object) to write nothing. */
  change(current: T): T;
  /** Stores `next` if the stored version is still `expectedVersion`. */
  save(next: T, expectedVersion: number, before: T): Promise<T>;
  /** The version the caller last saw: a mismatch is a `CONFLICT`, never retried. */
  expectedVersion?: number;
}

/**
 * The optimistic-concurrency loop every service uses: read, change, write if nobody wrote
 * in between. With `expectedVersion` the caller's view must be current (so an agent's edit
 * never silently overwrites another's); without it, a lost race is retried on fresh data.
 */
export async function readModifyWrite<T extends { version: number }>(
  step: ReadModifyWrite<T>,
): Promise<{ before: T; after: T }> {
  const attempt = async () => {
    const before = await step.load();
    if (!before) throw new NotFoundError(step.entity, step.id);
    if (step.expectedVersion !== undefined && before.version !== step.expectedVersion) {
      throw versionConflict(step.entity, step.id, step.expectedVersion, before.version);
    }
    const next = step.change(before);
    if (next === before) return { before, after: before };
    return { before, after: await step.save(next, before.version, before) };
  };
  return step.expectedVersion !== undefined ? attempt() : retryOnConflict(attempt);
}

/** The `CONFLICT` error for a stale version, with `details.reason === 'version'`. */
export function versionConflict(
  entity: string,
  id: string,
  expectedVersion: number,
  actualVersion: number,
): ConflictError {
  return new ConflictError(`${entity} ${id} was changed by someone else`, {
    details: { reason: 'version', entity, id, expectedVersion, actualVersion },
  });
}
