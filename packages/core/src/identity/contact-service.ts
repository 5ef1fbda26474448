import { isoNow } from '../clock/clock.js';
import { ConflictError, isHotlineError, NotFoundError, ValidationError } from '../errors/hotline-error.js';
import { idSchema, tenantIdSchema } from '../schemas/common.js';
import {
  type Contact,
  type ContactPatch,
  contactPatchSchema,
  type Identity,
  type IdentityInput,
  MAX_IDENTITIES,
  type NewContactInput,
  newContactInputSchema,
} from '../schemas/contact.js';
import type { ServiceDeps } from '../services/service-deps.js';
import type { ListOptions, Page } from '../storage/ports.js';
import { readModifyWrite } from '../util/read-modify-write.js';
import { retryOnConflict } from '../util/retry-on-conflict.js';
import { parseInput } from '../validation/parse.js';
import { buildCustomerTimeline, type CustomerTimeline, type TimelineOptions } from './customer-timeline.js';
import { type NormalizedIdentity, normalizeIdentity } from './normalize-identity.js';

/** How far `resolve` follows `mergedInto` before assuming a cycle (which merge prevents). */
const MAX_MERGE_HOPS = 64;

/** Options for a merge. */
export interface MergeContactsInput {
  /** The contact that remains; it receives every identity and fills gaps from the other. */
  survivorId: string;
  /** The contact merged away; it keeps its record, marked `mergedInto: survivorId`. */
  mergedId: string;
}

/** Options for writes that may carry the version the caller last saw. */
export interface VersionedWriteOptions {
  /** Fail with `CONFLICT` unless the stored version is this one (no silent overwrite). */
  expectedVersion?: number;
}

/**
 * Customers and their identities: find a contact by any channel identity, link new
 * identities, and merge two contacts into one with a chosen survivor.
 *
 * Linking never merges on its own (wrong automatic merges are a classic helpdesk
 * complaint): an identity held by another contact is a `CONFLICT` whose details name the
 * holder, and the host decides whether to merge.
 *
 * @example
 * ```ts
 * const { contact } = await hotline.contacts.findOrCreate(tenantId, { channel: 'email', address: 'Ana@Example.com' });
 * await hotline.contacts.link(tenantId, contact.id, { channel: 'phone', address: '+14155550100' });
 * ```
 */
export class ContactService {
  constructor(private readonly deps: ServiceDeps) {}

  /** Creates a contact. Identities must be free in the tenant (`CONFLICT` otherwise). */
  async create(tenantId: string, input: NewContactInput): Promise<Contact> {
    const tenant = parseInput(tenantIdSchema, tenantId, 'tenant id');
    const parsed = parseInput(newContactInputSchema, input, 'contact');
    const now = isoNow(this.deps.clock);
    const identities = dedupeIdentities(parsed.identities.map(normalizeIdentity), now);
    const contact: Contact = {
      id: parsed.id ?? this.deps.ids.next('contact'),
      tenantId: tenant,
      version: 1,
      createdAt: now,
      updatedAt: now,
      identities,
      attributes: parsed.attributes,
      mergedFrom: [],
    };
    if (parsed.name !== undefined) contact.name = parsed.name;
    if (parsed.locale !== undefined) contact.locale = parsed.locale;
    const stored = await this.deps.storage.contacts.create(contact);
    await this.deps.bus.publish({ type: 'contact.created', tenantId: tenant, contactId: stored.id });
    return stored;
  }

  /** The contact record as stored (a merged one included). `NOT_FOUND` if absent. */
  async get(tenantId: string, id: string): Promise<Contact> {
    const contact = await this.deps.storage.contacts.get(
      parseInput(tenantIdSchema, tenantId, 'tenant id'),
      parseInput(idSchema, id, 'contact id'),
    );
    if (!contact) throw new NotFoundError('contact', id);
    return contact;
  }

  /** The contact that now stands for `id`: itself, or the survivor it was merged into. */
  async resolve(tenantId: string, id: string): Promise<Contact> {
    let contact = await this.get(tenantId, id);
    for (let hops = 0; contact.mergedInto !== undefined; hops++) {
      if (hops >= MAX_MERGE_HOPS) throw new ConflictError(`merge chain of contact ${id} is too long`);
      contact = await this.get(tenantId, contact.mergedInto);
    }
    return contact;
  }

