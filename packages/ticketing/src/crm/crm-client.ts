import type { JsonValue } from '@hotline/core';
import { timestampSchema } from '@hotline/core';
import { z } from 'zod';

/** A CRM record as the sync sees it. */
export interface CrmRecord {
  id: string;
  /** When the record last changed (ISO-8601). */
  updatedAt: string;
  fields: Record<string, JsonValue>;
  /**
   * When each field last changed, if the CRM tracks it (field history). Without it the
   * sync uses `updatedAt` for every field, which makes last-writer-wins coarser.
   */
  fieldUpdatedAt?: Record<string, string>;
}

/** One page of the CRM's change feed. */
export interface CrmChanges {
  /** Records changed after the cursor, oldest change first. */
  records: CrmRecord[];
  /** Where the next call continues (stored by the sync after the page is applied). */
  cursor: string;
  /** Whether more changes wait past `cursor`. */
  hasMore: boolean;
}

/** What to write: to a known id, to the record whose `key` field equals a value, or a new one. */
export interface CrmUpsert {
  /** Write this record (created with this id if the CRM allows client ids and it is absent). */
  id?: string;
  /** Write the record whose field equals the value, creating it (with the field set) if none. */
  key?: { field: string; value: string };
  /** The fields to set; others stay as they are. */
  fields: Record<string, JsonValue>;
}

/**
 * The CRM port. Implementations throw Hotline errors: `UnavailableError` or `TIMEOUT` for
 * failures worth retrying (5xx, 429, network), `ForbiddenError` for refused credentials,
 * `ValidationError` for a record the CRM rejects.
 */
export interface CrmClient {
  /** The record, or `undefined` if it does not exist. */
  get(object: string, id: string): Promise<CrmRecord | undefined>;
  /** The record whose `field` equals `value`, or `undefined`. */
  findBy(object: string, field: string, value: string): Promise<CrmRecord | undefined>;
  /** Writes the given fields and returns the record as stored. */
  upsert(object: string, record: CrmUpsert): Promise<CrmRecord>;
  /** Records changed after `cursor` (from the beginning when `undefined`). */
  listChangedSince(object: string, cursor: string | undefined, limit?: number): Promise<CrmChanges>;
}

/** A CRM record on the wire (what the HTTP client accepts). */
export const crmRecordSchema = z.object({
  id: z.string().min(1).max(256),
  updatedAt: timestampSchema,
  fields: z.record(z.string(), z.json()),
  fieldUpdatedAt: z.record(z.string(), timestampSchema).optional(),
});

/** A change-feed page on the wire. */
export const crmChangesSchema = z.object({
  records: z.array(crmRecordSchema),
  cursor: z.string().min(1).max(1024),
  hasMore: z.boolean().default(false),
});
