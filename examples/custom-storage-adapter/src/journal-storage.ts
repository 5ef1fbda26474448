import { type Clock, HotlineError, type Storage, systemClock, UnavailableError } from '@hotline/core';
import { auditRepository } from './audit.js';
import { JournalFile } from './journal-file.js';
import { messageRepository } from './messages.js';
import { Mutex } from './mutex.js';
import { outboxRepository } from './outbox.js';
import {
  agentRepository,
  contactRepository,
  conversationRepository,
  queueRepository,
  taskRepository,
  tenantRepository,
} from './records.js';
import { Draft, type Run, Tables } from './tables.js';
import { timerRepository } from './timers.js';

/** Options for {@link openJournalStorage}. */
export interface JournalStorageOptions {
  /**
   * A JSON-lines file that receives every committed transaction and is replayed on open,
   * so data survives a restart. @default none: everything stays in memory
   */
  file?: string;
  /** Flush each commit to disk (fdatasync) before resolving. @default true */
  fsync?: boolean;
  /** "Now" for outbox entries enqueued without `availableAt`. @default systemClock */
  clock?: Clock;
}

/**
 * Opens the journal storage: every table is a `Map` in memory, every committed write is
 * appended to a journal file first, and one lock runs operations one at a time. A
 * transaction holds the lock from start to commit and writes into a draft, so rolling
 * back is simply dropping the draft.
 *
 * @example
 * ```ts
 * const storage = await openJournalStorage({ file: '/var/lib/hotline/journal.jsonl' });
 * const hotline = createHotline({ storage });
 * ```
 */
export async function openJournalStorage(options: JournalStorageOptions = {}): Promise<Storage> {
  const tables = new Tables();
  let journal: JournalFile | undefined;
  if (options.file !== undefined) {
    const opened = await JournalFile.open(options.file, options.fsync ?? true);
    journal = opened.journal;
    for (const ops of opened.transactions) tables.apply(ops);
  }
  const clock = options.clock ?? systemClock;
  const lock = new Mutex();
  let closed = false;
  let closing: Promise<void> | undefined;
  const checkOpen = () => {
    if (closed) throw new UnavailableError('journal storage is closed');
  };

  /** Runs `work` under the lock in a fresh draft and commits what it wrote: disk first, then memory. */
  const atomically = <T>(work: (draft: Draft) => Promise<T>): Promise<T> =>
    lock.run(async () => {
      checkOpen();
      const draft = new Draft(tables);
      try {
        const result = await work(draft);
        const ops = draft.ops();
        if (ops.length > 0) {
          try {
            await journal?.append(ops);
          } catch (cause) {
            throw new UnavailableError('could not write the journal; nothing was committed', { cause });
          }
          tables.apply(ops);
        }
        return result;
      } finally {
        draft.finish();
      }
    });

  const root: Storage = {
    ...repositories(async (work) => {
      checkOpen();
      return atomically(async (draft) => work(draft));
    }, clock),
    async transaction(fn) {
      checkOpen();
      return atomically((draft) => fn(transactionView(draft)));
    },
    close() {
      closing ??= lock.run(async () => {
        closed = true;
        await journal?.close();
      });
      return closing;
    },
  };

  /** The `tx` a transaction callback receives: every call works on the transaction's draft. */
  function transactionView(draft: Draft): Storage {
    const view: Storage = {
      ...repositories(async (work) => {
        checkOpen();
        if (!draft.isActive) throw new UnavailableError('this transaction has already finished');
        return work(draft);
      }, clock),
      // A nested transaction joins the running one: same draft, one commit.
      transaction: (fn) => fn(view),
      close: async () => {
        throw new HotlineError('INTERNAL', 'close the storage after the transaction, not from inside it');
      },
    };
    return view;
  }

  return root;
}

function repositories(run: Run, clock: Clock): Omit<Storage, 'transaction' | 'close'> {
  return {
    tenants: tenantRepository(run),
    contacts: contactRepository(run),
    conversations: conversationRepository(run),
    messages: messageRepository(run),
    tasks: taskRepository(run),
    agents: agentRepository(run),
    queues: queueRepository(run),
    audit: auditRepository(run),
    timers: timerRepository(run),
    outbox: outboxRepository(run, clock),
  };
}
