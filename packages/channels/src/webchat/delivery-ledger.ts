/** How long a delivery mark waits for its twin before the sweep forgets it. */
const MARK_TTL_MS = 30_000;

/**
 * Makes each message reach this process's connections once although it can arrive two
 * ways: in the hands of the connection that appended it (the fast path) and as a bus
 * event (the path for messages appended anywhere). Whichever comes first pushes and
 * leaves a mark; the second finds the mark, removes it and does nothing. Marks are only
 * left while a local append is in flight, so the ledger stays near empty.
 */
export class DeliveryLedger {
  private readonly marks = new Map<string, number>();

  /** Leaves a mark for a message pushed by one path. */
  mark(messageId: string, now: number): void {
    this.marks.set(messageId, now);
  }

  /** Whether the other path already pushed this message (and forgets the mark). */
  consume(messageId: string): boolean {
    return this.marks.delete(messageId);
  }

  /** Forgets marks whose twin never came (a bus that dropped the event). */
  sweep(now: number): void {
    // Map iteration is in insertion order, so the oldest marks come first.
    for (const [id, at] of this.marks) {
      if (now - at < MARK_TTL_MS) break;
      this.marks.delete(id);
    }
  }

  get size(): number {
    return this.marks.size;
  }
}
