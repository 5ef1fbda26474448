/**
 * A Hotline storage adapter written from scratch, the way a third party would: tables in
 * memory, a JSON-lines journal on disk, one lock. See `docs/writing-a-storage-adapter.md`.
 */

export type { JournalStorageOptions } from './journal-storage.js';
export { openJournalStorage } from './journal-storage.js';
