import {
  type Clock,
  type EventBus,
  HotlineError,
  isHotlineError,
  isoNow,
  type JsonValue,
  NotFoundError,
  newId,
  type OutboxEntry,
  retryOnConflict,
  type Storage,
  ValidationError,
} from '@hotline/core';
import type { WriteContext } from '../model/ports.js';
import { DEFAULT_DELIVERY_BACKOFF, type DeliveryBackoffOptions, jitteredBackoffMs } from '../webhooks/backoff.js';
import { createPollLoop, positiveInt } from '../webhooks/runtime.js';
import type { CrmClient, CrmRecord } from './crm-client.js';
import { type HotlineRecord, hotlineChangedAt, identityOf, readProperty } from './field-values.js';
import type { CrmHotlineChanges, CrmHotlinePort } from './hotline-port.js';
import { type CrmFieldMapping, type CrmMapping, type CrmMappingInput, parseCrmMapping } from './mapping.js';
import { decideField, type FieldDecision } from './resolve-field.js';
import { type CrmLinkState, type CrmSyncStateStore, createMemoryCrmSyncStateStore } from './sync-state.js';

/** Options of {@link createCrmSync}. */
export interface CrmSyncOptions {
  /** The mapping (validated here). */
  mapping: CrmMappingInput;
  client: CrmClient;
  hotline: CrmHotlinePort;
  clock: Clock;
  /** Link state and cursors. @default an in-memory store */
  state?: CrmSyncStateStore;
  /** The outbox that queues pushes (needed for `schedulePush`, `runOnce` and `bus`). */
  storage?: Storage;
  /** Listen for ticket (or contact) events and queue a push for each relevant change. */
  bus?: EventBus;
  /** Push attempts before a queued push is dead-lettered. @default 10 */
  maxAttempts?: number;
  /** @default { baseMs: 1000, maxMs: 3600000 } */
  backoff?: DeliveryBackoffOptions;
  /** Queued pushes claimed per run. @default 16 */
  batchSize?: number;
  /** @default 1000 */
  pollIntervalMs?: number;
  /** How long a claimed push is held. @default 120000 */
  leaseMs?: number;
  /** Jitter source in [0, 1). @default Math.random */
  random?: () => number;
  /** Errors of bus-triggered scheduling and the background loop. @default console.error */
  onError?: (error: unknown) => void;
}

/** What happened to one field in a push or pull. */
export interface CrmFieldOutcome {
  hotline: string;
  external: string;
  /** `kept`: the other side won the conflict; this direction did not write. */
  action: 'pushed' | 'pulled' | 'in_sync' | 'kept' | 'skipped';
  conflict?: boolean;
  reason?: string;
}

/** What a push did. */
export interface CrmPushResult {
  hotlineId: string;
  externalId?: string;
  /** Whether the CRM was written. */
  written: boolean;
  fields: CrmFieldOutcome[];
}

/** What a pull did. */
export interface CrmPullResult {
  /** CRM records read from the change feed. */
  records: number;
  /** Hotline records written. */
  applied: number;
  /** CRM ids no Hotline record matched (creating records from the CRM is not done). */
  unmatched: string[];
  /** Records whose values Hotline refused (the pull went on past them). */
  rejected: Array<{ externalId: string; code: string; message: string }>;
  cursor?: string;
}

/** What one {@link CrmSync.runOnce} did. */
export interface CrmPushRunReport {
  claimed: number;
  pushed: number;
  retried: number;
  dead: number;
}

/** A running CRM sync for one mapping. */
export interface CrmSync {
  readonly mapping: CrmMapping;
  /**
   * Pushes a ticket's mapped fields to the CRM now (creating the CRM record if needed).
   *
   * @throws NotFoundError for an unknown ticket; the client's errors (`UnavailableError`,
   *   `TIMEOUT`…) when the CRM fails — use {@link CrmSync.schedulePush} for retries.
   */
  pushTicket(tenantId: string, ticketId: string): Promise<CrmPushResult>;
  /** Pushes a contact's mapped fields; see {@link CrmSync.pushTicket}. */
  pushContact(tenantId: string, contactId: string): Promise<CrmPushResult>;
  /** Applies CRM changes since the stored cursor to Hotline, page by page. */
  pull(tenantId: string, options?: { maxPages?: number; pageSize?: number }): Promise<CrmPullResult>;
  /** Queues a push in the outbox: durable, retried with backoff, dead-lettered at last. */
  schedulePush(
    tenantId: string,
    hotlineId: string,
    options?: { key?: string; storage?: Storage },
  ): Promise<OutboxEntry>;
  /** Runs one batch of queued pushes. */
  runOnce(): Promise<CrmPushRunReport>;
  start(): void;
  /** Stops the loop and the bus subscriptions. */
  stop(): Promise<void>;
}

