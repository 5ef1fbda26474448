import { createAuditLog, createPolicy, type Principal, versionConflict } from '@hotline/core';
import { describe, expect, it } from 'vitest';
import type { GuardRequest, TicketGuard, WriteContext } from '../model/ports.js';
import { makeKit, TENANT } from '../service/test-kit.js';
import { createMemoryTicketStore } from '../store/memory-ticket-store.js';
import type { TicketStore } from '../store/ticket-store.js';
import { createTicketGuard, type TicketGuardOptions } from './ticket-guard.js';

// The guard plugged into the ticket service: approvals survive a retried write, reads of
// history are redacted entry by entry, bulk updates are decided as a batch.

const ann: Principal = { id: 'agt_ann', tenantId: TENANT, roles: ['agent'] };
const sue: Principal = { id: 'agt_sue', tenantId: TENANT, roles: ['supervisor'] };
const sam: Principal = { id: 'agt_sam', tenantId: TENANT, roles: ['supervisor'] };

const as = (principal: Principal, approvalId?: string): WriteContext => ({
  tenantId: TENANT,
  actor: { type: 'agent', id: principal.id },
  principal,
  depth: 0,
  ...(approvalId === undefined ? {} : { approvalId }),
});

/** A store whose next `update` loses a race once (as if another writer got in first). */
function racingStore(): TicketStore & { loseNextRace(): void } {
  const inner = createMemoryTicketStore();
  let lose = false;
  return {
    ...inner,
    async update(write, expectedVersion) {
      if (lose) {
        lose = false;
        throw versionConflict('ticket', write.ticket.id, expectedVersion, expectedVersion + 1);
      }
      return inner.update(write, expectedVersion);
    },
    loseNextRace() {
      lose = true;
    },
  };
}

function wired(options: Partial<TicketGuardOptions> = {}) {
  const store = racingStore();
  let guard: ReturnType<typeof createTicketGuard> | undefined;
  const asked: GuardRequest[] = [];
  const spy: TicketGuard = {
    authorize: (request) => {
      asked.push(request);
      return (guard as ReturnType<typeof createTicketGuard>).authorize(request);
    },
    redact: (principal, ticket) => (guard as ReturnType<typeof createTicketGuard>).redact(principal, ticket),
    redactEntry: (principal, entry, ticket) =>
      (guard as ReturnType<typeof createTicketGuard>).redactEntry(principal, entry, ticket),
    releaseApproval: (principal, id) => (guard as ReturnType<typeof createTicketGuard>).releaseApproval(principal, id),
  };
  const kit = makeKit(
    (hotline) => {
      const policy = createPolicy({ clock: hotline.clock });
      guard = createTicketGuard({
        policy,
        audit: createAuditLog({ repository: hotline.storage.audit, clock: hotline.clock }),
        bus: hotline.bus,
        clock: hotline.clock,
        ...options,
      });
      return { guard: spy, fields: [{ key: 'salary', type: 'number' }] };
    },
    { store },
  );
  return { kit, store, guard: guard as ReturnType<typeof createTicketGuard>, asked };
}