  /** The (unmerged) contact holding an identity, after normalising its address. */
  async findByIdentity(tenantId: string, identity: IdentityInput): Promise<Contact | undefined> {
    const tenant = parseInput(tenantIdSchema, tenantId, 'tenant id');
    const { channel, address } = normalizeIdentity(identity);
    return this.deps.storage.contacts.findByIdentity(tenant, channel, address);
  }

  /**
   * Finds the contact holding an identity or creates one with it. Safe under races: when
   * two callers create at once, one wins and the other returns the winner.
   */
  async findOrCreate(
    tenantId: string,
    identity: IdentityInput,
    profile: Omit<NewContactInput, 'identities' | 'id'> = {},
  ): Promise<{ contact: Contact; created: boolean }> {
    const tenant = parseInput(tenantIdSchema, tenantId, 'tenant id');
    const normalized = normalizeIdentity(identity);
    return retryOnConflict(
      async () => {
        const existing = await this.deps.storage.contacts.findByIdentity(
          tenant,
          normalized.channel,
          normalized.address,
        );
        if (existing) return { contact: existing, created: false };
        const contact = await this.create(tenant, { ...profile, identities: [normalized] });
        return { contact, created: true };
      },
      { retryIf: (error) => error.details['reason'] === 'identity_taken' },
    );
  }

  /** Lists a tenant's contacts (merged ones included), oldest first. */
  async list(tenantId: string, options?: ListOptions): Promise<Page<Contact>> {
    return this.deps.storage.contacts.list(parseInput(tenantIdSchema, tenantId, 'tenant id'), options);
  }

  /** Changes name, locale or attributes (attributes are merged key by key). */
  async update(
    tenantId: string,
    id: string,
    patch: ContactPatch,
    options: VersionedWriteOptions = {},
  ): Promise<Contact> {
    const parsed = parseInput(contactPatchSchema, patch, 'contact patch');
    const updated = await this.modify(tenantId, id, options, (contact) => {
      const next: Contact = { ...contact, attributes: { ...contact.attributes, ...parsed.attributes } };
      if (parsed.name !== undefined) next.name = parsed.name;
      if (parsed.locale !== undefined) next.locale = parsed.locale;
      return next;
    });
    await this.deps.bus.publish({ type: 'contact.updated', tenantId, contactId: updated.id });
    return updated;
  }

  /**
   * Adds an identity to a contact. Linking an identity the contact already has is a no-op
   * (it may upgrade `verified`); one held by another contact is a `CONFLICT` with
   * `details.reason === 'identity_taken'` and `details.contactId` — merge them instead.
   */
  async link(tenantId: string, contactId: string, identity: IdentityInput, options: VersionedWriteOptions = {}) {
    const normalized = normalizeIdentity(identity);
    let added = false;
    const updated = await this.modify(tenantId, contactId, options, (contact) => {
      if (contact.mergedInto !== undefined) {
        throw new ConflictError(`contact ${contactId} was merged into ${contact.mergedInto}`, {
          details: { reason: 'merged', mergedInto: contact.mergedInto },
        });
      }
      const now = isoNow(this.deps.clock);
      const identities = dedupeIdentities([...contact.identities, { ...normalized, addedAt: now }], now);
      if (identities.length > MAX_IDENTITIES) tooManyIdentities();
      added = identities.length > contact.identities.length;
      return { ...contact, identities };
    });
    if (added) {
      await this.deps.bus.publish({
        type: 'contact.identity_linked',
        tenantId,
        contactId: updated.id,
        channel: normalized.channel,
      });
    }
    return updated;
  }

