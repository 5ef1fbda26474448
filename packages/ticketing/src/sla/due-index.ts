/** One tracked ticket and when its next SLA alarm fires. */
export interface SlaDueEntry {
  readonly tenantId: string;
  readonly ticketId: string;
  /** Epoch ms of the ticket's next alarm. */
  readonly at: number;
  /** The entry's slot in the index: a hint that saves a lookup when the ticket is put back. */
  readonly slot: number;
}

/** What the monitor shows of its index: reads only. */
export type SlaDueView = Pick<SlaDueIndex, 'size' | 'dueAt' | 'peek' | 'entries'>;

const INITIAL_SLOTS = 64;

/**
 * The monitor's due index: the next alarm instant of every tracked ticket, as an indexed
 * 4-ary min-heap. A million tickets must stay cheap to hold and to sift through, so the
 * heap is struct-of-arrays: instants and slot numbers in typed arrays (a node's four
 * children share a cache line), each slot knowing its heap position, and a
 * tenant → ticket → slot map for lookups. Moving or removing a ticket is O(log n) in
 * place, so the heap holds no stale entries and its size is the number of tickets; taking
 * the k due entries costs O(k log n) whatever n is. Ties fire in slot order.
 */
export class SlaDueIndex {
  private readonly tenants = new Map<string, Map<string, number>>();
  private tenantOf: string[] = [];
  private ticketOf: string[] = [];
  /** Per slot: its instant and heap position (-1 when taken out or free). */
  private atOf = new Float64Array(INITIAL_SLOTS);
  private posOf = new Int32Array(INITIAL_SLOTS).fill(-1);
  /** Per heap position: the slot there and its instant (copied, so sifting reads one array). */
  private heapSlots = new Int32Array(INITIAL_SLOTS);
  private heapAt = new Float64Array(INITIAL_SLOTS);
  private length = 0;
  private slots = 0;
  private readonly free: number[] = [];
  private count = 0;

  /** Tickets tracked (in the heap or taken out for firing). */
  get size(): number {
    return this.count;
  }

  /** A tracked ticket's alarm instant. */
  dueAt(tenantId: string, ticketId: string): number | undefined {
    const slot = this.tenants.get(tenantId)?.get(ticketId);
    return slot === undefined ? undefined : this.atOf[slot];
  }

  /** The entry with the earliest instant. */
  peek(): SlaDueEntry | undefined {
    return this.length === 0 ? undefined : this.entryOf(this.heapSlots[0] as number);
  }

  /** The earliest instant, without building an entry. */
  peekAt(): number | undefined {
    return this.length === 0 ? undefined : this.heapAt[0];
  }

  /**
   * Tracks a ticket's next alarm at `at`, or moves it there. `slot` (from a taken entry)
   * skips the lookup when it still belongs to this ticket.
   *
   * @returns whether anything changed (a new entry, a new instant, or an entry put back)
   */
  set(tenantId: string, ticketId: string, at: number, slot?: number): boolean {
    let found = slot !== undefined && this.owns(slot, tenantId, ticketId) ? slot : this.lookup(tenantId, ticketId);
    if (found === undefined) {
      found = this.allocate(tenantId, ticketId);
      this.atOf[found] = at;
      this.push(found);
      return true;
    }
    const pos = this.posOf[found] as number;
    if (pos < 0) {
      this.atOf[found] = at;
      this.push(found);
      return true;
    }
    const previous = this.atOf[found] as number;
    if (previous === at) return false;
    this.atOf[found] = at;
    this.heapAt[pos] = at;
    if (at < previous) this.up(pos);
    else this.down(pos);
    return true;
  }

  /** Stops tracking a ticket. */
  delete(tenantId: string, ticketId: string): boolean {
    const tickets = this.tenants.get(tenantId);
    const slot = tickets?.get(ticketId);
    if (tickets === undefined || slot === undefined) return false;
    tickets.delete(ticketId);
    if (tickets.size === 0) this.tenants.delete(tenantId);
    const pos = this.posOf[slot] as number;
    if (pos >= 0) this.removeAt(pos);
    this.tenantOf[slot] = '';
    this.ticketOf[slot] = '';
    this.free.push(slot);
    this.count--;
    return true;
  }

  /**
   * Takes every entry due at or before `now` out of the heap, earliest first. They stay
   * tracked until `set` puts them back or `delete` drops them.
   */
  takeDue(now: number, limit = Number.POSITIVE_INFINITY): SlaDueEntry[] {
    const out: SlaDueEntry[] = [];
    while (out.length < limit && this.length > 0 && (this.heapAt[0] as number) <= now) {
      const slot = this.heapSlots[0] as number;
      this.removeAt(0);
      out.push(this.entryOf(slot));
    }
    return out;
  }

