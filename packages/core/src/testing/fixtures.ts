import type { Agent } from '../schemas/agent.js';
import type { Contact } from '../schemas/contact.js';
import type { Conversation } from '../schemas/conversation.js';
import type { Queue } from '../schemas/queue.js';
import type { AuditEntry } from '../schemas/records.js';
import type { Task } from '../schemas/task.js';
import type { Tenant } from '../schemas/tenant.js';
import type { NewMessage } from '../storage/ports.js';

/** A fixed instant used by fixtures, so records are deterministic. */
export const FIXTURE_TIME = '2026-01-05T09:00:00.000Z';

let counter = 0;
/** A unique id for fixtures; sortable within one run. */
export function fixtureId(prefix: string): string {
  counter += 1;
  return `${prefix}_${Date.now().toString(36)}${counter.toString(36).padStart(6, '0')}`;
}

const base = (tenantId: string, id: string) => ({
  id,
  tenantId,
  version: 1,
  createdAt: FIXTURE_TIME,
  updatedAt: FIXTURE_TIME,
});

/** A valid tenant record. */
export function makeTenant(overrides: Partial<Tenant> = {}): Tenant {
  return {
    id: fixtureId('ten'),
    version: 1,
    createdAt: FIXTURE_TIME,
    updatedAt: FIXTURE_TIME,
    name: 'Fixture tenant',
    status: 'active',
    timeZone: 'UTC',
    settings: {},
    ...overrides,
  };
}

/** A valid contact record. */
export function makeContact(tenantId: string, overrides: Partial<Contact> = {}): Contact {
  return {
    ...base(tenantId, fixtureId('ctc')),
    name: 'Ana Lima',
    identities: [],
    attributes: {},
    mergedFrom: [],
    ...overrides,
  };
}

/** A valid conversation record in state `new`. */
export function makeConversation(tenantId: string, overrides: Partial<Conversation> = {}): Conversation {
  return {
    ...base(tenantId, fixtureId('cnv')),
    contactId: 'ctc_fixture',
    status: 'new',
    channel: 'webchat',
    legs: [{ id: fixtureId('leg'), channel: 'webchat', startedAt: FIXTURE_TIME }],
    participants: [],
    priority: 0,
    tags: [],
    attributes: {},
    reopenCount: 0,
    ...overrides,
  };
}

/** A valid message to append (storage assigns `seq`). */
export function makeMessage(tenantId: string, conversationId: string, overrides: Partial<NewMessage> = {}): NewMessage {
  return {
    id: fixtureId('msg'),
    tenantId,
    conversationId,
    direction: 'inbound',
    author: { kind: 'contact', id: 'ctc_fixture' },
    content: { type: 'text', text: 'hello' },
    channel: 'webchat',
    status: 'delivered',
    metadata: {},
    createdAt: FIXTURE_TIME,
    ...overrides,
  };
}

/** A valid pending task. */
export function makeTask(tenantId: string, overrides: Partial<Task> = {}): Task {
  return {
    ...base(tenantId, fixtureId('tsk')),
    kind: 'conversation',
    channel: 'webchat',
    status: 'pending',
    attributes: {},
    priority: 0,
    workflowStep: 0,
    enqueuedAt: FIXTURE_TIME,
    ...overrides,
  };
}

/** A valid agent. */
export function makeAgent(tenantId: string, overrides: Partial<Agent> = {}): Agent {
  return {
    ...base(tenantId, fixtureId('agt')),
    name: 'Bo Chen',
    skills: { support: 5 },
    languages: ['en'],
    capacity: { webchat: 3, voice: 1 },
    activity: 'available',
    activityChangedAt: FIXTURE_TIME,
    attributes: {},
    ...overrides,
  };
}

/** A valid queue. */
export function makeQueue(tenantId: string, overrides: Partial<Queue> = {}): Queue {
  return {
    ...base(tenantId, fixtureId('que')),
    name: 'Support',
    channels: [],
    serviceLevelSeconds: 20,
    attributes: {},
    settings: {},
    ...overrides,
  };
}

/** A structurally valid audit entry (the hashes are placeholders: storage does not check them). */
export function makeAuditEntry(tenantId: string, seq: number, overrides: Partial<AuditEntry> = {}): AuditEntry {
  const hex = (n: number) => n.toString(16).padStart(64, '0');
  return {
    tenantId,
    seq,
    id: fixtureId('aud'),
    at: FIXTURE_TIME,
    actor: { kind: 'system', id: 'conformance' },
    action: 'fixture.appended',
    resource: { type: 'fixture', id: `f${seq}` },
    prevHash: hex(seq - 1),
    hash: hex(seq),
    ...overrides,
  };
}
