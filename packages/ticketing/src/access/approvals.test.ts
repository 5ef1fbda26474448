import { ForbiddenError, IllegalTransitionError, NotFoundError, type Principal, ValidationError } from '@hotline/core';
import { describe, expect, it } from 'vitest';
import type { GuardRequest } from '../model/ports.js';
import { DEFAULT_APPROVAL_RULES } from './approval-rules.js';
import { createMemoryApprovalStore } from './approval-store.js';
import { ada, ann, ben, bensTicket, makeTicket, rejection, sam, setup, sue, TENANT } from './test-kit.js';
import type { TicketGuardService } from './ticket-guard.js';

const urgent = makeTicket({ id: 'tkt_urg', priority: 'urgent', assigneeId: 'agt_ann' });
const toHigh = [{ property: 'priority', to: 'high' }];
const lower = (
  principal: Principal,
  approvalId?: string,
  changes: { property: string; to: unknown }[] = toHigh,
): GuardRequest => ({
  principal,
  operation: 'update',
  ticket: urgent,
  changes,
  ...(approvalId ? { approvalId } : {}),
});
const remove = (approvalId?: string): GuardRequest => ({
  principal: ada,
  operation: 'delete',
  ticket: bensTicket,
  ...(approvalId ? { approvalId } : {}),
});

/** Ada (an admin) asks to delete a ticket. */
const askToDelete = (guard: TicketGuardService, ticketId: string, reason: string) =>
  guard.requestApproval({ principal: ada, operation: 'delete', ticketId, reason });

describe('approval rules', () => {
  const { guard } = setup();

  it('require an approval to delete, naming the rule', async () => {
    const error = await rejection(guard.authorize(remove()));
    expect(error).toBeInstanceOf(ForbiddenError);
    expect(error.details).toMatchObject({
      reason: 'approval_required',
      ruleId: 'delete',
      ruleIds: ['delete'],
      approvers: 1,
      action: 'ticket:delete',
      resourceId: 'tkt_ben',
    });
  });

  it('require an approval to change the priority of an urgent ticket, not to raise one to urgent', async () => {
    expect((await rejection(guard.authorize(lower(ann)))).details['ruleId']).toBe('urgent_priority_change');
    const raise = {
      ...lower(ann),
      ticket: makeTicket({ assigneeId: 'agt_ann' }),
      changes: [{ property: 'priority', to: 'urgent' }],
    };
    await expect(guard.authorize(raise)).resolves.toBeUndefined();
    // Other changes to an urgent ticket, or "setting" urgent again, change no priority.
    await expect(
      guard.authorize(lower(ann, undefined, [{ property: 'status', to: 'pending' }])),
    ).resolves.toBeUndefined();
    await expect(
      guard.authorize(lower(ann, undefined, [{ property: 'priority', to: 'urgent' }])),
    ).resolves.toBeUndefined();
  });

  it('require an approval to solve or close more than 10 tickets at once', async () => {
    const bulk = (count: number, to: string) =>
      guard.authorize({
        principal: sue,
        operation: 'bulk_update',
        tenantId: TENANT,
        count,
        changes: [{ property: 'status', to }],
      });
    expect((await rejection(bulk(11, 'closed'))).details['ruleId']).toBe('bulk_close');
    expect((await rejection(bulk(500, 'solved'))).details['ruleId']).toBe('bulk_close');
    await expect(bulk(10, 'closed')).resolves.toBeUndefined();
    await expect(bulk(500, 'pending')).resolves.toBeUndefined();
  });

  it('are configurable, with ticket conditions, several approvers and custom tests', async () => {
    const { guard: custom } = setup({
      approvals: {
        rules: [
          ...DEFAULT_APPROVAL_RULES.filter((rule) => rule.id !== 'delete'),
          {
            id: 'vip_reassign',
            operations: ['assign', 'update'],
            property: 'assigneeId',
            ticket: { all: [{ field: 'tags', operator: 'includes', value: 'vip' }] },
            approvers: 2,
          },
          {
            id: 'weekend_merge',
            operations: ['merge'],
            when: (request) => request.ticket?.subject.startsWith('!') === true,
          },
        ],
      },
    });
    await expect(custom.authorize(remove())).resolves.toBeUndefined();
    const vip = makeTicket({ tags: ['vip'], assigneeId: 'agt_ben' });
    const reassign = {
      principal: sue,
      operation: 'assign' as const,
      changes: [{ property: 'assigneeId', to: 'agt_ann' }],
    };
    const error = await rejection(custom.authorize({ ...reassign, ticket: vip }));
    expect(error.details).toMatchObject({ ruleId: 'vip_reassign', approvers: 2 });
    await expect(
      custom.authorize({ ...reassign, ticket: makeTicket({ assigneeId: 'agt_ben' }) }),
    ).resolves.toBeUndefined();
    const merge = { principal: sue, operation: 'merge' as const };
    await expect(custom.authorize({ ...merge, ticket: makeTicket({ subject: '!now' }) })).rejects.toThrow(
      ForbiddenError,
    );
    await expect(custom.authorize({ ...merge, ticket: makeTicket() })).resolves.toBeUndefined();
  });
});

