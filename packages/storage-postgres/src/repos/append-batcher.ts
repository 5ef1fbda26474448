import { type AppendResult, isHotlineError, type Message, type NewMessage, NotFoundError } from '@hotline/core';
import type { Queryable } from '../driver/sql-driver.js';
import { APPEND_SQL, type AppendOutcome, toAppendRow } from './append-sql.js';

interface Pending {
  message: NewMessage;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/** Largest batch per statement. */
const MAX_BATCH = 512;
/** Batches in flight at once, each on its own connection. */
const MAX_IN_FLIGHT = 2;
/** Attempts for one row that keeps colliding with concurrent writers. */
const ROW_ATTEMPTS = 5;

/** Runs the append statement for some messages and maps each outcome. */
export async function appendRows(q: Queryable, messages: readonly NewMessage[]): Promise<(AppendResult | Error)[]> {
  const { rows } = await q.query<AppendOutcome>(APPEND_SQL, [JSON.stringify(messages.map(toAppendRow))], 'hl_append');
  const out: (AppendResult | Error)[] = new Array(messages.length);
  const byId = new Map(messages.map((m, i) => [m.id, i]));
  for (const row of rows) {
    const i = row.i ?? (byId.get(row.id as string) as number);
    const message = messages[i] as NewMessage;
    // A copy: the caller's object must not be shared with what storage returns.
    if (row.outcome === 'created') {
      out[i] = { message: { ...structuredClone(message), seq: Number(row.seq) } as Message, created: true };
    } else if (row.outcome === 'existing' && row.data) out[i] = { message: row.data, created: false };
    else out[i] = new NotFoundError('conversation', message.conversationId);
  }
  return out;
}

/** Appends one message, retrying when it collides with a concurrent writer of the same key. */
export async function appendOne(q: Queryable, message: NewMessage): Promise<AppendResult> {
  for (let attempt = 1; ; attempt++) {
    try {
      const [result] = await appendRows(q, [message]);
      if (result instanceof Error) throw result;
      return result as AppendResult;
    } catch (error) {
      // A concurrent writer inserted the same key first: the next attempt finds it.
      const collided = isHotlineError(error, 'ALREADY_EXISTS') && error.details['constraint'] !== 'hl_messages_id';
      if (!collided || attempt >= ROW_ATTEMPTS) throw translateIdCollision(error, message);
    }
  }
}

function translateIdCollision(error: unknown, message: NewMessage): unknown {
  if (isHotlineError(error, 'ALREADY_EXISTS') && error.details['constraint'] === 'hl_messages_id') {
    return Object.assign(error, { message: `message ${message.id} already exists` });
  }
  return error;
}

/**
 * Group commit for appends outside transactions. Appends that arrive while statements are
 * in flight wait and then go together in the next one, so under load one round trip and
 * one commit (fsync) carry dozens of appends; a lone writer pays nothing, since its append
 * goes out at once. Up to `MAX_IN_FLIGHT` batches run at once on separate connections so
 * one batch's commit overlaps the next one's work, and PostgreSQL shares the WAL flush.
 * A conversation is in at most one in-flight batch: its later appends wait for the next,
 * so appends issued in order by one process get seqs in that order. Identical keys in one
 * batch are answered with the same message. Each promise resolves only after its commit.
 */
export class AppendBatcher {
  private queue: Pending[] = [];
  private inFlight = 0;
  private scheduled = false;
  /** Conversations (tenant + id) with an append in an in-flight batch. */
  private readonly busy = new Set<string>();

  constructor(
    private readonly run: (fn: (q: Queryable) => Promise<void>) => Promise<void>,
    private readonly maxInFlight = MAX_IN_FLIGHT,
  ) {}

