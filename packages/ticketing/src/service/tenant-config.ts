import { createFieldCatalog, type FieldCatalog } from '../fields/field-catalog.js';
import type { FieldDefinitionInput, TicketForm } from '../fields/field-definition.js';
import { type CustomStatusInput, createCustomStatusCatalog } from '../lifecycle/custom-statuses.js';
import type { TenantConfig } from './apply-changes.js';
import type { PerTenant, TicketServiceOptions } from './options.js';

// Per-tenant configuration, compiled once per distinct list: the catalogs are cached by
// the identity of the arrays the host returns, so a host that keeps its lists (or swaps
// in new ones when an admin edits them) pays the checks once per version.

const EMPTY: readonly never[] = Object.freeze([]);

async function resolve<T>(setting: PerTenant<readonly T[]> | undefined, tenantId: string): Promise<readonly T[]> {
  if (setting === undefined) return EMPTY;
  return typeof setting === 'function' ? await setting(tenantId) : setting;
}

/** Makes the function that returns a tenant's compiled configuration. */
export function createConfigResolver(options: TicketServiceOptions): (tenantId: string) => Promise<TenantConfig> {
  const fieldCatalogs = new WeakMap<object, WeakMap<object, FieldCatalog>>();
  const statusCatalogs = new WeakMap<object, TenantConfig['statuses']>();
  return async (tenantId) => {
    const [fields, forms, statuses] = await Promise.all([
      resolve<FieldDefinitionInput>(options.fields, tenantId),
      resolve<TicketForm>(options.forms, tenantId),
      resolve<CustomStatusInput>(options.customStatuses, tenantId),
    ]);
    let byForms = fieldCatalogs.get(fields);
    if (!byForms) {
      byForms = new WeakMap();
      fieldCatalogs.set(fields, byForms);
    }
    let catalog = byForms.get(forms);
    if (!catalog) {
      catalog = createFieldCatalog(fields, forms);
      byForms.set(forms, catalog);
    }
    let statusCatalog = statusCatalogs.get(statuses);
    if (!statusCatalog) {
      statusCatalog = createCustomStatusCatalog(statuses);
      statusCatalogs.set(statuses, statusCatalog);
    }
    return { fields: catalog, statuses: statusCatalog };
  };
}
