import { createMemoryStorage, InMemoryEventBus, type SimulatedClock, type Storage } from '@hotline/core';
import { beforeEach, describe, expect, it } from 'vitest';
import '../model/events.js';
import { type CrmSyncOptions, createCrmSync } from './crm-sync.js';
import { crmChangesToContactPatch, crmChangesToTicketChanges } from './hotline-port.js';
import { createHttpCrmClient } from './http-crm-client.js';
import type { CrmMappingInput } from './mapping.js';
import { createFakeHotline, type FakeCrm, type FakeHotline, useFakeCrm } from './test-kit.js';

const TENANT = 'ten_1';
const MINUTE = 60_000;
const PRIORITY_MAP = { low: 'Low', normal: 'Medium', high: 'High', urgent: 'Critical' };

const caseMapping: CrmMappingInput = {
  id: 'crm-cases',
  object: 'ticket',
  externalObject: 'Case',
  keys: { hotline: 'fields.crm_id', external: 'id' },
  fields: [
    { hotline: 'priority', external: 'Priority', transform: { map: PRIORITY_MAP } },
    { hotline: 'subject', external: 'Subject', direction: 'to_crm' },
    { hotline: 'status', external: 'Status', direction: 'to_crm' },
    { hotline: 'fields.plan', external: 'Plan__c', direction: 'from_crm' },
    { hotline: 'fields.region', external: 'Region__c' },
  ],
  conflict: { mode: 'last_writer_wins' },
};

const env = useFakeCrm();
let crm: FakeCrm;
let clock: SimulatedClock;
let storage: Storage;
let bus: InMemoryEventBus;
let hotline: FakeHotline;

beforeEach(() => {
  ({ crm, clock } = env);
  storage = createMemoryStorage({ clock });
  bus = new InMemoryEventBus({ clock });
  hotline = createFakeHotline(clock, bus);
});

function sync(overrides: Partial<CrmSyncOptions> = {}) {
  return createCrmSync({
    mapping: caseMapping,
    client: createHttpCrmClient({ baseUrl: crm.baseUrl, token: crm.token, clock }),
    hotline,
    clock,
    random: () => 0.5,
    ...overrides,
  });
}

const ticket = (id = 'tkt_1') => hotline.tickets.get(id);
const lastActor = (id = 'tkt_1') => hotline.histories.get(id)?.at(-1)?.actor;

describe('CRM sync: push', () => {
  it('maps and transforms fields, creates the CRM record and records its id on the ticket', async () => {
    hotline.addTicket('tkt_1', { priority: 'high', fields: { region: 'emea', plan: 'pro' } });
    const s = sync();
    const result = await s.pushTicket(TENANT, 'tkt_1');
    expect(result).toMatchObject({ hotlineId: 'tkt_1', externalId: 'crm_1', written: true });
    expect(crm.record('Case', 'crm_1')?.fields).toEqual({
      Priority: 'High',
      Subject: 'Printer on fire',
      Status: 'open',
      Region__c: 'emea',
    });
    expect(ticket()?.fields['crm_id']).toBe('crm_1');
    expect(lastActor()).toEqual({ type: 'integration', id: 'crm-cases' });

    const again = await s.pushTicket(TENANT, 'tkt_1');
    expect(again.written).toBe(false);
    expect(crm.writes()).toEqual(['POST /api/objects/Case']);
  });

  it('skips a value its map cannot translate', async () => {
    hotline.addTicket('tkt_1', { priority: 'urgent' });
    const s = sync({
      mapping: {
        ...caseMapping,
        fields: [{ hotline: 'priority', external: 'Priority', transform: { map: { low: 'Low' } } }],
      },
    });
    const result = await s.pushTicket(TENANT, 'tkt_1');
    expect(result.fields).toEqual([
      { hotline: 'priority', external: 'Priority', action: 'skipped', reason: 'unmapped_value' },
    ]);
    expect(crm.writes()).toEqual([]);
  });

  it('a CRM 500 is a typed error on a direct push, and a queued push is retried with backoff', async () => {
    hotline.addTicket('tkt_1');
    const s = sync({ storage, bus });
    crm.failNext(1, 500);
    await expect(s.pushTicket(TENANT, 'tkt_1')).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      details: { status: 500 },
    });

    await hotline.agentUpdate('tkt_1', { priority: 'urgent' });
    crm.failNext(1, 503);
    expect(await s.runOnce()).toMatchObject({ claimed: 1, retried: 1 });
    expect(crm.all('Case')).toEqual([]);
    expect((await s.runOnce()).claimed).toBe(0);
    await clock.advance(750);
    expect(await s.runOnce()).toMatchObject({ claimed: 1, pushed: 1 });
    expect(crm.record('Case', 'crm_1')?.fields['Priority']).toBe('Critical');
    await s.stop();
  });

  it('dead-letters a queued push the CRM refuses (4xx is not retried)', async () => {
    hotline.addTicket('tkt_1');
    const s = sync({ storage });
    await s.schedulePush(TENANT, 'tkt_1');
    crm.failNext(1, 422);
    expect(await s.runOnce()).toMatchObject({ dead: 1 });
    const [dead] = (await storage.outbox.list(TENANT, { status: ['dead'] })).items;
    expect(dead?.lastError).toMatch(/422/);
  });
});

