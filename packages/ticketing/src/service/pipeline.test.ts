import { ForbiddenError, type HotlineEvent } from '@hotline/core';
import { describe, expect, it } from 'vitest';
import type { AfterWriteHook, GuardRequest, TicketGuard, WriteResult } from '../model/ports.js';
import type { Ticket } from '../model/ticket.js';
import { agent, as, makeKit, TENANT } from './test-kit.js';

const read = { tenantId: TENANT };

describe('hooks', () => {
  it('run in registration order after the commit, each awaited, with the write result', async () => {
    const order: string[] = [];
    const hook = (name: string): AfterWriteHook => ({
      name,
      afterWrite: async (result) => {
        await Promise.resolve();
        order.push(`${name}:v${result.ticket.version}:${result.entry.kind}`);
      },
    });
    const kit = makeKit({ hooks: [hook('first'), hook('second')] });
    const t = await kit.tickets.create(agent(), { subject: 'S', requesterId: 'ctc_1' });
    expect(order).toEqual(['first:v1:created', 'second:v1:created']);
    await kit.tickets.update(agent(), t.id, { changes: { priority: 'high' } });
    expect(order.slice(2)).toEqual(['first:v2:updated', 'second:v2:updated']);
    const last = kit.results.at(-1) as WriteResult;
    expect(last.previous?.priority).toBe('normal');
    expect(last.entry.changes).toEqual([{ property: 'priority', from: 'normal', to: 'high' }]);
    expect(last.context.actor).toEqual({ type: 'agent', id: 'agt_1' });
  });

  it('a throwing hook is reported and neither undoes the write nor stops later hooks', async () => {
    const seen: string[] = [];
    const kit = makeKit({
      hooks: [
        { name: 'broken', afterWrite: async () => Promise.reject(new Error('boom')) },
        { name: 'after', afterWrite: async (r) => void seen.push(r.ticket.id) },
      ],
    });
    const t = await kit.tickets.create(agent(), { subject: 'S', requesterId: 'ctc_1' });
    expect(seen).toEqual([t.id]);
    expect(kit.errors).toEqual([expect.objectContaining({ kind: 'hook', hook: 'broken', ticketId: t.id })]);
    expect((await kit.tickets.get(read, t.id)).version).toBe(1);
  });

  it('depth passes through; a hook that writes back forever is stopped at maxDepth', async () => {
    let tickets: ReturnType<typeof makeKit>['tickets'] | undefined;
    const depths: number[] = [];
    const looping: AfterWriteHook = {
      name: 'loop',
      afterWrite: async (result) => {
        depths.push(result.entry.depth);
        const next = result.ticket.priority === 'high' ? 'low' : 'high';
        await tickets?.update(
          as({ type: 'trigger', id: 'trg_loop' }, TENANT, result.context.depth + 1),
          result.ticket.id,
          {
            changes: { priority: next },
          },
        );
      },
    };
    const kit = makeKit({ hooks: [looping], maxDepth: 4 });
    tickets = kit.tickets;
    const t = await kit.tickets.create(agent(), { subject: 'S', requesterId: 'ctc_1' });
    expect(depths).toEqual([0, 1, 2, 3, 4]);
    expect((await kit.tickets.get(read, t.id)).version).toBe(5);
    expect(kit.errors.at(-1)).toMatchObject({
      kind: 'hook',
      error: expect.objectContaining({
        code: 'FORBIDDEN',
        details: { reason: 'depth_exceeded', depth: 5, maxDepth: 4 },
      }),
    });
    const history = await kit.tickets.history(read, t.id);
    expect(history.map((e) => e.depth)).toEqual([0, 1, 2, 3, 4]);
    expect(history[1]?.actor).toEqual({ type: 'trigger', id: 'trg_loop' });
  });

  it('the default depth limit is 10', async () => {
    const kit = makeKit();
    await expect(kit.tickets.create(agent('agt_1', 11), { subject: 'S', requesterId: 'ctc_1' })).rejects.toMatchObject({
      code: 'FORBIDDEN',
      details: expect.objectContaining({ reason: 'depth_exceeded' }),
    });
    await expect(kit.tickets.create(agent('agt_1', 10), { subject: 'S', requesterId: 'ctc_1' })).resolves.toBeDefined();
  });
});

