import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  type Clock,
  ConflictError,
  type Contact,
  type EventBus,
  isoNow,
  type JsonValue,
  NotFoundError,
  SimulatedClock,
  ValidationError,
} from '@hotline/core';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { actorLabel } from '../model/actor.js';
import type { HistoryEntry } from '../model/history.js';
import { type Ticket, ticketPrioritySchema } from '../model/ticket.js';
import { makeTicket } from '../store/conformance/fixtures.js';
import type { CrmRecord } from './crm-client.js';
import type { CrmHotlineChanges, CrmHotlinePort } from './hotline-port.js';

// Test doubles for the CRM sync: a CRM over HTTP on loopback, and a Hotline port over
// plain maps. Not exported from the package.

interface StoredRecord extends CrmRecord {
  fieldUpdatedAt: Record<string, string>;
  seq: number;
}

/** A CRM speaking the REST shape of `createHttpCrmClient`, on 127.0.0.1. */
export interface FakeCrm {
  baseUrl: string;
  token: string;
  /** Every request, as `METHOD /path`. */
  requests: string[];
  /** Requests that wrote (PUT, POST). */
  writes(): string[];
  record(object: string, id: string): CrmRecord | undefined;
  all(object: string): CrmRecord[];
  /** A CRM user's edit, stamped with the clock's time (only changed fields get new times). */
  edit(object: string, id: string, fields: Record<string, JsonValue>): CrmRecord;
  /** Answer the next `count` requests with `status` (or hang, never answering). */
  failNext(count: number, status: number | 'hang'): void;
  /** Whether records carry `fieldUpdatedAt` (a CRM without field history has only `updatedAt`). */
  setFieldTimes(enabled: boolean): void;
  /** Forgets every record and request. */
  reset(): void;
  close(): Promise<void>;
}

/**
 * Registers vitest hooks for a file: one fake CRM for all its tests (closed after them),
 * and before each test a fresh `SimulatedClock` (the CRM's times follow it) and an empty CRM.
 */
export function useFakeCrm(): { readonly crm: FakeCrm; readonly clock: SimulatedClock } {
  let crm: FakeCrm | undefined;
  let clock = new SimulatedClock(Date.UTC(2026, 2, 1, 9));
  beforeAll(async () => {
    crm = await startFakeCrm({ now: () => clock.now() });
  });
  afterAll(async () => {
    await crm?.close();
  });
  beforeEach(() => {
    crm?.reset();
    clock = new SimulatedClock(Date.UTC(2026, 2, 1, 9));
  });
  return {
    get crm() {
      if (!crm) throw new Error('the fake CRM starts in beforeAll');
      return crm;
    },
    get clock() {
      return clock;
    },
  };
}