describe('the approval workflow', () => {
  it('requests, approves and authorises exactly once, with audit and events', async () => {
    const { guard, events, auditEntries, clock } = setup();
    const approval = await askToDelete(guard, bensTicket.id, 'GDPR erasure request');
    expect(approval).toMatchObject({
      status: 'pending',
      operation: 'delete',
      ticketId: 'tkt_ben',
      requestedBy: 'usr_ada',
      approvers: 1,
      decisions: [],
      expiresAt: new Date(clock.now() + 86_400_000).toISOString(),
    });
    expect(events.at(-1)).toMatchObject({
      type: 'ticket.approval_requested',
      tenantId: TENANT,
      approvalId: approval.id,
      ticketId: 'tkt_ben',
      operation: 'delete',
      requestedBy: 'usr_ada',
    });
    // Pending is not enough.
    expect((await rejection(guard.authorize(remove(approval.id)))).details['problem']).toBe('pending');

    const approved = await guard.approve(sue, approval.id);
    expect(approved.status).toBe('approved');
    expect(approved.decisions).toEqual([{ by: 'agt_sue', decision: 'approved', at: approved.decidedAt }]);
    expect(events.at(-1)).toMatchObject({
      type: 'ticket.approval_decided',
      approvalId: approval.id,
      decision: 'approved',
      by: 'agt_sue',
      status: 'approved',
    });

    await expect(guard.authorize(remove(approval.id))).resolves.toEqual({ usedApprovalId: approval.id });
    expect((await guard.getApproval(ada, approval.id)).status).toBe('used');
    // A used approval cannot be replayed.
    const replay = await rejection(guard.authorize(remove(approval.id)));
    expect(replay.details).toMatchObject({ reason: 'approval_required', ruleId: 'delete', problem: 'used' });

    const trail = (await auditEntries()).map((entry) => [entry.action, entry.actor.id, entry.changes?.['status']]);
    expect(trail).toEqual([
      ['ticket.approval_requested', 'usr_ada', { to: 'pending' }],
      ['ticket.approval_decided', 'agt_sue', { from: 'pending', to: 'approved' }],
      ['ticket.approval_used', 'usr_ada', { from: 'approved', to: 'used' }],
    ]);
  });

  it('refuses self-approval, even with a temporary grant of ticket:approve', async () => {
    const { guard, policy } = setup();
    const mine = await guard.requestApproval({
      principal: ann,
      operation: 'update',
      ticketId: urgent.id,
      changes: toHigh,
      reason: 'fixed',
    });
    const grant = policy.grantTemporary({ granter: sue, grantee: ann, action: 'ticket:approve', ttlMs: 3_600_000 });
    const annApprover = { ...ann, grants: [grant] };
    const self = await rejection(guard.approve(annApprover, mine.id));
    expect(self).toBeInstanceOf(ForbiddenError);
    expect(self.details['reason']).toBe('self_approval');
    expect((await rejection(guard.reject(annApprover, mine.id, 'no'))).details['reason']).toBe('self_approval');
    // The grant works for other people's requests.
    const bens = await guard.requestApproval({
      principal: ben,
      operation: 'delete',
      ticketId: 'tkt_x',
      reason: 'spam',
    });
    expect((await guard.approve(annApprover, bens.id)).status).toBe('approved');
    // Without the grant, agents may not approve.
    const denied = await rejection(guard.approve(ben, mine.id));
    expect(denied).toBeInstanceOf(ForbiddenError);
    expect(denied.details['action']).toBe('ticket:approve');
    expect((await guard.getApproval(ann, mine.id)).status).toBe('pending');
  });

  it('needs distinct approvers when configured', async () => {
    const { guard, events } = setup({ approvals: { rules: [{ id: 'delete', operations: ['delete'], approvers: 2 }] } });
    const approval = await askToDelete(guard, bensTicket.id, 'duplicate');
    expect(approval.approvers).toBe(2);
    expect((await guard.approve(sue, approval.id)).status).toBe('pending');
    expect(events.at(-1)).toMatchObject({ type: 'ticket.approval_decided', status: 'pending' });
    expect((await rejection(guard.approve(sue, approval.id))).details['reason']).toBe('already_decided');
    expect((await rejection(guard.authorize(remove(approval.id)))).details['problem']).toBe('pending');
    const done = await guard.approve(sam, approval.id);
    expect(done.status).toBe('approved');
    expect(done.decisions.map((decision) => decision.by)).toEqual(['agt_sue', 'agt_sam']);
    await expect(guard.authorize(remove(approval.id))).resolves.toEqual({ usedApprovalId: approval.id });
  });

  it('lets one approver reject, with a note, for good', async () => {
    const { guard, events, auditEntries } = setup();
    const approval = await askToDelete(guard, bensTicket.id, 'cleanup');
    await expect(guard.reject(sue, approval.id, '   ')).rejects.toThrow(ValidationError);
    const rejected = await guard.reject(sue, approval.id, 'customer still needs it');
    expect(rejected.status).toBe('rejected');
    expect(rejected.decisions[0]).toMatchObject({
      by: 'agt_sue',
      decision: 'rejected',
      note: 'customer still needs it',
    });
    expect(events.at(-1)).toMatchObject({ type: 'ticket.approval_decided', decision: 'rejected', status: 'rejected' });
    await expect(guard.approve(sam, approval.id)).rejects.toThrow(IllegalTransitionError);
    expect((await rejection(guard.authorize(remove(approval.id)))).details['problem']).toBe('rejected');
    const decided = (await auditEntries()).find((entry) => entry.action === 'ticket.approval_decided');
    expect(decided?.changes).toEqual({ status: { from: 'pending', to: 'rejected' } });
    expect(decided?.details).toMatchObject({ decision: 'rejected', note: 'customer still needs it' });
  });

  it('expires requests and unused approvals', async () => {
    const { guard, clock, auditEntries } = setup({ approvals: { ttlMs: 3_600_000 } });
    const unused = await askToDelete(guard, bensTicket.id, 'x');
    const undecided = await askToDelete(guard, 'tkt_2', 'y');
    await guard.approve(sue, unused.id);
    await clock.advance(3_599_999);
    expect((await guard.getApproval(sue, unused.id)).status).toBe('approved');
    await clock.advance(1);
    expect((await guard.getApproval(sue, unused.id)).status).toBe('expired');
    expect((await rejection(guard.authorize(remove(unused.id)))).details['problem']).toBe('expired');
    await expect(guard.approve(sue, undecided.id)).rejects.toThrow(IllegalTransitionError);
    const expiries = (await auditEntries()).filter((entry) => entry.action === 'ticket.approval_expired');
    expect(expiries.map((entry) => [entry.resource.id, entry.actor.kind, entry.changes?.['status']])).toEqual([
      [unused.id, 'system', { from: 'approved', to: 'expired' }],
      [undecided.id, 'system', { from: 'pending', to: 'expired' }],
    ]);
    expect((await guard.listApprovals(sue, { status: 'expired' })).map((approval) => approval.id)).toEqual([
      unused.id,
      undecided.id,
    ]);
  });

  it('authorises exactly the requested operation, ticket, values and count, for its requester', async () => {
    const { guard } = setup();
    const approval = await guard.requestApproval({
      principal: ann,
      operation: 'update',
      ticketId: urgent.id,
      changes: toHigh,
      reason: 'resolved',
    });
    await guard.approve(sue, approval.id);
    const tries: [GuardRequest, string][] = [
      [lower(ann, approval.id, [{ property: 'priority', to: 'low' }]), 'mismatch'],
      [lower(ann, approval.id, [...toHigh, { property: 'status', to: 'pending' }]), 'mismatch'],
      [
        {
          ...lower(ann, approval.id),
          ticket: makeTicket({ id: 'tkt_other', priority: 'urgent', assigneeId: 'agt_ann' }),
        },
        'mismatch',
      ],
      [{ ...lower(ann, approval.id), operation: 'comment' }, 'mismatch'],
      [lower(sue, approval.id), 'not_requester'],
      [lower(ann, 'apv_unknown'), 'not_found'],
    ];
    for (const [request, problem] of tries) {
      const error = await rejection(guard.authorize(request));
      expect(error.details, problem).toMatchObject({ reason: 'approval_required', problem });
    }
    // None of the refused attempts used it up.
    await expect(guard.authorize(lower(ann, approval.id))).resolves.toEqual({ usedApprovalId: approval.id });
  });

  it("ignores the service's context entries when matching", async () => {
    const { guard } = setup();
    const approval = await guard.requestApproval({
      principal: ann,
      operation: 'comment',
      ticketId: urgent.id,
      changes: toHigh,
      reason: 'replying with the fix',
    });
    await guard.approve(sue, approval.id);
    const comment = { property: 'comment', to: { public: true, author: 'agent' } };
    await expect(
      guard.authorize({ ...lower(ann, approval.id, [comment, ...toHigh]), operation: 'comment' }),
    ).resolves.toEqual({ usedApprovalId: approval.id });
    await expect(
      guard.requestApproval({ principal: ann, operation: 'comment', changes: [comment], reason: 'x' }),
    ).rejects.toThrow(ValidationError);
  });

  it('matches bulk approvals on the count', async () => {
    const { guard } = setup();
    const changes = [{ property: 'status', to: 'closed' }];
    const approval = await guard.requestApproval({
      principal: sue,
      operation: 'bulk_update',
      changes,
      count: 40,
      reason: 'spam wave',
    });
    await guard.approve(sam, approval.id);
    const bulk = (count: number) =>
      guard.authorize({
        principal: sue,
        operation: 'bulk_update',
        tenantId: TENANT,
        count,
        changes,
        approvalId: approval.id,
      });
    expect((await rejection(bulk(41))).details['problem']).toBe('mismatch');
    await expect(bulk(40)).resolves.toEqual({ usedApprovalId: approval.id });
  });

  it('is not used up when the operation is refused for another reason first', async () => {
    const { guard } = setup({ fieldPermissions: { agent: { denyWrite: ['fields.plan'] } } });
    const changes = [...toHigh, { property: 'fields.plan', to: 'pro' }];
    const approval = await guard.requestApproval({
      principal: ann,
      operation: 'update',
      ticketId: urgent.id,
      changes,
      reason: 'x',
    });
    await guard.approve(sue, approval.id);
    const error = await rejection(guard.authorize(lower(ann, approval.id, changes)));
    expect(error.details['reason']).toBe('field_write_denied');
    expect((await guard.getApproval(ann, approval.id)).status).toBe('approved');
  });

  it('can be given back by a write that did not commit, and then used once more', async () => {
    const { guard, auditEntries, clock } = setup({ approvals: { ttlMs: 3_600_000 } });
    const approval = await askToDelete(guard, bensTicket.id, 'x');
    await guard.approve(sue, approval.id);
    await guard.authorize(remove(approval.id));
    // Only the requester's used approval can be given back.
    await expect(guard.releaseApproval(sue, approval.id)).rejects.toThrow(NotFoundError);
    expect((await guard.releaseApproval(ada, approval.id)).status).toBe('approved');
    await expect(guard.releaseApproval(ada, approval.id)).rejects.toThrow(IllegalTransitionError);
    await expect(guard.authorize(remove(approval.id))).resolves.toEqual({ usedApprovalId: approval.id });
    await expect(guard.authorize(remove(approval.id))).rejects.toThrow(ForbiddenError);
    expect((await auditEntries()).map((entry) => entry.action)).toContain('ticket.approval_released');
    // Past its expiry, a given-back approval is expired.
    await clock.advance(3_600_000);
    expect((await guard.releaseApproval(ada, approval.id)).status).toBe('expired');
  });

  it('lets only one of two racing writes use an approval', async () => {
    const { guard } = setup();
    const approval = await askToDelete(guard, bensTicket.id, 'x');
    await guard.approve(sue, approval.id);
    const results = await Promise.allSettled([
      guard.authorize(remove(approval.id)),
      guard.authorize(remove(approval.id)),
    ]);
    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
  });

  it('shows approvals to their requester and to approvers only, within the tenant', async () => {
    const store = createMemoryApprovalStore();
    const { guard } = setup({ approvals: { store } });
    const adas = await askToDelete(guard, bensTicket.id, 'x');
    const anns = await guard.requestApproval({
      principal: ann,
      operation: 'update',
      ticketId: urgent.id,
      changes: toHigh,
      reason: 'y',
    });
    await expect(guard.getApproval(ben, adas.id)).rejects.toThrow(NotFoundError);
    await expect(guard.getApproval({ ...sue, tenantId: 'ten_2' }, adas.id)).rejects.toThrow(NotFoundError);
    expect((await guard.listApprovals(sue)).map((approval) => approval.id)).toEqual([adas.id, anns.id]);
    expect((await guard.listApprovals(ann)).map((approval) => approval.id)).toEqual([anns.id]);
    expect(await guard.listApprovals(sue, { status: 'approved' })).toEqual([]);
    // An approval of another tenant is unknown there.
    const foreignAdmin = { ...ada, tenantId: 'ten_2' };
    const foreign = await rejection(
      guard.authorize({
        principal: foreignAdmin,
        operation: 'delete',
        ticket: { ...bensTicket, tenantId: 'ten_2' },
        approvalId: adas.id,
      }),
    );
    expect(foreign.details['problem']).toBe('not_found');
    // The stored approval cannot be changed through what the store returned.
    const copy = await store.get(TENANT, adas.id);
    if (copy) copy.status = 'approved';
    expect((await store.get(TENANT, adas.id))?.status).toBe('pending');
  });

  it('refuses malformed requests and decisions', async () => {
    const { guard } = setup();
    const base = { principal: ada, operation: 'delete', ticketId: 'tkt_1', reason: 'x' };
    const bad: unknown[] = [
      { ...base, operation: 'destroy' },
      { ...base, reason: '' },
      { ...base, reason: 'x'.repeat(1001) },
      { ...base, principal: { id: 'usr_x' } },
      { ...base, ticketId: 'bad id' },
      { ...base, changes: [{ property: 'nope', to: 1 }] },
      { ...base, changes: [{ property: 'priority', to: () => 1 }] },
      { ...base, count: 1.5 },
      { ...base, extra: 1 },
    ];
    for (const input of bad) {
      await expect(guard.requestApproval(input as never), JSON.stringify(input)).rejects.toThrow(ValidationError);
    }
    await expect(guard.approve(sue, 'bad id')).rejects.toThrow(ValidationError);
    await expect(guard.approve({ id: 'x' } as Principal, 'apv_1')).rejects.toThrow(ValidationError);
    await expect(guard.approve(sue, 'apv_missing')).rejects.toThrow(NotFoundError);
    await expect(guard.listApprovals(sue, { status: 'done' } as never)).rejects.toThrow(ValidationError);
  });
});
