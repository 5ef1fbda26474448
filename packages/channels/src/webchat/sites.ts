import { idSchema, parseInput, UnavailableError, ValidationError } from '@hotline/core';
import { z } from 'zod';
import { importHmacKey, secretBytes } from './secrets.js';

/**
 * One widget installation: which tenant its visitors belong to and the secrets that
 * prove who they are. The `siteId` is public (it is in the page); the secrets never are.
 */
export interface WebchatSite {
  /** Public id the widget sends in `hello`. */
  siteId: string;
  /** The tenant the site's visitors and conversations belong to. */
  tenantId: string;
  /** Signs the visitor tokens the gateway issues (≥ 32 bytes). Rotating it signs every visitor out. */
  tokenSecret: string | Uint8Array;
  /**
   * Verifies identity claims: the hex HMAC-SHA256 of the host's user id, or an HS256 JWT
   * (≥ 32 bytes). Without it, identity claims are refused.
   * @default undefined
   */
  identitySecret?: string | Uint8Array;
  /**
   * Origins allowed to open the chat, e.g. `https://www.example.com` or
   * `https://*.example.com`. A browser connection from any other origin is refused with
   * `UNAUTHENTICATED` (`origin_not_allowed`). Clients that send no `Origin` (servers,
   * apps) are not browsers and are let through.
   * @default undefined (any origin)
   */
  allowedOrigins?: readonly string[];
  /** The queue a conversation goes to when the visitor does not pick one. @default undefined (routing's workflows decide) */
  queueId?: string;
  /**
   * Queues a visitor may pick in `start`. Another queue id is `NOT_FOUND`.
   * @default undefined (any queue the dispatcher knows)
   */
  allowedQueueIds?: readonly string[];
  /** How long an issued visitor token is valid; every `hello` issues a fresh one. @default 30 days */
  visitorTokenTtlMs?: number;
}

/** Finds a site by id (from configuration, a database…); `undefined` when there is none. */
export type WebchatSiteResolver = (siteId: string) => WebchatSite | undefined | Promise<WebchatSite | undefined>;

/** A site with its secrets imported and its options checked. */
export interface ResolvedSite {
  siteId: string;
  tenantId: string;
  tokenKey: CryptoKey;
  identityBytes?: Uint8Array;
  identityKey?: CryptoKey;
  origins?: OriginMatcher;
  queueId?: string;
  allowedQueueIds?: ReadonlySet<string>;
  visitorTokenTtlMs: number;
}

/** Default lifetime of a visitor token. */
export const DEFAULT_VISITOR_TOKEN_TTL_MS = 30 * 24 * 3600 * 1000;
const SITE_CACHE_MS = 30_000;
const MAX_CACHED_SITES = 10_000;

const originPattern = z
  .string()
  .max(300)
  .regex(/^https?:\/\/(\*\.)?[a-z0-9.-]+(:\d{1,5})?$/i, 'an origin such as https://www.example.com');

const siteSchema = z.object({
  siteId: idSchema,
  tenantId: idSchema,
  tokenSecret: z.union([z.string(), z.instanceof(Uint8Array)]),
  identitySecret: z.union([z.string(), z.instanceof(Uint8Array)]).optional(),
  allowedOrigins: z.array(originPattern).max(100).optional(),
  queueId: idSchema.optional(),
  allowedQueueIds: z.array(idSchema).max(1000).optional(),
  visitorTokenTtlMs: z
    .int()
    .min(60_000)
    .max(400 * 24 * 3600 * 1000)
    .optional(),
});

/** Checks a browser's `Origin` against a site's allowed origins. */
export class OriginMatcher {
  private readonly exact = new Set<string>();
  private readonly suffixes: { scheme: string; suffix: string; port: string }[] = [];

  constructor(origins: readonly string[]) {
    for (const origin of origins) {
      const lower = origin.toLowerCase();
      const wildcard = /^(https?):\/\/\*\.([^:]+)(:\d+)?$/.exec(lower);
      if (wildcard) {
        this.suffixes.push({ scheme: wildcard[1] as string, suffix: `.${wildcard[2]}`, port: wildcard[3] ?? '' });
      } else {
        this.exact.add(lower);
      }
    }
  }

