import type { ErrorCode } from '../errors/error-codes.js';
import { isHotlineError } from '../errors/hotline-error.js';

/** Thrown by the conformance kit's checks; carries what was expected and what came back. */
export class ConformanceFailure extends Error {
  override readonly name = 'ConformanceFailure';
  constructor(
    message: string,
    readonly expected?: unknown,
    readonly actual?: unknown,
  ) {
    super(
      expected === undefined && actual === undefined
        ? message
        : `${message}\n  expected: ${show(expected)}\n  actual:   ${show(actual)}`,
    );
  }
}

function show(value: unknown): string {
  try {
    const text = JSON.stringify(value);
    return text === undefined ? String(value) : text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
  } catch {
    return String(value);
  }
}

/** Structural equality of JSON-like values (key order ignored, `undefined` keys ignored). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a) && Array.isArray(b)) {
    return a.length === b.length && a.every((item, index) => deepEqual(item, b[index]));
  }
  const ao = a as Record<string, unknown>;
  const bo = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ao), ...Object.keys(bo)]);
  for (const key of keys) if (!deepEqual(ao[key], bo[key])) return false;
  return true;
}

/** Fails unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ConformanceFailure(message);
}

/** Fails unless `actual` deep-equals `expected`. */
export function checkEqual<T>(actual: unknown, expected: T, message: string): asserts actual is T {
  if (!deepEqual(actual, expected)) throw new ConformanceFailure(message, expected, actual);
}

/** Fails unless the promise rejects with a Hotline error of `code`; returns the error. */
export async function checkRejects(promise: Promise<unknown>, code: ErrorCode, message: string): Promise<Error> {
  try {
    await promise;
  } catch (error) {
    if (isHotlineError(error, code)) return error;
    throw new ConformanceFailure(`${message}: rejected with the wrong error`, code, {
      name: (error as Error)?.name,
      code: (error as { code?: unknown })?.code,
      message: (error as Error)?.message,
    });
  }
  throw new ConformanceFailure(`${message}: resolved, expected a rejection`, code, 'resolved');
}