describe('the guard in the ticket service', () => {
  it('gives an approval back when its write loses a race, so the retry can use it (once)', async () => {
    const { kit, store, guard } = wired();
    const ticket = await kit.tickets.create(as(sue), {
      subject: 'Outage',
      requesterId: 'ctc_1',
      priority: 'urgent',
      assigneeId: 'agt_ann',
    });
    const lower = { changes: { priority: 'high' as const } };
    const refused = await kit.tickets.update(as(ann), ticket.id, lower).catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: 'FORBIDDEN', details: { reason: 'approval_required' } });
    const approval = await guard.requestApproval({
      principal: ann,
      operation: 'update',
      ticketId: ticket.id,
      changes: [{ property: 'priority', to: 'high' }],
      reason: 'not an outage after all',
    });
    await guard.approve(sue, approval.id);

    store.loseNextRace();
    const lowered = await kit.tickets.update(as(ann, approval.id), ticket.id, lower);
    expect(lowered).toMatchObject({ priority: 'high', version: 2 });
    expect((await guard.getApproval(ann, approval.id)).status).toBe('used');
    // Used by the write that committed: not again.
    await kit.tickets.update(as(sue), ticket.id, { changes: { priority: 'urgent' } });
    await expect(kit.tickets.update(as(ann, approval.id), ticket.id, lower)).rejects.toMatchObject({
      details: { reason: 'approval_required', problem: 'used' },
    });
    const audit = await kit.storage.audit.list(TENANT, { fromSeq: 1, limit: 100 });
    expect(audit.map((entry) => entry.action).filter((action) => action.startsWith('ticket.approval'))).toEqual([
      'ticket.approval_requested',
      'ticket.approval_decided',
      'ticket.approval_used',
      'ticket.approval_released',
      'ticket.approval_used',
    ]);
  });

  it('asks about a create with the tenant, and refuses a field the agent may not write, writing nothing', async () => {
    const { kit, asked } = wired({ fieldPermissions: { agent: { denyWrite: ['fields.salary'] } } });
    await expect(
      kit.tickets.create(as(ann), { subject: 'Raise', requesterId: 'ctc_1', fields: { salary: 1 } }),
    ).rejects.toMatchObject({ code: 'FORBIDDEN', details: { reason: 'field_write_denied' } });
    expect(asked[0]).toMatchObject({ operation: 'create', tenantId: TENANT });
    expect((await kit.store.list(TENANT)).items).toEqual([]);
  });

  it('leaves changes to a field the principal may not read out of the history', async () => {
    const { kit } = wired({ fieldPermissions: { agent: { denyRead: ['fields.salary'] } } });
    const ticket = await kit.tickets.create(as(sue), {
      subject: 'Raise',
      requesterId: 'ctc_1',
      assigneeId: 'agt_ann',
      fields: { salary: 91_000 },
    });
    await kit.tickets.update(as(sue), ticket.id, { changes: { fields: { salary: 97_000 }, priority: 'high' } });
    const seen = await kit.tickets.history({ tenantId: TENANT, principal: ann }, ticket.id);
    expect(JSON.stringify(seen)).not.toMatch(/salary|91000|97000/);
    expect(seen[1]?.changes).toEqual([{ property: 'priority', from: 'normal', to: 'high' }]);
    const full = await kit.tickets.history({ tenantId: TENANT, principal: sue }, ticket.id);
    expect(JSON.stringify(full)).toContain('97000');
  });

  it('decides a bulk update as a batch: closing more than 10 tickets needs an approval', async () => {
    const { kit, guard, asked } = wired();
    const ids: string[] = [];
    for (let i = 0; i < 11; i++) {
      ids.push((await kit.tickets.create(as(sue), { subject: `Spam ${i}`, requesterId: 'ctc_1' })).id);
    }
    const close = { status: 'solved' as const, assigneeId: 'agt_sue' };
    await expect(kit.tickets.bulkUpdate(as(sue), ids, close)).rejects.toMatchObject({
      details: { reason: 'approval_required', ruleId: 'bulk_close' },
    });
    expect(asked.at(-1)).toMatchObject({ operation: 'bulk_update', count: 11, tenantId: TENANT });
    expect((await kit.store.list(TENANT, { status: ['solved'] })).items).toEqual([]);

    const approval = await guard.requestApproval({
      principal: sue,
      operation: 'bulk_update',
      count: 12,
      changes: [
        { property: 'status', to: 'solved' },
        { property: 'assigneeId', to: 'agt_sue' },
      ],
      reason: 'spam wave',
    });
    await guard.approve(sam, approval.id);
    const result = await kit.tickets.bulkUpdate(as(sue, approval.id), [...ids, 'tkt_missing'], close);
    expect(result.updated.map((ticket) => ticket.status)).toEqual(Array(11).fill('solved'));
    expect(result.failed).toEqual([{ ticketId: 'tkt_missing', error: expect.objectContaining({ code: 'NOT_FOUND' }) }]);
    // One history entry per ticket, by the supervisor.
    const history = await kit.tickets.history({ tenantId: TENANT }, ids[0] as string);
    expect(history.map((entry) => [entry.kind, entry.actor])).toEqual([
      ['created', { type: 'agent', id: 'agt_sue' }],
      ['updated', { type: 'agent', id: 'agt_sue' }],
    ]);
    expect((await guard.getApproval(sue, approval.id)).status).toBe('used');
  });

  it('gives a bulk approval back when the batch wrote nothing', async () => {
    const { kit, guard } = wired();
    const approval = await guard.requestApproval({
      principal: sue,
      operation: 'bulk_update',
      count: 11,
      changes: [{ property: 'status', to: 'closed' }],
      reason: 'cleanup',
    });
    await guard.approve(sam, approval.id);
    const missing = Array.from({ length: 11 }, (_, i) => `tkt_gone${i}`);
    const result = await kit.tickets.bulkUpdate(as(sue, approval.id), missing, { status: 'closed' });
    expect(result.updated).toEqual([]);
    expect(result.failed).toHaveLength(11);
    expect((await guard.getApproval(sue, approval.id)).status).toBe('approved');
  });
});