describe('CRM sync: pull', () => {
  it('applies from_crm fields as the integration and does not push them back', async () => {
    hotline.addTicket('tkt_1');
    const s = sync({ storage, bus });
    await s.pushTicket(TENANT, 'tkt_1');
    await s.runOnce();
    const writes = crm.writes().length;
    await clock.advance(MINUTE);
    crm.edit('Case', 'crm_1', { Plan__c: 'enterprise', Region__c: 'apac' });

    expect(await s.pull(TENANT)).toMatchObject({ records: 1, applied: 1, unmatched: [], rejected: [] });
    expect(ticket()?.fields).toMatchObject({ plan: 'enterprise', region: 'apac' });
    expect(lastActor()).toEqual({ type: 'integration', id: 'crm-cases' });
    // The pull's own ticket.updated queued nothing, and a push finds nothing to send.
    await clock.advance(0);
    expect(await s.runOnce()).toMatchObject({ claimed: 0 });
    expect((await s.pushTicket(TENANT, 'tkt_1')).written).toBe(false);
    expect(crm.writes()).toHaveLength(writes);
    expect(await s.pull(TENANT)).toMatchObject({ records: 0 });
    await s.stop();
  });

  it('ignores the CRM echo of its own push, even after a newer Hotline change', async () => {
    hotline.addTicket('tkt_1', { priority: 'high' });
    const s = sync();
    await s.pushTicket(TENANT, 'tkt_1');
    const entries = hotline.histories.get('tkt_1')?.length;
    expect(await s.pull(TENANT)).toMatchObject({ records: 1, applied: 0 });
    expect(hotline.histories.get('tkt_1')).toHaveLength(entries ?? 0);

    // A CRM with only a record-level updatedAt: a later edit of another field makes the
    // echoed Priority look newer than the agent's change. The last agreed value still
    // tells that the CRM did not change it.
    crm.setFieldTimes(false);
    await clock.advance(MINUTE);
    await hotline.agentUpdate('tkt_1', { priority: 'low' }); // not pushed yet
    await clock.advance(MINUTE);
    crm.edit('Case', 'crm_1', { Subject: 'touched in the CRM' });
    expect(await s.pull(TENANT)).toMatchObject({ records: 1, applied: 0 });
    expect(ticket()?.priority).toBe('low');
  });

  it('reads the feed page by page, storing the cursor; reports unmatched and refused records', async () => {
    hotline.addTicket('tkt_1');
    hotline.addTicket('tkt_2');
    const s = sync({
      mapping: {
        ...caseMapping,
        fields: [{ hotline: 'priority', external: 'Priority' }],
        keys: { hotline: 'id', external: 'Hotline_Id__c' },
      },
    });
    await s.pushTicket(TENANT, 'tkt_1');
    await s.pushTicket(TENANT, 'tkt_2');
    await clock.advance(MINUTE);
    const [one, two] = crm.all('Case');
    crm.edit('Case', one?.id ?? '', { Priority: 'extreme' });
    crm.edit('Case', two?.id ?? '', { Priority: 'urgent' });
    // A CRM record nobody in Hotline matches.
    await createHttpCrmClient({ baseUrl: crm.baseUrl, token: crm.token, clock }).upsert('Case', {
      fields: { Priority: 'low' },
    });
    const result = await s.pull(TENANT, { pageSize: 1 });
    expect(result).toMatchObject({ records: 3, applied: 1, unmatched: ['crm_3'] });
    expect(result.rejected).toEqual([expect.objectContaining({ externalId: one?.id, code: 'VALIDATION_FAILED' })]);
    expect(ticket('tkt_2')?.priority).toBe('urgent');
    expect(await s.pull(TENANT)).toMatchObject({ records: 0 });
  });
});

describe('CRM sync: races', () => {
  it('a pull that races an agent write re-reads and decides again', async () => {
    hotline.addTicket('tkt_1', { priority: 'high', fields: { region: 'emea' } });
    let raced = false;
    const s = sync({
      hotline: {
        ...hotline,
        updateTicket: async (context, id, changes, expectedVersion) => {
          if (!raced && context.actor.type === 'integration' && 'fields.region' in changes) {
            raced = true;
            await hotline.agentUpdate(id, { priority: 'low' });
          }
          return hotline.updateTicket(context, id, changes, expectedVersion);
        },
      },
    });
    await s.pushTicket(TENANT, 'tkt_1');
    await clock.advance(MINUTE);
    crm.edit('Case', 'crm_1', { Region__c: 'apac' });
    expect(await s.pull(TENANT)).toMatchObject({ applied: 1 });
    expect(raced).toBe(true);
    expect(ticket()).toMatchObject({ priority: 'low', fields: { region: 'apac' } });
  });
});

