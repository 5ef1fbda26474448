import { ValidationError } from '@hotline/core';
import { z } from 'zod';

/**
 * The largest staffing group the formulas accept. Every model here costs O(agents), so the cap keeps a
 * typo (an arrival rate per hour passed as per second, say) from turning into a multi-second loop.
 */
export const MAX_AGENTS = 1_000_000;

/** A number of agents: an integer in `1..MAX_AGENTS`. */
export const agentsSchema = z.int().min(1).max(MAX_AGENTS);

/** Strictly positive and finite (zod 4's `z.number()` already rejects NaN and ±Infinity). */
export const positiveSchema = z.number().positive();

/** A waiting-time threshold in seconds: zero or more, finite. */
export const thresholdSchema = z.number().min(0);

/** A service-level target as a fraction strictly between 0 and 1. */
export const targetSchema = z.number().gt(0).lt(1);

/**
 * Cheap argument check for hot paths (functions a simulator may call millions of times), where a zod
 * parse would dominate the cost. Throws the same {@link ValidationError} a schema would.
 */
export function assertNumber(
  value: unknown,
  path: string,
  rule: 'finite' | 'positive' | 'nonNegative',
  what: string,
): asserts value is number {
  if (typeof value === 'number' && Number.isFinite(value)) {
    if (rule === 'finite' || (rule === 'positive' ? value > 0 : value >= 0)) return;
  }
  const message = `Expected a finite number${rule === 'positive' ? ' > 0' : rule === 'nonNegative' ? ' >= 0' : ''}`;
  throw new ValidationError(`Invalid ${what}: ${path}: ${message}`, [{ path, message, code: 'invalid_value' }]);
}

/** Like {@link assertNumber}, for an integer in `min..max`. */
export function assertInteger(
  value: unknown,
  path: string,
  min: number,
  max: number,
  what: string,
): asserts value is number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= min && value <= max) return;
  const message = `Expected an integer in ${min}..${max}`;
  throw new ValidationError(`Invalid ${what}: ${path}: ${message}`, [{ path, message, code: 'invalid_value' }]);
}

/** Throws a {@link ValidationError} for an input that is well-formed but asks for the impossible. */
export function unreachable(what: string, path: string, message: string): never {
  throw new ValidationError(`Invalid ${what}: ${path || '(root)'}: ${message}`, [
    { path, message, code: 'unreachable' },
  ]);
}