/** Starts the fake CRM; its times come from `clock`. */
export async function startFakeCrm(clock: Pick<Clock, 'now'>, token = 'crm-test-token'): Promise<FakeCrm> {
  const objects = new Map<string, Map<string, StoredRecord>>();
  const requests: string[] = [];
  const hanging = new Set<ServerResponse>();
  let seq = 0;
  let created = 0;
  let failures: Array<number | 'hang'> = [];
  let fieldTimes = true;

  const table = (object: string) => {
    let records = objects.get(object);
    if (!records) {
      records = new Map();
      objects.set(object, records);
    }
    return records;
  };
  const view = ({ seq: _seq, fieldUpdatedAt, ...record }: StoredRecord): CrmRecord =>
    structuredClone(fieldTimes ? { ...record, fieldUpdatedAt } : record);

  function write(object: string, id: string | undefined, fields: Record<string, JsonValue>): StoredRecord {
    const now = new Date(clock.now()).toISOString();
    const records = table(object);
    const recordId = id ?? `crm_${++created}`;
    const existing = records.get(recordId);
    const record: StoredRecord = existing ?? { id: recordId, updatedAt: now, fields: {}, fieldUpdatedAt: {}, seq: 0 };
    let changed = !existing;
    for (const [name, value] of Object.entries(fields)) {
      if (JSON.stringify(record.fields[name]) === JSON.stringify(value)) continue;
      record.fields[name] = value;
      record.fieldUpdatedAt[name] = now;
      changed = true;
    }
    if (changed) {
      record.updatedAt = now;
      record.seq = ++seq;
    }
    records.set(recordId, record);
    return record;
  }

  const findBy = (object: string, field: string, value: string) =>
    [...table(object).values()].find((r) => r.fields[field] !== undefined && String(r.fields[field]) === value);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://crm.test');
    requests.push(`${req.method} ${url.pathname}`);
    const failure = failures.shift();
    if (failure === 'hang') {
      hanging.add(res);
      return;
    }
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' });
      res.end(body === undefined ? '' : JSON.stringify(body));
    };
    if (failure !== undefined) return send(failure, { error: 'injected' });
    if (req.headers.authorization !== `Bearer ${token}`) return send(401, { error: 'unauthorized' });
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body =
      chunks.length > 0
        ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as { fields: Record<string, JsonValue> })
        : undefined;
    const parts = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
    // parts: ['api', 'objects', object, ...rest]
    const [, , object = '', ...rest] = parts;
    if (req.method === 'GET' && rest[0] === 'changes' && rest.length === 1) {
      const after = Number(url.searchParams.get('cursor') ?? '0');
      const limit = Number(url.searchParams.get('limit') ?? '100');
      const changed = [...table(object).values()].filter((r) => r.seq > after).sort((a, b) => a.seq - b.seq);
      const page = changed.slice(0, limit);
      const cursor = String(page.at(-1)?.seq ?? after);
      return send(200, { records: page.map(view), cursor, hasMore: changed.length > limit });
    }
    if (rest[0] === 'by' && rest.length === 3) {
      const [, field = '', value = ''] = rest;
      const found = findBy(object, field, value);
      if (req.method === 'GET') return found ? send(200, view(found)) : send(404);
      if (req.method === 'PUT') {
        return send(found ? 200 : 201, view(write(object, found?.id, { ...body?.fields, [field]: value })));
      }
    }
    if (rest.length === 1) {
      const id = rest[0] ?? '';
      const found = table(object).get(id);
      if (req.method === 'GET') return found ? send(200, view(found)) : send(404);
      if (req.method === 'PUT') return send(found ? 200 : 201, view(write(object, id, body?.fields ?? {})));
    }
    if (rest.length === 0 && req.method === 'POST')
      return send(201, view(write(object, undefined, body?.fields ?? {})));
    return send(404, { error: 'no route' });
  }

  const server = createServer((req, res) => {
    handle(req, res).catch(() => {
      res.writeHead(500);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    baseUrl: `http://127.0.0.1:${port}/api`,
    token,
    requests,
    writes: () => requests.filter((r) => r.startsWith('PUT') || r.startsWith('POST')),
    record: (object, id) => {
      const found = table(object).get(id);
      return found && view(found);
    },
    all: (object) => [...table(object).values()].map(view),
    edit(object, id, fields) {
      if (!table(object).has(id)) throw new Error(`no ${object} ${id}`);
      return view(write(object, id, fields));
    },
    failNext(count, status) {
      failures = Array.from({ length: count }, () => status);
    },
    setFieldTimes(enabled) {
      fieldTimes = enabled;
    },
    reset() {
      fieldTimes = true;
      objects.clear();
      requests.length = 0;
      failures = [];
      created = 0;
    },
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A Hotline port over maps, writing history and `ticket.updated` events like the service. */
export interface FakeHotline extends Required<CrmHotlinePort> {
  tickets: Map<string, Ticket>;
  histories: Map<string, HistoryEntry[]>;
  contacts: Map<string, Contact>;
  addTicket(id: string, overrides?: Partial<Ticket>): Ticket;
  addContact(id: string, overrides?: Partial<Contact>): Contact;
  /** An agent's edit of a ticket, now. */
  agentUpdate(ticketId: string, changes: CrmHotlineChanges): Promise<Ticket>;
}

const TENANT = 'ten_1';

/** A copy of the record to change, after the checks every port write makes. */
function writableCopy<T extends { tenantId: string; version: number }>(
  record: T | undefined,
  what: string,
  id: string,
  tenantId: string,
  expectedVersion: number,
): T {
  if (!record || record.tenantId !== tenantId) throw new NotFoundError(what, id);
  if (record.version !== expectedVersion) throw new ConflictError('stale', { details: { reason: 'version' } });
  return structuredClone(record);
}

/** The fake Hotline side, for tenant `ten_1`. */
export function createFakeHotline(clock: Clock, bus?: EventBus): FakeHotline {
  const tickets = new Map<string, Ticket>();
  const histories = new Map<string, HistoryEntry[]>();
  const contacts = new Map<string, Contact>();

  async function updateTicket(
    context: { tenantId: string; actor: HistoryEntry['actor'] },
    ticketId: string,
    changes: CrmHotlineChanges,
    expectedVersion: number,
  ): Promise<Ticket> {
    const next = writableCopy(tickets.get(ticketId), 'ticket', ticketId, context.tenantId, expectedVersion);
    const recorded: HistoryEntry['changes'] = [];
    for (const [property, to] of Object.entries(changes)) {
      if (property === 'priority' && !ticketPrioritySchema.safeParse(to).success) {
        throw new ValidationError('bad priority', [{ path: 'priority', message: 'a priority' }]);
      }
      const from = property.startsWith('fields.')
        ? next.fields[property.slice(7)]
        : (next as Record<string, unknown>)[property];
      if (property.startsWith('fields.')) next.fields[property.slice(7)] = to as string;
      else (next as Record<string, unknown>)[property] = to;
      recorded.push({ property, from, to });
    }
    next.version += 1;
    next.updatedAt = isoNow(clock);
    tickets.set(ticketId, next);
    histories.get(ticketId)?.push({
      tenantId: context.tenantId,
      ticketId,
      version: next.version,
      at: next.updatedAt,
      actor: context.actor,
      kind: 'updated',
      changes: recorded,
      depth: 0,
    });
    await bus?.publish({
      type: 'ticket.updated',
      tenantId: context.tenantId,
      ticketId,
      version: next.version,
      properties: recorded.map((c) => c.property),
      actor: actorLabel(context.actor),
    });
    return next;
  }

  async function updateContact(
    context: { tenantId: string },
    contactId: string,
    changes: CrmHotlineChanges,
    expectedVersion: number,
  ): Promise<Contact> {
    const next = writableCopy(contacts.get(contactId), 'contact', contactId, context.tenantId, expectedVersion);
    for (const [property, to] of Object.entries(changes)) {
      if (property.startsWith('attributes.')) next.attributes[property.slice(11)] = to;
      else if (property === 'name') next.name = String(to);
    }
    next.version += 1;
    next.updatedAt = isoNow(clock);
    contacts.set(contactId, next);
    return next;
  }

  return {
    tickets,
    histories,
    contacts,
    addTicket(id, overrides = {}) {
      const now = isoNow(clock);
      const ticket = makeTicket(TENANT, {
        id,
        number: tickets.size + 1,
        status: 'open',
        requesterId: 'ctc_1',
        createdAt: now,
        updatedAt: now,
        ...overrides,
      });
      tickets.set(id, ticket);
      histories.set(id, [
        {
          tenantId: TENANT,
          ticketId: id,
          version: 1,
          at: now,
          actor: { type: 'agent', id: 'agt_1' },
          kind: 'created',
          changes: [],
          depth: 0,
        },
      ]);
      return ticket;
    },
    addContact(id, overrides = {}) {
      const now = isoNow(clock);
      const contact: Contact = {
        id,
        tenantId: TENANT,
        version: 1,
        identities: [],
        attributes: {},
        mergedFrom: [],
        createdAt: now,
        updatedAt: now,
        ...overrides,
      };
      contacts.set(id, contact);
      return contact;
    },
    agentUpdate(ticketId, changes) {
      const ticket = tickets.get(ticketId);
      return updateTicket(
        { tenantId: TENANT, actor: { type: 'agent', id: 'agt_1' } },
        ticketId,
        changes,
        ticket?.version ?? 0,
      );
    },
    getTicket: async (tenantId, id) => {
      const ticket = tickets.get(id);
      return ticket?.tenantId === tenantId ? ticket : undefined;
    },
    getTicketHistory: async (_tenantId, id) => histories.get(id) ?? [],
    updateTicket,
    findTicket: async (tenantId, property, value) =>
      [...tickets.values()].find(
        (t) => t.tenantId === tenantId && property.startsWith('fields.') && t.fields[property.slice(7)] === value,
      ),
    getContact: async (tenantId, id) => {
      const contact = contacts.get(id);
      return contact?.tenantId === tenantId ? contact : undefined;
    },
    updateContact,
    findContact: async (tenantId, key, value) =>
      [...contacts.values()].find(
        (c) =>
          c.tenantId === tenantId &&
          key.startsWith('identity:') &&
          c.identities.some((i) => i.channel === key.slice(9) && i.address === value),
      ),
  };
}
