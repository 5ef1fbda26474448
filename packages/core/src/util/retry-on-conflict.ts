import { type HotlineError, isHotlineError } from '../errors/hotline-error.js';

/** A version race: the record changed between read and write (not a uniqueness conflict). */
export function isVersionConflict(error: HotlineError): boolean {
  const reason = error.details['reason'];
  return reason === undefined || reason === 'version';
}

/**
 * Runs a read-modify-write step, re-running it when it loses an optimistic-concurrency
 * race. The step must re-read what it modifies on every attempt. By default only version
 * races are retried; uniqueness conflicts (`identity_taken`) are the caller's to handle.
 */
export async function retryOnConflict<T>(
  step: (attempt: number) => Promise<T>,
  options: { attempts?: number; retryIf?: (error: HotlineError) => boolean } = {},
): Promise<T> {
  const attempts = options.attempts ?? 8;
  const retryIf = options.retryIf ?? isVersionConflict;
  for (let attempt = 1; ; attempt++) {
    try {
      return await step(attempt);
    } catch (error) {
      if (attempt >= attempts || !isHotlineError(error, 'CONFLICT') || !retryIf(error)) throw error;
    }
  }
}