  /** Whether a request with this `Origin` header may proceed (no header: not a browser). */
  allows(origin: string | undefined): boolean {
    if (origin === undefined) return true;
    const lower = origin.toLowerCase();
    if (this.exact.has(lower)) return true;
    const parsed = /^(https?):\/\/([^:/]+)(:\d+)?$/.exec(lower);
    if (!parsed) return false;
    const [, scheme, host, port = ''] = parsed;
    return this.suffixes.some((s) => s.scheme === scheme && s.port === port && (host as string).endsWith(s.suffix));
  }
}

/** Turns the configured sites (a list or a resolver) into a cached lookup of checked sites. */
export class SiteDirectory {
  private readonly cache = new Map<string, { site: Promise<ResolvedSite | undefined>; until: number }>();
  private readonly resolver: WebchatSiteResolver | undefined;

  /** A list is checked now (a bad secret fails at start-up, not at the first visitor); a resolver's answers on use. */
  constructor(
    sites: readonly WebchatSite[] | WebchatSiteResolver,
    private readonly now: () => number,
  ) {
    if (typeof sites === 'function') {
      this.resolver = sites;
      return;
    }
    if (!Array.isArray(sites))
      throw new ValidationError('sites must be a list or a resolver', [
        { path: 'sites', message: 'array or function' },
      ]);
    for (const site of sites) {
      const checked = checkSite(site);
      if (this.cache.has(checked.siteId)) {
        throw new ValidationError(`site ${checked.siteId} is configured twice`, [
          { path: 'sites', message: 'duplicate siteId' },
        ]);
      }
      this.cache.set(checked.siteId, { site: importSite(checked), until: Infinity });
    }
  }

  /** The site, or `undefined`. A resolver that throws is `UNAVAILABLE`. */
  async get(siteId: string): Promise<ResolvedSite | undefined> {
    const now = this.now();
    const hit = this.cache.get(siteId);
    if (hit && hit.until > now) return hit.site;
    if (!this.resolver) return undefined;
    let raw: WebchatSite | undefined;
    try {
      raw = await this.resolver(siteId);
    } catch (error) {
      throw new UnavailableError('site lookup failed', { cause: error });
    }
    const site = raw === undefined || raw.siteId !== siteId ? Promise.resolve(undefined) : importSite(checkSite(raw));
    if (this.cache.size >= MAX_CACHED_SITES) this.cache.clear();
    this.cache.set(siteId, { site, until: now + SITE_CACHE_MS });
    return site;
  }
}

type CheckedSite = z.infer<typeof siteSchema> & {
  tokenBytes: Uint8Array<ArrayBuffer>;
  identityBytes?: Uint8Array<ArrayBuffer>;
};

function checkSite(input: WebchatSite): CheckedSite {
  const site = parseInput(siteSchema, input, `webchat site ${String(input?.siteId)}`);
  const checked: CheckedSite = {
    ...site,
    tokenBytes: secretBytes(site.tokenSecret, `site ${site.siteId} tokenSecret`),
  };
  if (site.identitySecret !== undefined) {
    checked.identityBytes = secretBytes(site.identitySecret, `site ${site.siteId} identitySecret`);
  }
  return checked;
}

async function importSite(site: CheckedSite): Promise<ResolvedSite> {
  const resolved: ResolvedSite = {
    siteId: site.siteId,
    tenantId: site.tenantId,
    tokenKey: await importHmacKey(site.tokenBytes),
    visitorTokenTtlMs: site.visitorTokenTtlMs ?? DEFAULT_VISITOR_TOKEN_TTL_MS,
  };
  if (site.identityBytes !== undefined) {
    resolved.identityBytes = site.identityBytes;
    resolved.identityKey = await importHmacKey(site.identityBytes);
  }
  if (site.allowedOrigins !== undefined) resolved.origins = new OriginMatcher(site.allowedOrigins);
  if (site.queueId !== undefined) resolved.queueId = site.queueId;
  if (site.allowedQueueIds !== undefined) resolved.allowedQueueIds = new Set(site.allowedQueueIds);
  return resolved;
}
