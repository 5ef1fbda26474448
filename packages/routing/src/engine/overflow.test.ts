import { describe, expect, it } from 'vitest';
import { makeEngine } from './test-kit.js';

describe('overflow, ageing and business hours', () => {
  it('overflows to another queue when the wait passes the limit', () => {
    const { engine, clock, offerOf, ofType } = makeEngine();
    engine.defineQueue({ id: 'partner' });
    engine.defineQueue({ id: 'main', skills: { main: 1 }, maxWaitSeconds: 120, overflowTo: { queueId: 'partner' } });
    engine.addAgent({ id: 'partner-agent', capacity: { voice: 1 }, activity: 'available' });
    const task = engine.submit({ queueId: 'main', channel: 'voice' });
    clock.advanceSync(119_999);
    expect(engine.getTask(task.id)).toMatchObject({ status: 'pending', queueId: 'main' });
    clock.advanceSync(1);
    expect(engine.getTask(task.id).queueId).toBe('partner');
    expect(offerOf(task.id).agentId).toBe('partner-agent');
    expect(ofType('task.overflowed')[0]).toMatchObject({
      fromQueueId: 'main',
      toQueueId: 'partner',
      reason: 'max_wait',
    });
    expect(engine.queueStats('main').total.overflowed).toBe(1);
  });

  it('overflows arrivals when the queue is full, and can change the channel', () => {
    const { engine } = makeEngine();
    engine.defineQueue({ id: 'callbacks', channels: ['voice'] });
    engine.defineQueue({
      id: 'main',
      channels: ['webchat', 'voice'],
      maxLength: 2,
      overflowTo: { queueId: 'callbacks', channel: 'voice' },
    });
    const tasks = [1, 2, 3].map(() => engine.submit({ queueId: 'main', channel: 'webchat' }));
    expect(tasks.map((t) => engine.getTask(t.id).queueId)).toEqual(['main', 'main', 'callbacks']);
    expect(engine.getTask(tasks[2]?.id as string).channel).toBe('voice');
  });

  it('priority rises with age, so an old low-priority task overtakes a fresh higher one', () => {
    const { engine, clock, take } = makeEngine();
    engine.defineQueue({ id: 'q', ageingPerMinute: 1 });
    engine.addAgent({ id: 'a', capacity: { voice: 1 }, activity: 'available' });
    const busy = engine.submit({ queueId: 'q', channel: 'voice' });
    take(busy.id);
    const old = engine.submit({ queueId: 'q', channel: 'voice', priority: 0 });
    clock.set(clock.now() + 5 * 60_000);
    const fresh = engine.submit({ queueId: 'q', channel: 'voice', priority: 3 });
    engine.complete(busy.id);
    expect(engine.getTask(old.id).status).toBe('reserved');
    expect(engine.getTask(fresh.id).status).toBe('pending');
  });

  const officeHours = {
    timeZone: 'Europe/Berlin',
    weekly: { mon: [['08:00', '12:00']] as [string, string][], tue: [], wed: [], thu: [], fri: [], sat: [], sun: [] },
  };

  it('a closed queue overflows, turns calls into callbacks, or asks for a ticket, as configured', () => {
    // The kit's clock is Monday 09:00 UTC = 10:00 in Berlin: open. Later it is closed.
    const { engine, clock, ofType } = makeEngine();
    engine.defineQueue({ id: 'after-hours' });
    engine.defineQueue({
      id: 'sales',
      calendar: officeHours,
      whenClosed: { action: 'overflow', queueId: 'after-hours' },
    });
    engine.defineQueue({ id: 'support', calendar: officeHours, whenClosed: { action: 'callback' } });
    engine.defineQueue({ id: 'billing', calendar: officeHours, whenClosed: { action: 'ticket' } });
    expect(engine.submit({ queueId: 'sales', channel: 'voice' }).queueId).toBe('sales');
    clock.set(clock.now() + 4 * 3600_000);
    expect(engine.queueStats('sales').open).toBe(false);
    expect(engine.submit({ queueId: 'sales', channel: 'voice' }).queueId).toBe('after-hours');
    const callback = engine.submit({ queueId: 'support', channel: 'voice' });
    expect(engine.getTask(callback.id)).toMatchObject({ kind: 'callback', queueId: 'support', status: 'pending' });
    const ticket = engine.submit({ queueId: 'billing', channel: 'email', conversationId: 'cnv_1' });
    expect(engine.getTask(ticket.id)).toMatchObject({ status: 'canceled', reason: 'closed' });
    expect(ofType('task.ticket_requested')[0]).toMatchObject({
      taskId: ticket.id,
      queueId: 'billing',
      conversationId: 'cnv_1',
    });
    expect(ofType('task.callback_requested')).toHaveLength(1);
  });

  it('a workflow step can decide what happens when its queue is closed', () => {
    const { engine, clock } = makeEngine();
    engine.defineQueue({ id: 'partner' });
    engine.defineQueue({ id: 'sales', calendar: officeHours });
    engine.defineWorkflow({
      id: 'w',
      defaultSteps: [{ queueId: 'sales', whenClosed: { action: 'overflow', queueId: 'partner' } }],
    });
    clock.set(clock.now() + 4 * 3600_000);
    expect(engine.submit({ workflowId: 'w', channel: 'voice' }).queueId).toBe('partner');
    expect(engine.submit({ queueId: 'sales', channel: 'voice' }).queueId).toBe('sales');
  });

  it('callbacks wait for the queue to open, then are offered', () => {
    const { engine, clock, offerOf } = makeEngine();
    engine.defineQueue({ id: 'support', calendar: officeHours, whenClosed: { action: 'callback' } });
    engine.addAgent({ id: 'night-owl', capacity: { voice: 1 }, activity: 'available' });
    clock.set(clock.now() + 4 * 3600_000); // Monday 14:00 Berlin: closed until next Monday 08:00
    const callback = engine.submit({ queueId: 'support', channel: 'voice' });
    expect(engine.getTask(callback.id)).toMatchObject({ kind: 'callback', status: 'pending' });
    const opens = Date.UTC(2026, 2, 9, 7); // next Monday 08:00 in Berlin
    clock.advanceSync(opens - clock.now() - 1);
    expect(engine.getTask(callback.id).status).toBe('pending');
    clock.advanceSync(1);
    expect(offerOf(callback.id).agentId).toBe('night-owl');
  });

  it('refuses a transfer to a queue that does not serve the channel, and overflow skips it', () => {
    const { engine, clock } = makeEngine();
    engine.defineQueue({ id: 'chat-only', channels: ['webchat'] });
    engine.defineQueue({ id: 'calls', channels: ['voice'], maxWaitSeconds: 10, overflowTo: { queueId: 'chat-only' } });
    const call = engine.submit({ queueId: 'calls', channel: 'voice' });
    expect(() => engine.transfer(call.id, 'chat-only')).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    clock.advanceSync(10_000);
    expect(engine.getTask(call.id)).toMatchObject({ queueId: 'calls', status: 'pending' });
    expect(() => engine.submit({ queueId: 'chat-only', channel: 'voice' })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });
});
