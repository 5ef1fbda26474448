/**
 * Returns a deep-frozen copy of a JSON-like value. Stores use it so that neither the
 * caller's object (copied) nor the stored one (frozen) can be changed behind their back.
 * Copies plain objects and arrays in one pass (several times faster than
 * `structuredClone` on small records); anything else falls back to `structuredClone`.
 */
export function frozenCopy<T>(value: T): T {
  return copy(value) as T;
}

function copy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copy(value[i]);
    return Object.freeze(out);
  }
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return deepFreeze(structuredClone(value));
  return Object.freeze(copyFields({}, value));
}

/**
 * {@link frozenCopy} of a plain record with more fields on top, in one copy (a spread
 * first would copy every field twice). `extra` wins over `value`, as in `{ ...value, ...extra }`.
 */
export function frozenCopyWith<T extends object, E extends object>(value: T, extra: E): T & E {
  const proto = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) return frozenCopy({ ...value, ...extra });
  return Object.freeze(copyFields(copyFields({}, value), extra)) as T & E;
}

/** Copies the fields of a plain object into `out`, each deeply. */
function copyFields(out: Record<string, unknown>, value: object): Record<string, unknown> {
  // for…in walks the enum cache, where Object.keys would allocate an array per object.
  for (const key in value) {
    if (!Object.hasOwn(value, key)) continue;
    const item = (value as Record<string, unknown>)[key];
    // Optional fields set to undefined are left out, as JSON and databases would.
    if (item === undefined) continue;
    // Assigning `__proto__` would set the copy's prototype; define it as plain data instead.
    if (key === '__proto__')
      Object.defineProperty(out, key, { value: copy(item), enumerable: true, writable: true, configurable: true });
    else out[key] = copy(item);
  }
  return out;
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}
