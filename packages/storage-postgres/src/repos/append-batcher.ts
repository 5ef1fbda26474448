import { type AppendResult, isHotlineError, type NewMessage, NotFoundError } from '@hotline/core';
import type { Queryable } from '../driver/sql-driver.js';
import { APPEND_SQL, type AppendOutcome, toAppendRow } from './append-sql.js';

interface Pending {
  message: NewMessage;
  resolve: (result: AppendResult) => void;
  reject: (error: unknown) => void;
}

/** Largest batch per statement. */
const MAX_BATCH = 512;
/** Attempts for one row that keeps colliding with concurrent writers. */
const ROW_ATTEMPTS = 5;

/** Runs the append statement for some messages and maps each outcome. */
export async function appendRows(q: Queryable, messages: readonly NewMessage[]): Promise<(AppendResult | Error)[]> {
  const { rows } = await q.query<AppendOutcome>(APPEND_SQL, [JSON.stringify(messages.map(toAppendRow))]);
  const out: (AppendResult | Error)[] = new Array(messages.length);
  for (const row of rows) {
    const message = messages[row.i] as NewMessage;
    if (row.outcome === 'missing' || !row.data) out[row.i] = new NotFoundError('conversation', message.conversationId);
    else out[row.i] = { message: row.data, created: row.outcome === 'created' };
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
 * Group commit for appends outside transactions: while one statement is in flight, the
 * appends that arrive wait and then go together in the next one. Under load that is one
 * round trip and one commit (fsync) for dozens of appends; with a single writer it costs
 * nothing, since the first append goes out at once. Identical keys in one batch are
 * answered with the same message. Each promise resolves only after its commit.
 */
export class AppendBatcher {
  private queue: Pending[] = [];
  private running = false;

  constructor(private readonly run: (fn: (q: Queryable) => Promise<void>) => Promise<void>) {}

  append(message: NewMessage): Promise<AppendResult> {
    return new Promise((resolve, reject) => {
      this.queue.push({ message, resolve, reject });
      if (!this.running) void this.drain();
    });
  }

  /** Resolves when nothing is queued or in flight. */
  async idle(): Promise<void> {
    while (this.running || this.queue.length > 0) await new Promise((r) => setTimeout(r, 1));
  }

  private async drain(): Promise<void> {
    this.running = true;
    try {
      while (this.queue.length > 0) {
        const batch = this.queue.splice(0, MAX_BATCH);
        await this.flush(batch);
      }
    } finally {
      this.running = false;
    }
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
    } catch {
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
