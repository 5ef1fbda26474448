import { ValidationError } from '../errors/hotline-error.js';

/**
 * Serialises a JSON value canonically: object keys sorted (by UTF-16 code units, as in
 * RFC 8785), no whitespace, properties whose value is `undefined` left out. Equal values
 * give byte-identical text whatever order their keys were built in or came back from a
 * database, which is what a hash over stored data needs.
 *
 * For the values Hotline stores (strings, finite numbers, booleans, null, arrays, plain
 * objects) the output is RFC 8785 (JCS): numbers and strings are written as
 * `JSON.stringify` writes them, which is what JCS specifies.
 *
 * Anything that is not plain JSON is refused rather than silently changed: `NaN` and
 * infinities, `bigint`, functions, symbols, `undefined` inside arrays, class instances
 * (`Date`, `Map`…) and cycles.
 *
 * @throws ValidationError when `value` is not plain JSON.
 * @example
 * ```ts
 * canonicalJson({ b: 1, a: [true, null], c: undefined }); // '{"a":[true,null],"b":1}'
 * ```
 */
export function canonicalJson(value: unknown): string {
  return write(value, '', new Set());
}

function write(value: unknown, path: string, ancestors: Set<object>): string {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return JSON.stringify(value);
    case 'number':
      if (!Number.isFinite(value)) throw notJson(path, 'numbers must be finite');
      return JSON.stringify(value);
    case 'object':
      break;
    default:
      throw notJson(path, `${typeof value} is not JSON`);
  }
  if (value === null) return 'null';
  if (ancestors.has(value)) throw notJson(path, 'cycle');
  ancestors.add(value);
  let out: string;
  if (Array.isArray(value)) {
    const items: string[] = [];
    for (let i = 0; i < value.length; i++) {
      if (value[i] === undefined) throw notJson(join(path, String(i)), 'undefined in an array');
      items.push(write(value[i], join(path, String(i)), ancestors));
    }
    out = `[${items.join(',')}]`;
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) throw notJson(path, 'only plain objects are JSON');
    const record = value as Record<string, unknown>;
    const members: string[] = [];
    for (const key of Object.keys(record).sort()) {
      const member = record[key];
      if (member === undefined) continue;
      members.push(`${JSON.stringify(key)}:${write(member, join(path, key), ancestors)}`);
    }
    out = `{${members.join(',')}}`;
  }
  ancestors.delete(value);
  return out;
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

function notJson(path: string, message: string): ValidationError {
  return new ValidationError(`Not canonical JSON: ${path || '(root)'}: ${message}`, [{ path, message }]);
}
