/**
 * The runtime semantics of routing expressions, shared by the compiled closures. Every
 * function here is total: it never throws and never reads anything but own, enumerable
 * data properties (no getters run, no prototype chain is consulted).
 *
 * @module
 */
import { EXPRESSION_LIMITS } from './limits.js';

/** Scalar values that `==` and friends compare: strings, numbers, booleans and `null`. */
export type Scalar = string | number | boolean | null;

/**
 * Reads an own, enumerable data property of an object; `undefined` for anything else
 * (non-objects, missing keys, inherited keys, accessors, or a proxy trap that throws).
 */
export function readOwn(target: unknown, key: string): unknown {
  if (typeof target !== 'object' || target === null) return undefined;
  try {
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    // Only data descriptors have `writable`; accessors (getters) are never invoked.
    if (descriptor === undefined || descriptor.enumerable !== true || typeof descriptor.writable !== 'boolean') {
      return undefined;
    }
    return descriptor.value;
  } catch {
    return undefined;
  }
}

/** Whether `value` is a {@link Scalar}. */
export function isScalar(value: unknown): value is Scalar {
  const type = typeof value;
  return type === 'string' || type === 'number' || type === 'boolean' || value === null;
}

/** `==`: both sides scalars of the same type and equal (`NaN` equals nothing). */
export function equals(left: unknown, right: unknown): boolean {
  return left === right && isScalar(left);
}

/** `<`, `<=`, `>`, `>=`: numbers with numbers, strings with strings (UTF-16 code unit order). */
export function compare(operator: '<' | '<=' | '>' | '>=', left: unknown, right: unknown): boolean {
  const type = typeof left;
  if ((type !== 'number' && type !== 'string') || typeof right !== type) return false;
  const l = left as number | string;
  const r = right as number | string;
  switch (operator) {
    case '<':
      return l < r;
    case '<=':
      return l <= r;
    case '>':
      return l > r;
    case '>=':
      return l >= r;
  }
}

/**
 * `container HAS item` (and `item IN container`): an array with an element `equals` to
 * `item` (only the first `maxArrayScan` elements are examined), or a non-array object with
 * `item` (a string) as an own, enumerable, defined data property.
 */
export function has(container: unknown, item: unknown): boolean {
  if (typeof container !== 'object' || container === null || !isScalar(item)) return false;
  try {
    if (!Array.isArray(container)) {
      return typeof item === 'string' && readOwn(container, item) !== undefined;
    }
    // An array's `length` is always an own data property (a proxy's `get` trap may say
    // anything, hence the type check and the scan cap).
    const length: unknown = container.length;
    if (typeof length !== 'number') return false;
    const end = Math.min(length, EXPRESSION_LIMITS.maxArrayScan);
    for (let i = 0; i < end; i++) {
      const descriptor = Object.getOwnPropertyDescriptor(container, i);
      if (
        descriptor !== undefined &&
        descriptor.enumerable === true &&
        typeof descriptor.writable === 'boolean' &&
        descriptor.value === item
      ) {
        return true;
      }
    }
    return false;
  } catch {
    return false;
  }
}

/** `text CONTAINS part`: both strings and `part` occurs in `text`. */
export function contains(text: unknown, part: unknown): boolean {
  return typeof text === 'string' && typeof part === 'string' && text.includes(part);
}

/**
 * Truthiness of a bare value: `false` for missing (`undefined`), `null`, `false`, `0`,
 * `NaN` and `''`; `true` for everything else, including empty arrays and objects.
 */
export function truthy(value: unknown): boolean {
  return !!value;
}
