import type { WebchatSite } from '@hotline/channels';
import {
  type BusinessCalendar,
  type Clock,
  createBusinessCalendar,
  idSchema,
  type Storage,
  systemClock,
  type Tenant,
  ValidationError,
} from '@hotline/core';
import { compileSlaPolicies, type SlaConfig, type SlaPolicySet } from '@hotline/ticketing';
import { z } from 'zod';
import { siteTokenSecret } from './secrets.js';

// What `hotline serve` reads from each tenant record's `settings` (kept there so every
// storage adapter holds it without a table of its own):
//   calendars: { [calendarId]: business calendar definition (core) }
//   sla:       { policies: SLA policy definitions (ticketing), calendarId naming one above }
//   webchat:   { sites: [{ siteId, queueId?, allowedQueueIds?, allowedOrigins?, visitorTokenTtlMs? }] }

/** The tenant settings key of business calendars. */
export const CALENDARS_SETTING = 'calendars';
/** The tenant settings key of SLA policies. */
export const SLA_SETTING = 'sla';
/** The tenant settings key of web chat sites. */
export const WEBCHAT_SETTING = 'webchat';

/** A web chat site as stored in `settings.webchat.sites` (secrets are derived, never stored). */
export const storedSiteSchema = z.strictObject({
  siteId: idSchema,
  queueId: idSchema.optional(),
  allowedQueueIds: z.array(idSchema).max(100).optional(),
  allowedOrigins: z.array(z.string().max(300)).max(100).optional(),
  visitorTokenTtlMs: z
    .int()
    .min(60_000)
    .max(365 * 86_400_000)
    .optional(),
});
/** A web chat site as stored in tenant settings. */
export type StoredSite = z.infer<typeof storedSiteSchema>;

const webchatSettingSchema = z.object({ sites: z.array(z.unknown()).max(100).default([]) });
const slaSettingSchema = z.object({ policies: z.array(z.unknown()).max(500).default([]) });
const calendarsSettingSchema = z.record(idSchema, z.unknown());

/** Options of {@link TenantConfig}. */
export interface TenantConfigOptions {
  storage: Storage;
  /** Derives each site's visitor token secret. */
  siteSecret: string;
  /** Told about settings that do not parse (the tenant is served without them). @default ignored */
  onProblem?: (message: string, error?: unknown) => void;
  /** @default systemClock */
  clock?: Clock;
  /** An unknown site id reloads the tenants at most this often (ms). @default 30_000 */
  reloadMs?: number;
}

interface Loaded {
  tenantIds: string[];
  sla: Map<string, SlaConfig>;
  sites: Map<string, WebchatSite>;
}

const NO_SLA: SlaConfig = { policies: [], calendars: {} };

/**
 * The per-tenant configuration `hotline serve` keeps in tenant settings: business
 * calendars, SLA policies and web chat sites, loaded into memory (the SLA monitor reads
 * its config on every recompute). Calendars and SLA policies apply from the next start or
 * {@link TenantConfig.reload}; a site created later is found on its first visitor (an
 * unknown site id reloads, at most every `reloadMs`).
 *
 * @example
 * ```ts
 * const tenants = new TenantConfig({ storage, siteSecret });
 * await tenants.reload();
 * createHotlineServer({ storage, jwtSecret, webchat: { sites: tenants.site, agentSecret },
 *   ticketing: { sla: { config: tenants.sla }, tenants: tenants.tenantIds } });
 * ```
 */
export class TenantConfig {
  private loaded: Loaded = { tenantIds: [], sla: new Map(), sites: new Map() };
  private lastLoad = Number.NEGATIVE_INFINITY;
  private loading: Promise<void> | undefined;
  private readonly clock: Clock;

  constructor(private readonly options: TenantConfigOptions) {
    this.clock = options.clock ?? systemClock;
  }

  /** Reads every tenant's settings again. */
  reload(): Promise<void> {
    this.loading ??= this.load().finally(() => {
      this.loading = undefined;
    });
    return this.loading;
  }

  /** The ids of the stored tenants, as of the last load. */
  readonly tenantIds = (): string[] => [...this.loaded.tenantIds];

  /** A tenant's SLA policies and calendars (none when it has no `settings.sla`). */
  readonly sla = (tenantId: string): SlaConfig => this.loaded.sla.get(tenantId) ?? NO_SLA;

  /** Finds a web chat site by id: the gateway's `sites` resolver. */
  readonly site = async (siteId: string): Promise<WebchatSite | undefined> => {
    const known = this.loaded.sites.get(siteId);
    if (known) return known;
    if (this.clock.now() - this.lastLoad < (this.options.reloadMs ?? 30_000)) return undefined;
    await this.reload();
    return this.loaded.sites.get(siteId);
  };

  private async load(): Promise<void> {
    this.lastLoad = this.clock.now();
    const next: Loaded = { tenantIds: [], sla: new Map(), sites: new Map() };
    let cursor: string | undefined;
    do {
      const page = await this.options.storage.tenants.list({ limit: 1000, ...(cursor ? { cursor } : {}) });
      for (const tenant of page.items) {
        next.tenantIds.push(tenant.id);
        const sla = this.guard(tenant, SLA_SETTING, () => slaConfigOf(tenant));
        if (sla) next.sla.set(tenant.id, sla);
        for (const site of this.guard(tenant, WEBCHAT_SETTING, () => sitesOf(tenant)) ?? []) {
          if (next.sites.has(site.siteId)) {
            this.options.onProblem?.(`tenant ${tenant.id}: web chat site ${site.siteId} is taken by another tenant`);
            continue;
          }
          next.sites.set(site.siteId, {
            ...site,
            tenantId: tenant.id,
            tokenSecret: siteTokenSecret(this.options.siteSecret, site.siteId),
          });
        }
      }
      cursor = page.nextCursor;
    } while (cursor);
    this.loaded = next;
  }

  private guard<T>(tenant: Tenant, key: string, read: () => T): T | undefined {
    try {
      return read();
    } catch (error) {
      this.options.onProblem?.(`tenant ${tenant.id}: settings.${key} is invalid and is ignored`, error);
      return undefined;
    }
  }
}

/** The SLA configuration in a tenant's settings, compiled (so a bad policy shows at load). */
export function slaConfigOf(tenant: Tenant): SlaConfig | undefined {
  const raw = tenant.settings[SLA_SETTING];
  if (raw === undefined) return undefined;
  const policies: SlaPolicySet = compileSlaPolicies(slaSettingSchema.parse(raw).policies);
  const calendars: Record<string, BusinessCalendar> = {};
  const definitions = calendarsSettingSchema.parse(tenant.settings[CALENDARS_SETTING] ?? {});
  for (const [id, definition] of Object.entries(definitions)) {
    calendars[id] = createBusinessCalendar(definition as Parameters<typeof createBusinessCalendar>[0]);
  }
  for (const { policy } of policies.policies) {
    if (policy.calendarId !== undefined && !Object.hasOwn(calendars, policy.calendarId)) {
      throw new ValidationError(
        `SLA policy ${policy.id} names calendar ${policy.calendarId}, not in settings.calendars`,
        [{ path: `${SLA_SETTING}.policies.${policy.id}.calendarId`, message: 'unknown calendar' }],
      );
    }
  }
  return { policies, calendars };
}

/** The web chat sites in a tenant's settings. */
export function sitesOf(tenant: Tenant): StoredSite[] {
  const raw = tenant.settings[WEBCHAT_SETTING];
  if (raw === undefined) return [];
  return webchatSettingSchema.parse(raw).sites.map((site) => storedSiteSchema.parse(site));
}
