import type { Attachment, VisitorAttributes, WireSendContent } from '@hotline/core';

/** Where the customer client keeps its state: `localStorage`, `sessionStorage` or your own. */
export interface StorageLike {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

/** A message kept until the server acknowledged it. */
export interface OutboxEntry {
  clientMessageId: string;
  /** Unset while the conversation is being started. */
  conversationId?: string | undefined;
  content: WireSendContent;
  /** The uploaded files, to show the message while it is pending. */
  attachments?: Attachment[] | undefined;
  createdAt: string;
}

/** A `start` that may not have reached the server yet: the same key is sent again. */
export interface PendingStart {
  key: string;
  queueId?: string | undefined;
  attributes?: VisitorAttributes | undefined;
}

/** Everything the customer client stores, under one key. */
export interface Saved {
  v?: 1;
  token?: string | undefined;
  /** The identified user the token belongs to, so a different user never inherits it. */
  user?: string | undefined;
  conversation?: { id: string; lastSeq: number } | undefined;
  outbox?: OutboxEntry[];
  start?: PendingStart | undefined;
}

/** `localStorage` when the page may use it (it throws in some sandboxed frames), else undefined. */
function defaultStorage(): StorageLike | undefined {
  try {
    return (globalThis as { localStorage?: StorageLike }).localStorage;
  } catch {
    return undefined;
  }
}

/**
 * The customer client's state in memory, written through to storage once `enable()` was
 * called (by `connect()`: the widget must not store anything before the visitor opens it).
 * Every change is applied to memory and, read-modify-write, to what is stored, so two tabs
 * of one visitor add and remove their own outbox entries without erasing each other's.
 * Storage failures (quota, privacy modes) leave the client working from memory.
 */
export class Persisted {
  _state: Saved = {};
  private _storage: StorageLike | undefined;
  private _enabled = false;

  constructor(
    private readonly _option: StorageLike | undefined,
    private readonly _key: string,
  ) {}

  /** Starts writing: loads what an earlier page stored and merges what this one holds. */
  _enable(): Saved {
    if (!this._enabled) {
      this._enabled = true;
      this._storage = this._option ?? defaultStorage();
      const stored = this._read();
      const memory = this._state;
      const ids = new Set(stored.outbox?.map((entry) => entry.clientMessageId));
      this._state = {
        ...stored,
        ...memory,
        outbox: [...(stored.outbox ?? []), ...(memory.outbox ?? []).filter((e) => !ids.has(e.clientMessageId))],
      };
      this._write(this._state);
    }
    return this._state;
  }

  /** Applies a change (to memory, and to storage once enabled). */
  _update(change: (saved: Saved) => void): void {
    change(this._state);
    if (!this._enabled) return;
    const stored = this._read();
    change(stored);
    this._write(stored);
  }

  /** Sets one field (to memory, and to storage once enabled). */
  _set<K extends keyof Saved>(key: K, value: Saved[K]): void {
    this._update((saved) => {
      saved[key] = value;
    });
  }

  /** Forgets everything, in memory and in storage (even before `enable()`: a logout). */
  _clear(): void {
    this._state = {};
    try {
      (this._storage ?? this._option ?? defaultStorage())?.removeItem(this._key);
    } catch {
      // Nothing stored, or storage unavailable.
    }
  }

  private _read(): Saved {
    try {
      const saved = JSON.parse(this._storage?.getItem(this._key) ?? '{}') as Saved;
      return saved && typeof saved === 'object' && (saved.v === undefined || saved.v === 1) ? saved : {};
    } catch {
      return {};
    }
  }

  private _write(saved: Saved): void {
    try {
      this._storage?.setItem(this._key, JSON.stringify({ ...saved, v: 1 }));
    } catch {
      // Quota or privacy mode: the state stays in memory for this page.
    }
  }
}
