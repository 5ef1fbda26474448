import {
  type Clock,
  isoNow,
  type JsonValue,
  NotFoundError,
  retryOnConflict,
  type Storage,
  type Tenant,
} from '@hotline/core';

// Canned responses and the routing workflow live in the tenant record's `settings`, so
// every storage adapter keeps them without a new table. Writes go through the tenant's
// version: two admins editing at once never lose each other's change.

/** Reads the tenant or throws `NOT_FOUND`. */
export async function loadTenant(storage: Storage, tenantId: string): Promise<Tenant> {
  const tenant = await storage.tenants.get(tenantId);
  if (!tenant) throw new NotFoundError('tenant', tenantId);
  return tenant;
}

/**
 * Replaces one key of the tenant's settings with what `change` computes from its current
 * value (plain JSON records of the caller). A lost race on the tenant record is retried on fresh data; anything `change`
 * throws (a stale `expectedVersion` of the item itself, a duplicate) is not.
 */
export function updateTenantSetting<R>(
  storage: Storage,
  clock: Clock,
  tenantId: string,
  key: string,
  change: (current: unknown) => { value: unknown; result: R },
): Promise<R> {
  return retryOnConflict(
    async () => {
      const tenant = await loadTenant(storage, tenantId);
      const { value, result } = change(tenant.settings[key]);
      await storage.tenants.update(
        { ...tenant, settings: { ...tenant.settings, [key]: value as JsonValue }, updatedAt: isoNow(clock) },
        tenant.version,
      );
      return result;
    },
    { retryIf: (error) => error.details['entity'] === 'tenant' },
  );
}
