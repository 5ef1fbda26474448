/**
 * Every table of the journal adapter is a plain `Map` from a string key to a JSON row.
 * Writes never touch the tables directly: they go into a {@link Draft}, which is committed
 * as one list of {@link Op}s (journal first, then memory) or thrown away.
 */

/** The tables. Secondary indexes are tables too, so drafts make them transactional for free. */
export type TableName =
  | 'tenants'
  | 'contacts'
  | 'identities'
  | 'conversations'
  | 'tasks'
  | 'agents'
  | 'queues'
  | 'messages'
  | 'threads'
  | 'lastSeq'
  | 'clientIds'
  | 'providerIds'
  | 'audit'
  | 'auditHead'
  | 'timers'
  | 'outbox'
  | 'outboxKeys';

/** One committed change: `value` stored under `key`, or the key deleted when `value` is null. */
export type Op = [table: TableName, key: string, value: unknown];

/** Runs repository work on a draft: alone (auto-commit) or inside a running transaction. */
export type Run = <T>(work: (draft: Draft) => T) => Promise<T>;

/** A composite key. NUL never appears in ids, so `(a, bc)` and `(ab, c)` cannot collide. */
export const key = (...parts: (string | number)[]): string => parts.join('\u0000');

/** The committed state. */
export class Tables {
  private readonly maps = new Map<TableName, Map<string, unknown>>();

  table(name: TableName): Map<string, unknown> {
    let map = this.maps.get(name);
    if (!map) {
      map = new Map();
      this.maps.set(name, map);
    }
    return map;
  }

  apply(ops: readonly Op[]): void {
    for (const [name, k, value] of ops) {
      if (value === null) this.table(name).delete(k);
      else this.table(name).set(k, deepFreeze(value));
    }
  }
}

/**
 * Uncommitted writes over the committed tables. Reads see the draft's own writes first
 * (read-your-writes inside a transaction); nothing is visible to others until commit.
 */
export class Draft {
  private readonly writes = new Map<TableName, Map<string, unknown>>();
  private active = true;

  constructor(private readonly base: Tables) {}

  get<T>(name: TableName, k: string): T | undefined {
    const written = this.writes.get(name);
    if (written?.has(k)) return (written.get(k) ?? undefined) as T | undefined;
    return this.base.table(name).get(k) as T | undefined;
  }

  /** Stores a frozen copy, so neither the caller's object nor the returned one can change it. */
  put<T>(name: TableName, k: string, value: T): T {
    const copy = deepFreeze(JSON.parse(JSON.stringify(value)) as T);
    this.writesOf(name).set(k, copy);
    return copy;
  }

  delete(name: TableName, k: string): void {
    this.writesOf(name).set(k, null);
  }

  /** Every row of a table whose key starts with `prefix`, committed rows overlaid by drafts. */
  *rows<T>(name: TableName, prefix = ''): Iterable<T> {
    const written = this.writes.get(name);
    for (const [k, value] of this.base.table(name)) {
      if (k.startsWith(prefix) && !written?.has(k)) yield value as T;
    }
    for (const [k, value] of written ?? []) {
      if (k.startsWith(prefix) && value !== null) yield value as T;
    }
  }

  ops(): Op[] {
    const ops: Op[] = [];
    for (const [name, rows] of this.writes) for (const [k, value] of rows) ops.push([name, k, value]);
    return ops;
  }

  /** Ends the draft; a transaction view used after its transaction finished must not write. */
  finish(): void {
    this.active = false;
  }

  get isActive(): boolean {
    return this.active;
  }

  private writesOf(name: TableName): Map<string, unknown> {
    let rows = this.writes.get(name);
    if (!rows) {
      rows = new Map();
      this.writes.set(name, rows);
    }
    return rows;
  }
}

function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
