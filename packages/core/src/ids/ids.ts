/**
 * Sortable unique ids: a short type prefix, an underscore, then a 26-character ULID
 * (48-bit millisecond time + 80 random bits, Crockford base32). Ids of one prefix sort by
 * creation time as plain strings, which keeps database indexes append-mostly. Within one
 * millisecond a generator increments the random part, so ids it makes are strictly
 * increasing.
 */

const ENCODING = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const TIME_LEN = 10;
const RANDOM_LEN = 16;
const MAX_TIME = 2 ** 48 - 1;
/** Prefixes whose char-code template a generator keeps. */
const MAX_TEMPLATES = 64;

/** Known prefixes; hosts may use their own (2–8 lowercase letters). */
export const ID_PREFIXES = {
  tenant: 'ten',
  contact: 'ctc',
  conversation: 'cnv',
  message: 'msg',
  leg: 'leg',
  task: 'tsk',
  agent: 'agt',
  queue: 'que',
  timer: 'tmr',
  outbox: 'obx',
  audit: 'aud',
  reservation: 'rsv',
  event: 'evt',
  ticket: 'tkt',
} as const;

/** A name from {@link ID_PREFIXES}. */
export type IdKind = keyof typeof ID_PREFIXES;

/** Options for {@link createIdGenerator}. */
export interface IdGeneratorOptions {
  /** Milliseconds since the epoch. @default `Date.now` */
  now?: () => number;
  /** Fills a byte array with random values. @default WebCrypto `getRandomValues` */
  randomBytes?: (bytes: Uint8Array) => void;
}

/** Makes prefixed, sortable ids. */
export interface IdGenerator {
  /** A new id for an entity kind, e.g. `cnv_01J9Z3K6W8C7Q2V4R5T6Y7U8I9`. */
  next(kind: IdKind | (string & {})): string;
}

/** Random bytes are drawn in blocks: one `getRandomValues` call per id costs more than the id. */
const POOL_SIZE = 4096;
let pool = new Uint8Array(0);
let poolOffset = 0;

function defaultRandomBytes(bytes: Uint8Array): void {
  if (poolOffset + bytes.length > pool.length) {
    pool = new Uint8Array(POOL_SIZE);
    globalThis.crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  bytes.set(pool.subarray(poolOffset, poolOffset + bytes.length));
  poolOffset += bytes.length;
}

/**
 * Creates an id generator. Use the default {@link newId} unless you need deterministic
 * ids (tests, simulations).
 *
 * @example
 * ```ts
 * const ids = createIdGenerator({ now: () => clock.now() });
 * ids.next('conversation'); // 'cnv_01J…'
 * ```
 */
export function createIdGenerator(options: IdGeneratorOptions = {}): IdGenerator {
  const now = options.now ?? (() => Date.now());
  const randomBytes = options.randomBytes ?? defaultRandomBytes;
  let lastTime = -1;
  // Random part as 16 base32 digits, so a same-millisecond increment is a digit carry.
  const lastRandom: number[] = new Array(RANDOM_LEN).fill(0);

  // Reused buffers: an id allocates nothing but its own string.
  const bytes = new Uint8Array(RANDOM_LEN);
  /** Per prefix, an id's char codes with the prefix and `_` filled in; the rest is written per id. */
  const templates = new Map<string, number[]>();

  function freshRandom(): void {
    randomBytes(bytes);
    for (let i = 0; i < RANDOM_LEN; i++) lastRandom[i] = (bytes[i] as number) & 31;
  }

  function increment(): boolean {
    for (let i = RANDOM_LEN - 1; i >= 0; i--) {
      const digit = lastRandom[i] as number;
      if (digit < 31) {
        lastRandom[i] = digit + 1;
        return true;
      }
      lastRandom[i] = 0;
    }
    return false;
  }

  function template(prefix: string): number[] {
    const known = templates.get(prefix);
    if (known) return known;
    if (!/^[a-z]{2,8}$/.test(prefix)) throw new RangeError(`invalid id prefix: ${prefix}`);
    const codes = new Array<number>(prefix.length + 1 + TIME_LEN + RANDOM_LEN).fill(0);
    for (let i = 0; i < prefix.length; i++) codes[i] = prefix.charCodeAt(i);
    codes[prefix.length] = 95; // '_'
    // Hosts use a few prefixes; one generating endless new ones gets no cache.
    if (templates.size < MAX_TEMPLATES) templates.set(prefix, codes);
    return codes;
  }

  function ulid(prefix: string): string {
    const codes = template(prefix);
    let time = Math.floor(now());
    if (!Number.isFinite(time) || time < 0 || time > MAX_TIME) {
      throw new RangeError(`id clock out of range: ${time}`);
    }
    // A clock that steps back must not break ordering: stay on the last millisecond.
    if (time <= lastTime) {
      time = lastTime;
      if (!increment()) {
        time = lastTime + 1;
        freshRandom();
      }
    } else {
      freshRandom();
    }
    lastTime = time;
    // Build the id from char codes in one go: string concatenation would leave a rope of
    // 26 pieces per id, several hundred bytes each once millions of ids are kept.
    const head = prefix.length + 1;
    let t = time;
    for (let i = TIME_LEN - 1; i >= 0; i--) {
      codes[head + i] = ENCODING.charCodeAt(t % 32);
      t = Math.floor(t / 32);
    }
    for (let i = 0; i < RANDOM_LEN; i++) codes[head + TIME_LEN + i] = ENCODING.charCodeAt(lastRandom[i] as number);
    return String.fromCharCode(...codes);
  }

  return {
    next(kind) {
      return ulid((ID_PREFIXES as Record<string, string>)[kind] ?? kind);
    },
  };
}

const defaultGenerator = createIdGenerator();

/**
 * A new sortable id for an entity kind.
 *
 * @example
 * ```ts
 * newId('message'); // 'msg_01J9Z3K6W8C7Q2V4R5T6Y7U8I9'
 * ```
 */
export function newId(kind: IdKind | (string & {})): string {
  return defaultGenerator.next(kind);
}

/** The creation time (ms since epoch) encoded in an id made by this module, or `undefined`. */
export function idTimestamp(id: string): number | undefined {
  const match = /^[a-z]{2,8}_([0-9A-HJKMNP-TV-Z]{26})$/.exec(id);
  if (!match) return undefined;
  let time = 0;
  for (const char of (match[1] as string).slice(0, TIME_LEN)) time = time * 32 + ENCODING.indexOf(char);
  return time;
}
