import type { JsonValue } from '@hotline/core';

/** What the sync remembers about one linked pair of records. */
export interface CrmLinkState {
  /** The CRM record's id, once known. */
  externalId?: string;
  /**
   * The last value of each CRM field both sides agreed on (after a push, a pull, or finding
   * them equal). A side whose value differs from it changed since; this is what stops echo
   * loops and tells a one-sided change from a conflict.
   */
  synced: Record<string, JsonValue>;
}

/**
 * Where the sync keeps link state and change-feed cursors. The memory store suits tests
 * and single-process hosts that can afford a full re-sync after a restart (an empty state
 * makes the first sync of every record a conflict, decided by the mapping's rule); hosts
 * that cannot implement this port on their database.
 */
export interface CrmSyncStateStore {
  getLink(tenantId: string, mappingId: string, hotlineId: string): Promise<CrmLinkState | undefined>;
  putLink(tenantId: string, mappingId: string, hotlineId: string, state: CrmLinkState): Promise<void>;
  /** The Hotline id linked to a CRM record, if any. */
  findByExternalId(tenantId: string, mappingId: string, externalId: string): Promise<string | undefined>;
  getCursor(tenantId: string, mappingId: string): Promise<string | undefined>;
  putCursor(tenantId: string, mappingId: string, cursor: string): Promise<void>;
}

const keyOf = (...parts: string[]) => parts.join('\u0000');

/**
 * An in-memory {@link CrmSyncStateStore}.
 *
 * @example
 * ```ts
 * const sync = createCrmSync({ mapping, client, hotline, clock, state: createMemoryCrmSyncStateStore() });
 * ```
 */
export function createMemoryCrmSyncStateStore(): CrmSyncStateStore {
  const links = new Map<string, CrmLinkState>();
  const byExternal = new Map<string, string>();
  const cursors = new Map<string, string>();
  return {
    async getLink(tenantId, mappingId, hotlineId) {
      const state = links.get(keyOf(tenantId, mappingId, hotlineId));
      return state && { ...state, synced: { ...state.synced } };
    },
    async putLink(tenantId, mappingId, hotlineId, state) {
      links.set(keyOf(tenantId, mappingId, hotlineId), { ...state, synced: { ...state.synced } });
      if (state.externalId !== undefined) byExternal.set(keyOf(tenantId, mappingId, state.externalId), hotlineId);
    },
    async findByExternalId(tenantId, mappingId, externalId) {
      return byExternal.get(keyOf(tenantId, mappingId, externalId));
    },
    async getCursor(tenantId, mappingId) {
      return cursors.get(keyOf(tenantId, mappingId));
    },
    async putCursor(tenantId, mappingId, cursor) {
      cursors.set(keyOf(tenantId, mappingId), cursor);
    },
  };
}