  append(message: NewMessage): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      this.schedule();
    });
  }

  /** Resolves when nothing is queued or in flight. */
  async idle(): Promise<void> {
    while (this.inFlight > 0 || this.queue.length > 0) await new Promise((r) => setTimeout(r, 1));
  }

  /** Starts batches while there is queued work for conversations not already in flight. */
  private pump(): void {
    while (this.inFlight < this.maxInFlight && this.queue.length > 0) {
      const batch = this.take();
      if (batch.length === 0) return;
      const keys = new Set(batch.map((p) => conversationKey(p.message)));
      for (const key of keys) this.busy.add(key);
      this.inFlight++;
      void this.flush(batch).finally(() => {
        for (const key of keys) this.busy.delete(key);
        this.inFlight--;
        this.schedule();
      });
    }
  }

  /**
   * Pumps on the next turn of the event loop, not now: the callers a finished batch wakes
   * append their next message in the same turn, and they should share one batch rather
   * than the first of them going out alone. A lone append waits one `setImmediate`.
   */
  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.pump();
    });
  }

  /** Takes up to `MAX_BATCH` queued appends, in order, skipping conversations in flight. */
  private take(): Pending[] {
    const batch: Pending[] = [];
    const rest: Pending[] = [];
    // Once one append of a conversation is held back, its later ones are too (order).
    const held = new Set<string>();
    for (const item of this.queue) {
      const key = conversationKey(item.message);
      if (batch.length < MAX_BATCH && !this.busy.has(key) && !held.has(key)) batch.push(item);
      else {
        held.add(key);
        rest.push(item);
      }
    }
    this.queue = rest;
    return batch;
  }

  private async flush(batch: Pending[]): Promise<void> {
    // Dedupe keys inside the batch: later ones get the first one's answer.
    const leaders: Pending[] = [];
    const followers = new Map<Pending, Pending[]>();
    const byKey = new Map<string, Pending>();
    for (const item of batch) {
      const m = item.message;
      const keys = [
        m.clientMessageId === undefined
          ? undefined
          : `c\u0000${m.tenantId}\u0000${m.conversationId}\u0000${m.clientMessageId}`,
        m.providerMessageId === undefined
          ? undefined
          : `p\u0000${m.tenantId}\u0000${m.channel}\u0000${m.providerMessageId}`,
      ].filter((k): k is string => k !== undefined);
      const leader = keys.map((k) => byKey.get(k)).find((p) => p !== undefined);
      if (leader) {
        followers.get(leader)?.push(item);
        continue;
      }
      for (const key of keys) byKey.set(key, item);
      leaders.push(item);
      followers.set(item, []);
    }
    const settle = (leader: Pending, outcome: AppendResult | unknown) => {
      const group = [leader, ...(followers.get(leader) ?? [])];
      group.forEach((item, index) => {
        if (outcome instanceof Error || !(outcome && typeof outcome === 'object' && 'message' in outcome)) {
          item.reject(outcome);
          return;
        }
        const result = outcome as AppendResult;
        item.resolve(index === 0 ? result : { message: result.message, created: false });
      });
    };
    try {
      let results: (AppendResult | Error)[] = [];
      await this.run(async (q) => {
        results = await appendRows(
          q,
          leaders.map((l) => l.message),
        );
      });
      for (const [i, leader] of leaders.entries()) settle(leader, results[i]);
    } catch (error) {
      // An outage fails the whole batch at once: every append is retry-safe.
      if (!isHotlineError(error, 'ALREADY_EXISTS') && !isHotlineError(error, 'CONFLICT')) {
        for (const leader of leaders) settle(leader, error);
        return;
      }
      // One row collided with another writer (or reused an id): decide row by row.
      for (const leader of leaders) {
        try {
          let result: AppendResult | undefined;
          await this.run(async (q) => {
            result = await appendOne(q, leader.message);
          });
          settle(leader, result);
        } catch (error) {
          settle(leader, error);
        }
      }
    }
  }
}

function conversationKey(message: NewMessage): string {
  return `${message.tenantId}\u0000${message.conversationId}`;
}
