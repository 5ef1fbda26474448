import { isoNow } from '../clock/clock.js';
import { NotFoundError } from '../errors/hotline-error.js';
import { idSchema } from '../schemas/common.js';
import { type NewTenantInput, newTenantInputSchema, type Tenant } from '../schemas/tenant.js';
import type { ListOptions, Page } from '../storage/ports.js';
import { parseInput } from '../validation/parse.js';
import type { ServiceDeps } from './service-deps.js';

/**
 * The tenant registry: one tenant per company served. *System scope*: call it from
 * provisioning code, never on behalf of a tenant's users.
 *
 * @example
 * ```ts
 * const acme = await hotline.tenants.create({ name: 'Acme', timeZone: 'Europe/Berlin' });
 * ```
 */
export class TenantService {
  constructor(private readonly deps: ServiceDeps) {}

  /** Creates a tenant; a taken id is `ALREADY_EXISTS`. */
  async create(input: NewTenantInput): Promise<Tenant> {
    const parsed = parseInput(newTenantInputSchema, input, 'tenant');
    const now = isoNow(this.deps.clock);
    return this.deps.storage.tenants.create({
      id: parsed.id ?? this.deps.ids.next('tenant'),
      name: parsed.name,
      status: 'active',
      timeZone: parsed.timeZone ?? 'UTC',
      settings: parsed.settings ?? {},
      version: 1,
      createdAt: now,
      updatedAt: now,
    });
  }

  /** The tenant, or `NOT_FOUND`. */
  async get(id: string): Promise<Tenant> {
    const tenant = await this.deps.storage.tenants.get(parseInput(idSchema, id, 'tenant id'));
    if (!tenant) throw new NotFoundError('tenant', id);
    return tenant;
  }

  /** Lists tenants by id. */
  list(options?: ListOptions): Promise<Page<Tenant>> {
    return this.deps.storage.tenants.list(options);
  }
}
