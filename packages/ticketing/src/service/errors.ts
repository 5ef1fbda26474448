import { HotlineError } from '@hotline/core';

/**
 * A write came from a chain of writes deeper than the service's `maxDepth` (a rule
 * reacting to its own change, two rules undoing each other…). Code `FORBIDDEN` with
 * `details.reason === 'depth_exceeded'`: retrying cannot succeed. Nothing was written.
 */
export class WriteDepthExceededError extends HotlineError {
  override readonly name = 'WriteDepthExceededError';
  constructor(depth: number, maxDepth: number) {
    super('FORBIDDEN', `Write depth ${depth} exceeds the limit of ${maxDepth}: a rule loop was stopped`, {
      details: { reason: 'depth_exceeded', depth, maxDepth },
    });
  }
}