// Each attempt re-reads and decides again, so any conflict (a version race, or the
// service's `concurrent_change` on a property someone else just wrote) is safe to retry.
const RETRY_ANY_CONFLICT = { attempts: 5, retryIf: () => true };

type Mutex = <T>(key: string, work: () => Promise<T>) => Promise<T>;

/** Serialises work per key within this process, so a push and a pull of one record do not interleave. */
function keyedMutex(): Mutex {
  const tails = new Map<string, Promise<unknown>>();
  return async (key, work) => {
    const before = tails.get(key) ?? Promise.resolve();
    const run = before.then(work, work);
    const tail = run.catch(() => {});
    tails.set(key, tail);
    try {
      return await run;
    } finally {
      if (tails.get(key) === tail) tails.delete(key);
    }
  };
}

function requirePort(mapping: CrmMapping, port: CrmHotlinePort): void {
  const needed =
    mapping.object === 'ticket' ? (['getTicket', 'updateTicket'] as const) : (['getContact', 'updateContact'] as const);
  const missing = needed.filter((name) => typeof port[name] !== 'function');
  if (missing.length > 0) {
    throw new ValidationError(`a ${mapping.object} mapping needs hotline.${missing.join(', hotline.')}`, [
      { path: 'hotline', message: `missing ${missing.join(', ')}` },
    ]);
  }
}

/**
 * Syncs Hotline tickets or contacts with records of one CRM object through a declarative
 * mapping. Pushes run on ticket events (queued in the outbox, retried) or by hand; pulls
 * read the CRM's change feed from a stored cursor. Each field is decided on its own: the
 * side that changed since the last agreed value wins; when both changed, the mapping's
 * rule decides (last writer by timestamp, or a source of truth per field). Writes to
 * Hotline are attributed to `integration:<mapping.id>`; loops are impossible because a
 * value equal to the last agreed one is never written again, either way.
 *
 * @example
 * ```ts
 * const sync = createCrmSync({ mapping, client: createHttpCrmClient({ baseUrl, token }), hotline, clock, storage, bus });
 * sync.start(); // sends queued pushes
 * await sync.pull('ten_1'); // e.g. from a timer every minute
 * ```
 */