describe('CRM sync: conflicts', () => {
  it('last writer wins, by field time, in both directions', async () => {
    hotline.addTicket('tkt_1', { priority: 'high' });
    const s = sync();
    await s.pushTicket(TENANT, 'tkt_1');

    // The CRM changes first, then Hotline: Hotline is the last writer.
    await clock.advance(MINUTE);
    crm.edit('Case', 'crm_1', { Priority: 'Low' });
    await clock.advance(MINUTE);
    await hotline.agentUpdate('tkt_1', { priority: 'urgent' });
    const pulled = await s.pull(TENANT);
    expect(pulled.applied).toBe(0);
    expect(ticket()?.priority).toBe('urgent');
    const pushed = await s.pushTicket(TENANT, 'tkt_1');
    expect(pushed.fields[0]).toEqual({ hotline: 'priority', external: 'Priority', action: 'pushed', conflict: true });
    expect(crm.record('Case', 'crm_1')?.fields['Priority']).toBe('Critical');

    // Hotline changes first, then the CRM: the CRM is the last writer.
    await clock.advance(MINUTE);
    await hotline.agentUpdate('tkt_1', { priority: 'low' });
    await clock.advance(MINUTE);
    crm.edit('Case', 'crm_1', { Priority: 'High' });
    const kept = await s.pushTicket(TENANT, 'tkt_1');
    expect(kept.fields[0]).toEqual({ hotline: 'priority', external: 'Priority', action: 'kept', conflict: true });
    expect(crm.record('Case', 'crm_1')?.fields['Priority']).toBe('High');
    expect(await s.pull(TENANT)).toMatchObject({ applied: 1 });
    expect(ticket()?.priority).toBe('high');
  });

  it('a source of truth per field wins whatever the times', async () => {
    hotline.addTicket('tkt_1', { priority: 'high', fields: { region: 'emea' } });
    const s = sync({
      mapping: {
        ...caseMapping,
        conflict: {
          mode: 'source_of_truth',
          perField: { 'fields.region': 'crm', priority: 'hotline' },
          default: 'hotline',
        },
      },
    });
    await s.pushTicket(TENANT, 'tkt_1');
    await clock.advance(MINUTE);
    crm.edit('Case', 'crm_1', { Region__c: 'amer' }); // older than Hotline's change
    await clock.advance(MINUTE);
    await hotline.agentUpdate('tkt_1', { priority: 'urgent', 'fields.region': 'apac' });
    await clock.advance(MINUTE);
    crm.edit('Case', 'crm_1', { Priority: 'Low' }); // newer than Hotline's change

    await s.pull(TENANT);
    expect(ticket()?.fields['region']).toBe('amer');
    expect(ticket()?.priority).toBe('urgent');
    const pushed = await s.pushTicket(TENANT, 'tkt_1');
    expect(pushed.fields.find((f) => f.hotline === 'priority')).toMatchObject({ action: 'pushed', conflict: true });
    expect(pushed.fields.find((f) => f.hotline === 'fields.region')).toMatchObject({ action: 'in_sync' });
    expect(crm.record('Case', 'crm_1')?.fields).toMatchObject({ Priority: 'Critical', Region__c: 'amer' });
  });
});

describe('CRM sync: contacts', () => {
  it('matches by email identity, pushes by key and pulls CRM-owned attributes', async () => {
    const at = new Date(clock.now()).toISOString();
    hotline.addContact('ctc_1', {
      name: 'Ada Lovelace',
      identities: [{ channel: 'email', address: 'ada@example.com', verified: true, addedAt: at }],
    });
    hotline.addContact('ctc_2', {
      name: 'Grace Hopper',
      identities: [{ channel: 'email', address: 'grace@example.com', verified: true, addedAt: at }],
    });
    const s = sync({
      mapping: {
        id: 'crm-contacts',
        object: 'contact',
        externalObject: 'Contact',
        keys: { hotline: 'identity:email', external: 'Email' },
        fields: [
          { hotline: 'name', external: 'Name' },
          { hotline: 'attributes.tier', external: 'Tier__c', direction: 'from_crm' },
        ],
      },
    });
    await expect(s.pushTicket(TENANT, 'tkt_1')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await s.pushContact(TENANT, 'ctc_1')).toMatchObject({ written: true, externalId: 'crm_1' });
    expect(crm.requests).toEqual([
      'GET /api/objects/Contact/by/Email/ada%40example.com',
      'PUT /api/objects/Contact/by/Email/ada%40example.com',
    ]);
    expect(crm.record('Contact', 'crm_1')?.fields).toEqual({ Name: 'Ada Lovelace', Email: 'ada@example.com' });

    await clock.advance(MINUTE);
    crm.edit('Contact', 'crm_1', { Tier__c: 'gold' });
    // A record created in the CRM for a contact never pushed: found by its email.
    await createHttpCrmClient({ baseUrl: crm.baseUrl, token: crm.token, clock }).upsert('Contact', {
      key: { field: 'Email', value: 'grace@example.com' },
      fields: { Tier__c: 'silver' },
    });
    expect(await s.pull(TENANT)).toMatchObject({ records: 2, applied: 2 });
    expect(hotline.contacts.get('ctc_1')?.attributes).toEqual({ tier: 'gold' });
    expect(hotline.contacts.get('ctc_2')?.attributes).toEqual({ tier: 'silver' });
  });
});