describe('events and audit', () => {
  it('publishes typed events for every write', async () => {
    const kit = makeKit({ autoCloseAfterMs: null });
    const events: HotlineEvent[] = [];
    kit.hotline.bus.subscribe('ticket.*', (event) => void events.push(event));
    const t = await kit.tickets.create(agent(), { subject: 'S', requesterId: 'ctc_1' });
    await kit.tickets.assign(agent(), t.id, { assigneeId: 'agt_2', groupId: 'grp_1' });
    await kit.tickets.comment(agent(), t.id, { body: 'hi', public: true });
    await kit.tickets.update(agent(), t.id, { changes: { status: 'solved' } });
    expect(events.map((e) => e.type)).toEqual([
      'ticket.created',
      'ticket.updated',
      'ticket.assigned',
      'ticket.updated',
      'ticket.status_changed',
      'ticket.commented',
      'ticket.updated',
      'ticket.status_changed',
      'ticket.csat_requested',
    ]);
    expect(events[2]).toMatchObject({
      tenantId: TENANT,
      ticketId: t.id,
      assigneeId: 'agt_2',
      groupId: 'grp_1',
      actor: 'agent:agt_1',
    });
    expect(events[4]).toMatchObject({ from: 'new', to: 'open' });
  });

  it('records every write in the hash-chained audit log with old and new values and the actor', async () => {
    const kit = makeKit({ autoCloseAfterMs: null });
    const t = await kit.tickets.create(agent(), { subject: 'S', requesterId: 'ctc_1' });
    await kit.tickets.update(as({ type: 'trigger', id: 'trg_7' }), t.id, { changes: { priority: 'urgent' } });
    await kit.tickets.comment(as({ type: 'requester', id: 'ctc_1' }), t.id, { body: 'x', public: true });
    const verified = await kit.hotline.audit.verify(TENANT);
    expect(verified).toMatchObject({ ok: true, count: 3 });
    const entries = await kit.storage.audit.list(TENANT);
    expect(entries[1]).toMatchObject({
      action: 'ticket.updated',
      actor: { kind: 'rule', id: 'trg_7', name: 'trigger:trg_7' },
      resource: { type: 'ticket', id: t.id },
      changes: { priority: { from: 'normal', to: 'urgent' } },
      details: { version: 2, actor: 'trigger:trg_7' },
    });
    expect(entries[2]).toMatchObject({ action: 'ticket.commented', actor: { kind: 'contact', id: 'ctc_1' } });
  });
});

describe('guard', () => {
  function makeGuard(deny: (request: GuardRequest) => boolean) {
    const asked: GuardRequest[] = [];
    const guard: TicketGuard = {
      authorize: async (request) => {
        asked.push(request);
        if (deny(request)) throw new ForbiddenError('no', { details: { operation: request.operation } });
        return undefined;
      },
      redact: (_principal, ticket): Ticket => {
        const { secret: _hidden, ...fields } = ticket.fields;
        return { ...ticket, fields };
      },
    };
    return { guard, asked };
  }
  const principal = { id: 'agt_1', tenantId: TENANT, roles: ['agent'] };
  const withPrincipal = { ...agent(), principal };

  it('is asked for every operation with a principal; a refusal writes nothing', async () => {
    const { guard, asked } = makeGuard(
      (r) => r.operation === 'update' && (r.changes?.some((c) => c.property === 'priority') ?? false),
    );
    const kit = makeKit({ guard, fields: [{ key: 'secret', type: 'text', sensitive: true }] });
    const t = await kit.tickets.create(withPrincipal, { subject: 'S', requesterId: 'ctc_1', fields: { secret: 'x' } });
    expect(t.fields).toEqual({});
    await expect(kit.tickets.update(withPrincipal, t.id, { changes: { priority: 'high' } })).rejects.toMatchObject({
      code: 'FORBIDDEN',
    });
    expect((await kit.tickets.get(read, t.id)).version).toBe(1);
    await kit.tickets.assign(withPrincipal, t.id, { groupId: 'grp_1' });
    await kit.tickets.comment(withPrincipal, t.id, { body: 'x', public: false });
    await kit.tickets.get({ tenantId: TENANT, principal }, t.id);
    expect(asked.map((r) => r.operation)).toEqual(['create', 'update', 'assign', 'comment', 'read']);
    expect(asked[2]?.changes).toEqual([{ property: 'groupId', to: 'grp_1' }]);
  });

  it('redacts reads and history values for a principal', async () => {
    const { guard } = makeGuard(() => false);
    const kit = makeKit({ guard, fields: [{ key: 'secret', type: 'text', sensitive: true }] });
    const t = await kit.tickets.create(agent(), { subject: 'S', requesterId: 'ctc_1', fields: { secret: 'hunter2' } });
    await kit.tickets.update(agent(), t.id, { changes: { fields: { secret: 'hunter3' } } });
    expect((await kit.tickets.get({ tenantId: TENANT, principal }, t.id)).fields).toEqual({});
    const history = await kit.tickets.history({ tenantId: TENANT, principal }, t.id);
    expect(JSON.stringify(history)).not.toContain('hunter');
    const raw = await kit.tickets.history(read, t.id);
    expect(JSON.stringify(raw)).toContain('hunter3');
  });

  it('a principal of another tenant is refused before anything happens', async () => {
    const { guard } = makeGuard(() => false);
    const kit = makeKit({ guard });
    await expect(
      kit.tickets.create(
        { ...agent(), principal: { ...principal, tenantId: 'ten_b' } },
        { subject: 'S', requesterId: 'c' },
      ),
    ).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
