import { settle } from '@hotline/core';
import { RoutingEngine } from '@hotline/routing';
import { describe, expect, it } from 'vitest';
import { agent, makeKit, TENANT } from './test-kit.js';
import { createRoutingEngineTicketRouter } from './ticket-router.js';

const read = { tenantId: TENANT };

/** A service whose router works on a routing engine publishing on the hotline bus. */
function setup() {
  let engine: RoutingEngine | undefined;
  const kit = makeKit((hotline) => ({
    autoCloseAfterMs: null,
    router: createRoutingEngineTicketRouter({
      engineFor: (tenantId) => (tenantId === TENANT ? engine : undefined),
      bus: hotline.bus,
      route: () => ({ queueId: 'tier1' }),
    }),
  }));
  engine = new RoutingEngine({ tenantId: TENANT, clock: kit.clock, bus: kit.hotline.bus });
  engine.defineQueue({ id: 'tier1', skills: { support: 1 } });
  engine.addAgent({ id: 'agt_ana', skills: { support: 5 }, capacity: { email: 5 }, activity: 'available' });
  return { kit, engine };
}

describe('routing through @hotline/routing', () => {
  it('routes a ticket as an email task; the accepted agent becomes the assignee (actor system:routing)', async () => {
    const { kit, engine } = setup();
    const t = await kit.tickets.create(agent('agt_lead'), {
      subject: 'Route me',
      requesterId: 'ctc_1',
      priority: 'high',
    });
    const withTask = await kit.tickets.routeThroughRouting(agent('agt_lead'), t.id);
    expect(withTask.routingTaskId).toBeDefined();
    const task = engine.getTask(withTask.routingTaskId as string);
    expect(task).toMatchObject({
      channel: 'email',
      kind: 'ticket',
      priority: 20,
      attributes: expect.objectContaining({ ticketId: t.id }),
    });
    engine.accept(task.reservations[0]?.id as string);
    await settle();
    const assigned = await kit.tickets.get(read, t.id);
    expect(assigned.assigneeId).toBe('agt_ana');
    expect((await kit.tickets.history(read, t.id)).at(-1)).toMatchObject({
      actor: { type: 'system', reason: 'routing' },
      changes: [{ property: 'assigneeId', from: null, to: 'agt_ana' }],
      meta: { routingTaskId: withTask.routingTaskId },
    });
    // Solving frees the agent's email slot.
    await kit.tickets.update(agent('agt_ana'), t.id, { changes: { status: 'solved' } });
    expect(engine.getTask(withTask.routingTaskId as string).status).not.toBe('assigned');
  });

  it('a manual assignment withdraws the routing task', async () => {
    const { kit, engine } = setup();
    engine.setActivity('agt_ana', 'offline');
    const t = await kit.tickets.create(agent(), { subject: 'Route me', requesterId: 'ctc_1' });
    const withTask = await kit.tickets.routeThroughRouting(agent(), t.id);
    const taskId = withTask.routingTaskId as string;
    expect(engine.getTask(taskId).status).toBe('pending');
    const manual = await kit.tickets.assign(agent(), t.id, { assigneeId: 'agt_bob' });
    expect(manual.assigneeId).toBe('agt_bob');
    expect(manual.routingTaskId).toBeUndefined();
    expect(engine.getTask(taskId).status).toBe('canceled');
    engine.setActivity('agt_ana', 'available');
    await settle();
    expect((await kit.tickets.get(read, t.id)).assigneeId).toBe('agt_bob');
  });

  it('without a router, routing is refused; a closed ticket is not routed', async () => {
    const { kit } = setup();
    const plain = makeKit();
    const t = await plain.tickets.create(agent(), { subject: 'S', requesterId: 'ctc_1' });
    await expect(plain.tickets.routeThroughRouting(agent(), t.id)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    const u = await kit.tickets.create(agent(), { subject: 'S', requesterId: 'ctc_1', assigneeId: 'agt_1' });
    await kit.tickets.update(agent(), u.id, { changes: { status: 'solved' } });
    await expect(kit.tickets.routeThroughRouting(agent(), u.id)).rejects.toMatchObject({ code: 'ILLEGAL_TRANSITION' });
  });
});