describe('CRM mappings', () => {
  const bad = (patch: Partial<CrmMappingInput>) => () => sync({ mapping: { ...caseMapping, ...patch } });
  const issues = (patch: Partial<CrmMappingInput>): string[] => {
    try {
      bad(patch)();
    } catch (error) {
      expect(error).toMatchObject({ code: 'VALIDATION_FAILED' });
      return (error as { issues: { path: string; message: string }[] }).issues.map((i) => `${i.path}: ${i.message}`);
    }
    throw new Error('accepted a bad mapping');
  };

  it('refuses unknown properties, duplicates and read-only targets', () => {
    expect(issues({ fields: [{ hotline: 'colour', external: 'Colour__c' }] })).toEqual([
      "fields.0.hotline: unknown ticket property 'colour'",
    ]);
    expect(issues({ fields: [{ hotline: 'name', external: 'Name' }] })).toEqual([
      "fields.0.hotline: unknown ticket property 'name'",
    ]);
    expect(issues({ fields: [{ hotline: 'fields.Plan', external: 'Plan__c' }] })).toEqual([
      "fields.0.hotline: unknown ticket property 'fields.Plan'",
    ]);
    expect(
      issues({
        fields: [
          { hotline: 'priority', external: 'A' },
          { hotline: 'priority', external: 'B' },
          { hotline: 'subject', external: 'A' },
        ],
      }),
    ).toEqual([
      "fields.1.hotline: 'priority' is mapped twice",
      "fields.2.external: 'A' is mapped twice (or is the key)",
    ]);
    expect(issues({ fields: [{ hotline: 'number', external: 'Number' }] })).toEqual([
      "fields.0.direction: 'number' is read-only: direction must be to_crm",
    ]);
    expect(issues({ fields: [{ hotline: 'fields.crm_id', external: 'X' }] })).toEqual([
      'fields.0.hotline: the key property is synced through keys',
    ]);
  });

  it('refuses bad keys, maps that cannot be inverted and per-field rules on unmapped fields', () => {
    expect(issues({ keys: { hotline: 'identity:email', external: 'Email' } })).toEqual([
      "keys.hotline: 'id' or 'fields.<key>'",
    ]);
    expect(
      issues({ fields: [{ hotline: 'priority', external: 'P', transform: { map: { low: 'Low', normal: 'Low' } } }] }),
    ).toEqual(['fields.0.transform.map: values must be distinct to map CRM values back']);
    expect(
      issues({ conflict: { mode: 'source_of_truth', perField: { tags: 'crm', subject: 'crm' }, default: 'hotline' } }),
    ).toEqual([
      'conflict.perField.tags: not a two-way mapped field (one-way fields have no conflicts)',
      'conflict.perField.subject: not a two-way mapped field (one-way fields have no conflicts)',
    ]);
    expect(issues({ id: 'Bad Id' })).toHaveLength(1);
    expect(issues({ fields: [] })).toHaveLength(1);
  });

  it('needs the port methods of its object, and storage when listening on a bus', () => {
    expect(() => sync({ hotline: {} })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(() => sync({ bus })).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });
});

describe('port adapters', () => {
  it('nest fields and attributes as the ticket service and ContactService take them', () => {
    expect(crmChangesToTicketChanges({ priority: 'high', 'fields.plan': 'pro', 'fields.seats': 3 })).toEqual({
      priority: 'high',
      fields: { plan: 'pro', seats: 3 },
    });
    expect(crmChangesToTicketChanges({ subject: 'x' })).toEqual({ subject: 'x' });
    expect(crmChangesToContactPatch({ name: 'Ada', 'attributes.tier': null })).toEqual({
      name: 'Ada',
      attributes: { tier: null },
    });
  });
});