  /** Every tracked entry, in no particular order (diagnostics, the bench's linear-scan baseline). */
  *entries(): IterableIterator<SlaDueEntry> {
    for (const tickets of this.tenants.values()) for (const slot of tickets.values()) yield this.entryOf(slot);
  }

  clear(): void {
    this.tenants.clear();
    this.tenantOf = [];
    this.ticketOf = [];
    this.posOf.fill(-1);
    this.length = 0;
    this.slots = 0;
    this.free.length = 0;
    this.count = 0;
  }

  private entryOf(slot: number): SlaDueEntry {
    return {
      tenantId: this.tenantOf[slot] as string,
      ticketId: this.ticketOf[slot] as string,
      at: this.atOf[slot] as number,
      slot,
    };
  }

  private owns(slot: number, tenantId: string, ticketId: string): boolean {
    return slot < this.slots && this.ticketOf[slot] === ticketId && this.tenantOf[slot] === tenantId;
  }

  private lookup(tenantId: string, ticketId: string): number | undefined {
    return this.tenants.get(tenantId)?.get(ticketId);
  }

  private allocate(tenantId: string, ticketId: string): number {
    let slot = this.free.pop();
    if (slot === undefined) {
      slot = this.slots++;
      if (slot >= this.atOf.length) this.grow();
    }
    this.tenantOf[slot] = tenantId;
    this.ticketOf[slot] = ticketId;
    this.posOf[slot] = -1;
    let tickets = this.tenants.get(tenantId);
    if (tickets === undefined) {
      tickets = new Map();
      this.tenants.set(tenantId, tickets);
    }
    tickets.set(ticketId, slot);
    this.count++;
    return slot;
  }

  private grow(): void {
    const size = this.atOf.length * 2;
    const at = new Float64Array(size);
    at.set(this.atOf);
    this.atOf = at;
    const pos = new Int32Array(size).fill(-1);
    pos.set(this.posOf);
    this.posOf = pos;
    const heapSlots = new Int32Array(size);
    heapSlots.set(this.heapSlots);
    this.heapSlots = heapSlots;
    const heapAt = new Float64Array(size);
    heapAt.set(this.heapAt);
    this.heapAt = heapAt;
  }

  private push(slot: number): void {
    const pos = this.length++;
    this.heapSlots[pos] = slot;
    this.heapAt[pos] = this.atOf[slot] as number;
    this.posOf[slot] = pos;
    this.up(pos);
  }

  private removeAt(pos: number): void {
    this.posOf[this.heapSlots[pos] as number] = -1;
    const last = --this.length;
    if (pos === last) return;
    const moved = this.heapSlots[last] as number;
    this.heapSlots[pos] = moved;
    this.heapAt[pos] = this.heapAt[last] as number;
    this.posOf[moved] = pos;
    this.down(pos);
    this.up(this.posOf[moved] as number);
  }

  private up(start: number): void {
    const heapAt = this.heapAt;
    const heapSlots = this.heapSlots;
    const slot = heapSlots[start] as number;
    const at = heapAt[start] as number;
    let pos = start;
    while (pos > 0) {
      const parent = (pos - 1) >> 2;
      const parentAt = heapAt[parent] as number;
      const parentSlot = heapSlots[parent] as number;
      if (parentAt < at || (parentAt === at && parentSlot < slot)) break;
      heapAt[pos] = parentAt;
      heapSlots[pos] = parentSlot;
      this.posOf[parentSlot] = pos;
      pos = parent;
    }
    heapAt[pos] = at;
    heapSlots[pos] = slot;
    this.posOf[slot] = pos;
  }

  private down(start: number): void {
    const heapAt = this.heapAt;
    const heapSlots = this.heapSlots;
    const length = this.length;
    const slot = heapSlots[start] as number;
    const at = heapAt[start] as number;
    let pos = start;
    for (;;) {
      const first = 4 * pos + 1;
      if (first >= length) break;
      let best = first;
      let bestAt = heapAt[first] as number;
      let bestSlot = heapSlots[first] as number;
      const end = Math.min(first + 4, length);
      for (let child = first + 1; child < end; child++) {
        const childAt = heapAt[child] as number;
        const childSlot = heapSlots[child] as number;
        if (childAt < bestAt || (childAt === bestAt && childSlot < bestSlot)) {
          best = child;
          bestAt = childAt;
          bestSlot = childSlot;
        }
      }
      if (at < bestAt || (at === bestAt && slot < bestSlot)) break;
      heapAt[pos] = bestAt;
      heapSlots[pos] = bestSlot;
      this.posOf[bestSlot] = pos;
      pos = best;
    }
    heapAt[pos] = at;
    heapSlots[pos] = slot;
    this.posOf[slot] = pos;
  }
}