export function createCrmSync(options: CrmSyncOptions): CrmSync {
  const mapping = parseCrmMapping(options.mapping);
  const { client, hotline, clock } = options;
  requirePort(mapping, hotline);
  if (options.bus && !options.storage) {
    throw new ValidationError('a CRM sync listening on a bus needs storage to queue pushes', [
      { path: 'storage', message: 'required with bus' },
    ]);
  }
  const state = options.state ?? createMemoryCrmSyncStateStore();
  const maxAttempts = positiveInt('maxAttempts', options.maxAttempts ?? 10);
  const batchSize = positiveInt('batchSize', options.batchSize ?? 16);
  const pollIntervalMs = positiveInt('pollIntervalMs', options.pollIntervalMs ?? 1000);
  const leaseMs = positiveInt('leaseMs', options.leaseMs ?? 120_000);
  const backoff = { ...DEFAULT_DELIVERY_BACKOFF, ...options.backoff };
  const random = options.random ?? Math.random;
  const onError = options.onError ?? ((error: unknown) => console.error(`[hotline] CRM sync ${mapping.id}`, error));
  const topic = `crm.push.${mapping.id}`;
  const actor = { type: 'integration', id: mapping.id } as const;
  const actorLabel = `integration:${mapping.id}`;
  const lock = keyedMutex();
  const pushFields = mapping.fields.filter((f) => f.direction !== 'from_crm');
  const pullFields = mapping.fields.filter((f) => f.direction !== 'to_crm');
  const watched = new Set([mapping.keys.hotline, ...pushFields.map((f) => f.hotline)]);

  async function load(tenantId: string, id: string): Promise<HotlineRecord | undefined> {
    if (mapping.object === 'contact') {
      const contact = await hotline.getContact?.(tenantId, id);
      return contact && { object: 'contact', contact };
    }
    const ticket = await hotline.getTicket?.(tenantId, id);
    if (!ticket) return undefined;
    const history = await hotline.getTicketHistory?.(tenantId, id);
    return history ? { object: 'ticket', ticket, history } : { object: 'ticket', ticket };
  }

  async function writeHotline(tenantId: string, record: HotlineRecord, changes: CrmHotlineChanges): Promise<void> {
    const context: WriteContext = { tenantId, actor, depth: 0 };
    const { id, version } = identityOf(record);
    if (mapping.object === 'ticket') await hotline.updateTicket?.(context, id, changes, version);
    else await hotline.updateContact?.(context, id, changes, version);
  }

  function decide(field: CrmFieldMapping, record: HotlineRecord, remote: CrmRecord | undefined, link: CrmLinkState) {
    const present = remote !== undefined && Object.hasOwn(remote.fields, field.external);
    const at = remote?.fieldUpdatedAt?.[field.external] ?? remote?.updatedAt;
    return decideField(field, mapping.conflict, {
      hotline: readProperty(record, field.hotline),
      hotlineAt: hotlineChangedAt(record, field.hotline),
      ...(present && at !== undefined
        ? { crm: { value: remote.fields[field.external] as JsonValue, at: Date.parse(at) } }
        : {}),
      synced: link.synced[field.external],
    });
  }

  function outcome(field: CrmFieldMapping, decision: FieldDecision, mine: 'push' | 'pull'): CrmFieldOutcome {
    const base = { hotline: field.hotline, external: field.external };
    if (decision.action === 'skip') return { ...base, action: 'skipped', reason: decision.reason };
    if (decision.action === 'in_sync') return { ...base, action: 'in_sync' };
    if (decision.action !== mine) return { ...base, action: 'kept', conflict: decision.conflict };
    return { ...base, action: mine === 'push' ? 'pushed' : 'pulled', conflict: decision.conflict };
  }

  /** The CRM record linked to a Hotline record: by the stored link, else by the mapping's keys. */
  async function locate(link: CrmLinkState, keyValue: string | undefined) {
    if (link.externalId !== undefined) {
      const linked = await client.get(mapping.externalObject, link.externalId);
      if (linked) return linked;
    }
    if (keyValue === undefined) return undefined;
    return mapping.keys.external === 'id'
      ? client.get(mapping.externalObject, keyValue)
      : client.findBy(mapping.externalObject, mapping.keys.external, keyValue);
  }

  async function push(tenantId: string, hotlineId: string): Promise<CrmPushResult> {
    return lock(`${tenantId}\u0000${hotlineId}`, async () => {
      const record = await load(tenantId, hotlineId);
      if (!record) throw new NotFoundError(mapping.object, hotlineId);
      const link: CrmLinkState = (await state.getLink(tenantId, mapping.id, hotlineId)) ?? { synced: {} };
      const rawKey = readProperty(record, mapping.keys.hotline);
      const keyValue = rawKey === null ? undefined : String(rawKey);
      const remote = await locate(link, keyValue);
      const changes: Record<string, JsonValue> = {};
      const fields: CrmFieldOutcome[] = [];
      for (const field of pushFields) {
        const decision = decide(field, record, remote, link);
        fields.push(outcome(field, decision, 'push'));
        if (decision.action === 'push') changes[field.external] = decision.external;
        else if (decision.action === 'in_sync') link.synced[field.external] = decision.external;
      }
      if (Object.keys(changes).length === 0) {
        // Nothing to write; an empty record is not created either.
        if (remote) link.externalId = remote.id;
        await state.putLink(tenantId, mapping.id, hotlineId, link);
        return remote
          ? { hotlineId, externalId: remote.id, written: false, fields }
          : { hotlineId, written: false, fields };
      }
      const stored = await client.upsert(mapping.externalObject, upsertTarget(remote, keyValue, changes));
      link.externalId = stored.id;
      for (const [external, value] of Object.entries(changes)) link.synced[external] = stored.fields[external] ?? value;
      await state.putLink(tenantId, mapping.id, hotlineId, link);
      await recordExternalId(tenantId, hotlineId, stored.id, keyValue);
      return { hotlineId, externalId: stored.id, written: true, fields };
    });
  }

  function upsertTarget(
    remote: CrmRecord | undefined,
    keyValue: string | undefined,
    fields: Record<string, JsonValue>,
  ) {
    if (remote) return { id: remote.id, fields };
    if (keyValue === undefined) return { fields };
    if (mapping.keys.external === 'id') return { id: keyValue, fields };
    return { key: { field: mapping.keys.external, value: keyValue }, fields };
  }

  /** Writes a CRM-assigned id back into the key property (`fields.crm_id`) when that is the key. */
  async function recordExternalId(
    tenantId: string,
    hotlineId: string,
    externalId: string,
    keyValue: string | undefined,
  ) {
    const key = mapping.keys.hotline;
    if (mapping.keys.external !== 'id' || key === 'id' || key.startsWith('identity:') || keyValue === externalId)
      return;
    await retryOnConflict(async () => {
      const fresh = await load(tenantId, hotlineId);
      if (!fresh || readProperty(fresh, key) === externalId) return;
      await writeHotline(tenantId, fresh, { [key]: externalId });
    }, RETRY_ANY_CONFLICT);
  }

  async function findHotlineId(tenantId: string, remote: CrmRecord): Promise<string | undefined> {
    const linked = await state.findByExternalId(tenantId, mapping.id, remote.id);
    if (linked !== undefined) return linked;
    const raw = mapping.keys.external === 'id' ? remote.id : remote.fields[mapping.keys.external];
    if (raw === undefined || raw === null || typeof raw === 'object') return undefined;
    const value = String(raw);
    if (mapping.keys.hotline === 'id') return value;
    const found =
      mapping.object === 'ticket'
        ? await hotline.findTicket?.(tenantId, mapping.keys.hotline, value)
        : await hotline.findContact?.(tenantId, mapping.keys.hotline, value);
    return found?.id;
  }

  /** Applies one CRM record to Hotline; `false` when no Hotline record matches it. */
  async function applyRecord(tenantId: string, remote: CrmRecord): Promise<boolean | 'written'> {
    const hotlineId = await findHotlineId(tenantId, remote);
    if (hotlineId === undefined) return false;
    return lock(`${tenantId}\u0000${hotlineId}`, () =>
      retryOnConflict(async (): Promise<boolean | 'written'> => {
        const record = await load(tenantId, hotlineId);
        if (!record) return false;
        const link: CrmLinkState = (await state.getLink(tenantId, mapping.id, hotlineId)) ?? { synced: {} };
        link.externalId = remote.id;
        const changes: CrmHotlineChanges = {};
        const agreed: Record<string, JsonValue> = {};
        for (const field of pullFields) {
          const decision = decide(field, record, remote, link);
          if (decision.action === 'pull') {
            changes[field.hotline] = decision.hotline;
            agreed[field.external] = decision.external;
          } else if (decision.action === 'in_sync') {
            agreed[field.external] = decision.external;
          }
        }
        const written = Object.keys(changes).length > 0;
        if (written) await writeHotline(tenantId, record, changes);
        Object.assign(link.synced, agreed);
        await state.putLink(tenantId, mapping.id, hotlineId, link);
        return written ? 'written' : true;
      }, RETRY_ANY_CONFLICT),
    );
  }

  async function pull(tenantId: string, pullOptions: { maxPages?: number; pageSize?: number } = {}) {
    const maxPages = positiveInt('maxPages', pullOptions.maxPages ?? 10);
    const pageSize = positiveInt('pageSize', pullOptions.pageSize ?? 100);
    const result: CrmPullResult = { records: 0, applied: 0, unmatched: [], rejected: [] };
    let cursor = await state.getCursor(tenantId, mapping.id);
    for (let page = 0; page < maxPages; page++) {
      const changes = await client.listChangedSince(mapping.externalObject, cursor, pageSize);
      for (const remote of changes.records) {
        result.records += 1;
        try {
          const applied = await applyRecord(tenantId, remote);
          if (applied === false) result.unmatched.push(remote.id);
          else if (applied === 'written') result.applied += 1;
        } catch (error) {
          // A value Hotline refuses would block the feed forever; anything else (Hotline or
          // the CRM unavailable) stops here so the page is read again next time.
          if (!isHotlineError(error, 'VALIDATION_FAILED') && !isHotlineError(error, 'ILLEGAL_TRANSITION')) throw error;
          result.rejected.push({ externalId: remote.id, code: error.code, message: error.message });
        }
      }
      cursor = changes.cursor;
      await state.putCursor(tenantId, mapping.id, cursor);
      if (!changes.hasMore) break;
    }
    if (cursor !== undefined) result.cursor = cursor;
    return result;
  }

  function requireStorage(): Storage {
    if (!options.storage) {
      throw new ValidationError('queued pushes need storage', [{ path: 'storage', message: 'required' }]);
    }
    return options.storage;
  }

  async function schedulePush(
    tenantId: string,
    hotlineId: string,
    opts: { key?: string; storage?: Storage } = {},
  ): Promise<OutboxEntry> {
    const target = opts.storage ?? requireStorage();
    return target.outbox.enqueue({
      tenantId,
      id: newId('crm'),
      topic,
      payload: { hotlineId },
      createdAt: isoNow(clock),
      availableAt: clock.now(),
      ...(opts.key === undefined ? {} : { key: opts.key }),
    });
  }

  async function runOnce(): Promise<CrmPushRunReport> {
    const storage = requireStorage();
    const entries = await storage.outbox.claim({
      now: clock.now(),
      limit: batchSize,
      owner: topic,
      leaseMs,
      topics: [topic],
    });
    const report: CrmPushRunReport = { claimed: entries.length, pushed: 0, retried: 0, dead: 0 };
    for (const entry of entries) {
      const token = entry.claimToken ?? '';
      const hotlineId = (entry.payload as { hotlineId?: unknown }).hotlineId;
      try {
        if (typeof hotlineId !== 'string') {
          throw new ValidationError('malformed CRM push entry', [{ path: 'payload.hotlineId', message: 'a string' }]);
        }
        await push(entry.tenantId, hotlineId);
        await storage.outbox.complete(entry.tenantId, entry.id, token, isoNow(clock));
        report.pushed += 1;
      } catch (error) {
        const retryable = !(error instanceof HotlineError) || error.retryable;
        const final = !retryable || entry.attempts >= maxAttempts;
        await storage.outbox.fail(entry.tenantId, entry.id, token, {
          retryAt: final ? clock.now() : clock.now() + jitteredBackoffMs(entry.attempts, backoff, random),
          error: error instanceof Error ? error.message : String(error),
          dead: final,
        });
        report[final ? 'dead' : 'retried'] += 1;
      }
    }
    return report;
  }

  async function pushObject(object: CrmMapping['object'], tenantId: string, id: string): Promise<CrmPushResult> {
    if (mapping.object !== object) {
      throw new ValidationError(`mapping ${mapping.id} syncs ${mapping.object}s, not ${object}s`, [
        { path: 'object', message: `expected ${mapping.object}` },
      ]);
    }
    return push(tenantId, id);
  }

  const unsubscribers: Array<() => void> = [];
  const schedule = (tenantId: string, hotlineId: string, key: string) => {
    schedulePush(tenantId, hotlineId, { key }).catch(onError);
  };
  if (options.bus && mapping.object === 'ticket') {
    unsubscribers.push(
      options.bus.subscribe('ticket.created', (event) => schedule(event.tenantId, event.ticketId, event.id)),
      options.bus.subscribe('ticket.updated', (event) => {
        // Our own writes are not pushed back; nor are changes to properties not mapped.
        if (event.actor === actorLabel || !event.properties.some((p) => watched.has(p))) return;
        schedule(event.tenantId, event.ticketId, `${event.ticketId}:v${event.version}`);
      }),
    );
  } else if (options.bus) {
    for (const type of ['contact.created', 'contact.updated'] as const) {
      unsubscribers.push(options.bus.subscribe(type, (event) => schedule(event.tenantId, event.contactId, event.id)));
    }
  }

  const loop = createPollLoop({
    clock,
    pollIntervalMs,
    runBatch: async () => ({ full: (await runOnce()).claimed >= batchSize }),
    onError,
  });

  return {
    mapping,
    pushTicket: (tenantId, ticketId) => pushObject('ticket', tenantId, ticketId),
    pushContact: (tenantId, contactId) => pushObject('contact', tenantId, contactId),
    pull,
    schedulePush,
    runOnce,
    start: loop.start,
    async stop() {
      for (const off of unsubscribers.splice(0)) off();
      await loop.stop();
    },
  };
}