  /**
   * Merges `mergedId` into `survivorId` in one transaction. The survivor receives every
   * identity (verified if either side was) and keeps its own profile, filling gaps from the
   * merged contact; the merged contact keeps its record with `mergedInto`, and the survivor
   * lists it (and everything merged into it before) in `mergedFrom`, so conversations of
   * both appear in the survivor's timeline. Merging again is a no-op.
   */
  async merge(tenantId: string, input: MergeContactsInput): Promise<Contact> {
    const tenant = parseInput(tenantIdSchema, tenantId, 'tenant id');
    const survivorId = parseInput(idSchema, input.survivorId, 'survivor id');
    const mergedId = parseInput(idSchema, input.mergedId, 'merged contact id');
    if (survivorId === mergedId) {
      throw new ValidationError('a contact cannot be merged into itself', [
        { path: 'mergedId', message: 'must differ from survivorId' },
      ]);
    }
    let changed = false;
    const survivor = await retryOnConflict(() =>
      this.deps.storage.transaction(async (tx) => {
        const [keep, drop] = await Promise.all([
          tx.contacts.get(tenant, survivorId),
          tx.contacts.get(tenant, mergedId),
        ]);
        if (!keep) throw new NotFoundError('contact', survivorId);
        if (!drop) throw new NotFoundError('contact', mergedId);
        if (drop.mergedInto === survivorId) {
          changed = false;
          return keep;
        }
        if (keep.mergedInto !== undefined || drop.mergedInto !== undefined) {
          throw new ConflictError('both contacts must be unmerged; merge into the current survivor', {
            details: { reason: 'merged', survivorMergedInto: keep.mergedInto, mergedMergedInto: drop.mergedInto },
          });
        }
        const now = isoNow(this.deps.clock);
        const identities = dedupeIdentities([...keep.identities, ...drop.identities], now);
        if (identities.length > MAX_IDENTITIES) tooManyIdentities();
        // The merged record is written first: it releases its identities from the index,
        // so the survivor can take them in the same transaction.
        await tx.contacts.update({ ...drop, mergedInto: keep.id, updatedAt: now }, drop.version);
        const next: Contact = {
          ...keep,
          identities,
          attributes: { ...drop.attributes, ...keep.attributes },
          mergedFrom: [...keep.mergedFrom, drop.id, ...drop.mergedFrom],
          updatedAt: now,
        };
        if (next.name === undefined && drop.name !== undefined) next.name = drop.name;
        if (next.locale === undefined && drop.locale !== undefined) next.locale = drop.locale;
        changed = true;
        return tx.contacts.update(next, keep.version);
      }),
    );
    if (changed) await this.deps.bus.publish({ type: 'contact.merged', tenantId: tenant, survivorId, mergedId });
    return survivor;
  }

  /**
   * The customer 360 view: every conversation and message of the contact and of every
   * contact merged into it, across channels, in time order. A merged contact's id gives
   * its survivor's timeline.
   */
  async timeline(tenantId: string, contactId: string, options?: TimelineOptions): Promise<CustomerTimeline> {
    const survivor = await this.resolve(tenantId, contactId);
    return buildCustomerTimeline(this.deps.storage, survivor, options);
  }

  /** Read-modify-write of one contact with optimistic concurrency. */
  private async modify(
    tenantId: string,
    id: string,
    options: VersionedWriteOptions,
    change: (contact: Contact) => Contact,
  ): Promise<Contact> {
    const tenant = parseInput(tenantIdSchema, tenantId, 'tenant id');
    const contactId = parseInput(idSchema, id, 'contact id');
    const { after } = await readModifyWrite<Contact>({
      entity: 'contact',
      id: contactId,
      load: () => this.deps.storage.contacts.get(tenant, contactId),
      change,
      save: (next, version) =>
        this.deps.storage.contacts.update({ ...next, updatedAt: isoNow(this.deps.clock) }, version),
      ...(options.expectedVersion === undefined ? {} : { expectedVersion: options.expectedVersion }),
    });
    return after;
  }
}

/** Merges identities with the same `(channel, address)`, verified if any copy was. */
function dedupeIdentities(identities: readonly (NormalizedIdentity | Identity)[], now: string): Identity[] {
  const byKey = new Map<string, Identity>();
  for (const identity of identities) {
    const key = `${identity.channel}\u0000${identity.address}`;
    const existing = byKey.get(key);
    const addedAt = 'addedAt' in identity ? identity.addedAt : now;
    if (existing) existing.verified = existing.verified || identity.verified;
    else byKey.set(key, { channel: identity.channel, address: identity.address, verified: identity.verified, addedAt });
  }
  return [...byKey.values()];
}

function tooManyIdentities(): never {
  throw new ValidationError(`a contact holds at most ${MAX_IDENTITIES} identities`, [
    { path: 'identities', message: `at most ${MAX_IDENTITIES}` },
  ]);
}

/** Whether an error says an identity belongs to another contact. */
export function isIdentityTaken(error: unknown): error is ConflictError {
  return isHotlineError(error, 'CONFLICT') && error.details['reason'] === 'identity_taken';
}
