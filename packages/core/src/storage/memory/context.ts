import { UnavailableError } from '../../errors/hotline-error.js';

/**
 * Transaction machinery of the memory adapter, shared by other in-memory stores (the
 * ticket store of `@hotline/ticketing`).
 *
 * JavaScript runs one callback at a time, so a repository method that does its work
 * without awaiting is atomic. Transactions span awaits, so they take an exclusive gate:
 * outside operations wait for the running transaction to finish (no dirty reads, no
 * interleaved writes), and every write inside the transaction records how to undo itself.
 *
 * @example
 * ```ts
 * const gate = new MemoryGate();
 * const outside = new MemoryContext(gate, false);
 * await gate.hold(async () => {
 *   const tx = new MemoryContext(gate, true);
 *   try {
 *     await tx.enter();
 *     table.set(key, value);
 *     tx.onRollback(() => table.delete(key));
 *     await work();
 *   } catch (error) {
 *     tx.rollback();
 *     throw error;
 *   } finally {
 *     tx.end();
 *   }
 * });
 * await outside.enter(); // waits while a transaction holds the gate
 * ```
 */
export class MemoryGate {
  private current: Promise<void> | undefined;
  /** Set when the storage closes: every later call fails with `UnavailableError`. */
  closed = false;

  /** Resolves once no transaction holds the gate. */
  async waitIdle(): Promise<void> {
    while (this.current) await this.current;
  }

  /** Whether a transaction holds the gate. */
  get busy(): boolean {
    return this.current !== undefined;
  }

  /** Takes the gate for the duration of `fn`. */
  async hold<T>(fn: () => Promise<T>): Promise<T> {
    await this.waitIdle();
    let release!: () => void;
    this.current = new Promise<void>((resolve) => {
      release = resolve;
    });
    try {
      return await fn();
    } finally {
      this.current = undefined;
      release();
    }
  }
}

/** Where repository methods run: outside any transaction, or inside one. */
export class MemoryContext {
  private readonly undo: (() => void)[] | undefined;
  private ended = false;

  constructor(
    readonly gate: MemoryGate,
    inTransaction: boolean,
  ) {
    this.undo = inTransaction ? [] : undefined;
  }

  /** Whether this context runs inside a transaction. */
  get inTransaction(): boolean {
    return this.undo !== undefined;
  }

  /**
   * Call first in every repository method. Outside a transaction it waits while one is
   * running; afterwards the method must finish its work without awaiting again.
   */
  async enter(): Promise<void> {
    if (this.ended) throw new UnavailableError('the transaction has ended; use the outer storage');
    if (this.gate.closed) throw new UnavailableError('storage is closed');
    if (!this.undo && this.gate.busy) await this.gate.waitIdle();
    if (this.gate.closed) throw new UnavailableError('storage is closed');
  }

  /** Records how to revert a write; a no-op outside transactions. */
  onRollback(revert: () => void): void {
    this.undo?.push(revert);
  }

  /** Marks a transaction context as finished: later calls through it fail. */
  end(): void {
    this.ended = true;
  }

  /** Reverts every recorded write, newest first. */
  rollback(): void {
    if (!this.undo) return;
    for (let i = this.undo.length - 1; i >= 0; i--) (this.undo[i] as () => void)();
    this.undo.length = 0;
  }
}
