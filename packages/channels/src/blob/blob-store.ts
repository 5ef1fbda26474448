import { ValidationError } from '@hotline/core';

/** What is known about a stored blob besides its bytes. */
export interface BlobMeta {
  /** The MIME type the content was found to be (sniffed, not claimed). */
  contentType: string;
  /** Size in bytes. */
  size: number;
  /** The file name to offer on download (already sanitised). */
  name: string;
  /** ISO-8601 time it was stored. */
  createdAt: string;
  /** Who and what it belongs to (tenant, conversation, uploader…), as the writer chose. */
  tags: Readonly<Record<string, string>>;
}

/** A stored blob. */
export interface StoredBlob {
  meta: BlobMeta;
  bytes: Uint8Array;
}

/**
 * Where attachments live. The gateway ships a filesystem store and an in-memory one; a
 * host may put blobs anywhere (S3, a database) by implementing this.
 *
 * Rules every implementation MUST follow:
 * - Keys match {@link BLOB_KEY_PATTERN}; anything else is a `ValidationError` (keys are
 *   never paths: a key cannot escape the store).
 * - `put` is atomic: `head` and `get` see the whole blob with its meta, or nothing.
 *   Putting an existing key replaces it.
 * - `head` reads only the meta (the gateway checks attachments with it on every send).
 * - `delete` returns whether something was deleted; deleting a missing key is `false`.
 */
export interface BlobStore {
  put(key: string, bytes: Uint8Array, meta: BlobMeta): Promise<void>;
  get(key: string): Promise<StoredBlob | undefined>;
  head(key: string): Promise<BlobMeta | undefined>;
  delete(key: string): Promise<boolean>;
}

/** What a blob key looks like: an id, never a path. */
export const BLOB_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/;

/** Refuses keys that are not plain ids. */
export function assertBlobKey(key: string): void {
  if (typeof key !== 'string' || !BLOB_KEY_PATTERN.test(key)) {
    throw new ValidationError('a blob key is 1–128 letters, digits, _ and -', [
      { path: 'key', message: 'letters, digits, _ and - only' },
    ]);
  }
}

/**
 * A blob store in memory, for tests and single-process demos (blobs are lost on exit).
 *
 * @example
 * ```ts
 * const gateway = createWebchatGateway({ ...options, blobStore: createMemoryBlobStore() });
 * ```
 */
export function createMemoryBlobStore(): BlobStore {
  const blobs = new Map<string, StoredBlob>();
  return {
    async put(key, bytes, meta) {
      assertBlobKey(key);
      blobs.set(key, { bytes: new Uint8Array(bytes), meta: { ...meta, tags: { ...meta.tags } } });
    },
    async get(key) {
      assertBlobKey(key);
      const blob = blobs.get(key);
      return blob && { bytes: new Uint8Array(blob.bytes), meta: { ...blob.meta } };
    },
    async head(key) {
      assertBlobKey(key);
      const blob = blobs.get(key);
      return blob && { ...blob.meta };
    },
    async delete(key) {
      assertBlobKey(key);
      return blobs.delete(key);
    },
  };
}
