import { describe, expect, it } from 'vitest';
import { engineInternals } from './routing-engine.js';
import { makeEngine } from './test-kit.js';
import { RoutingOracle } from './testing-oracle.js';

function setup(options: Parameters<typeof makeEngine>[0] = {}) {
  const kit = makeEngine(options);
  kit.engine.defineQueue({ id: 'support', skills: { support: 3 } });
  kit.engine.addAgent({ id: 'ana', skills: { support: 5 }, capacity: { webchat: 1 }, activity: 'available' });
  return kit;
}

describe('adopt: work already with an agent', () => {
  it('puts the task straight into assigned, taking capacity, so the agent gets no new offer', () => {
    const kit = setup();
    const { engine, ofType } = kit;
    const oracle = new RoutingOracle(engineInternals(engine), kit.bus);
    const adopted = engine.adopt({ id: 'tsk_old', queueId: 'support', channel: 'webchat', agentId: 'ana' });
    expect(adopted).toMatchObject({ status: 'assigned', agentId: 'ana', queueId: 'support', reservations: [] });
    expect(engine.getAgent('ana')).toMatchObject({ load: { webchat: 1 }, taskIds: ['tsk_old'], presence: 'busy' });
    expect(oracle.afterOperation()).toEqual([]);

    const waiting = engine.submit({ queueId: 'support', channel: 'webchat' });
    expect(waiting.status).toBe('pending');
    expect(ofType('task.adopted')).toEqual([
      expect.objectContaining({ taskId: 'tsk_old', agentId: 'ana', queueId: 'support', tenantId: 'acme' }),
    ]);
    expect(ofType('task.assigned')).toHaveLength(0);
    // It was neither entered nor answered in this engine: queue figures stay coherent.
    expect(engine.queueStats('support').total).toMatchObject({ entered: 1, answered: 0 });

    engine.complete('tsk_old');
    expect(engine.getTask('tsk_old').status).toBe('completed');
    expect(engine.getTask(waiting.id).reservations[0]?.agentId).toBe('ana');
    expect(engine.agentStats('ana').handled).toBe(1);
    expect(oracle.afterOperation()).toEqual([]);
  });

  it('keeps assigned work beyond capacity and offers nothing until the load falls below it', () => {
    const { engine } = setup();
    engine.adopt({ id: 'tsk_a', queueId: 'support', channel: 'webchat', agentId: 'ana' });
    engine.adopt({ id: 'tsk_b', queueId: 'support', channel: 'webchat', agentId: 'ana' });
    expect(engine.getAgent('ana').load).toEqual({ webchat: 2 });
    const waiting = engine.submit({ queueId: 'support', channel: 'webchat' });
    engine.complete('tsk_a');
    expect(engine.getTask(waiting.id).status).toBe('pending');
    engine.complete('tsk_b');
    expect(engine.getTask(waiting.id).status).toBe('reserved');
  });

  it('adopts for an offline agent, who stays busy and unroutable', () => {
    const { engine } = setup();
    engine.addAgent({ id: 'bo', skills: { support: 5 }, capacity: { webchat: 2 } });
    engine.adopt({ queueId: 'support', channel: 'webchat', agentId: 'bo', assignedAt: '2026-03-02T08:30:00.000Z' });
    const view = engine.getAgent('bo');
    expect(view).toMatchObject({ activity: 'offline', routable: false, presence: 'busy', load: { webchat: 1 } });
    const task = engine.getTask(view.taskIds[0] as string);
    expect(task.assignedAt).toBe(Date.parse('2026-03-02T08:30:00.000Z'));
  });

  it('routes through a workflow to its first step and keeps wrap-up', () => {
    const { engine } = makeEngine();
    engine.defineQueue({ id: 'vip', wrapUpSeconds: 30 });
    engine.defineQueue({ id: 'general' });
    engine.defineWorkflow({
      id: 'main',
      filters: [{ match: "task.tier == 'gold'", priority: 7, steps: [{ queueId: 'vip' }] }],
      defaultSteps: [{ queueId: 'general' }],
    });
    engine.addAgent({ id: 'ana', capacity: { webchat: 1 }, activity: 'available' });
    const task = engine.adopt({ workflowId: 'main', channel: 'webchat', attributes: { tier: 'gold' }, agentId: 'ana' });
    expect(task).toMatchObject({ queueId: 'vip', workflowId: 'main', priority: 7, status: 'assigned' });
    engine.complete(task.id);
    expect(engine.getTask(task.id).status).toBe('wrapping');
    expect(engine.getAgent('ana').presence).toBe('wrap_up');
    engine.completeWrapUp(task.id);
    expect(engine.getAgent('ana')).toMatchObject({ load: {}, presence: 'available' });
  });

  it('can be canceled like any assigned task, freeing the slot', () => {
    const { engine } = setup();
    const task = engine.adopt({ queueId: 'support', channel: 'webchat', agentId: 'ana' });
    const waiting = engine.submit({ queueId: 'support', channel: 'webchat' });
    engine.cancel(task.id);
    expect(engine.getTask(waiting.id).status).toBe('reserved');
  });

  it('refuses bad input and changes nothing', () => {
    const { engine } = setup();
    engine.submit({ id: 'tsk_used', queueId: 'support', channel: 'webchat' });
    const before = { tasks: engine.openTasks().length, ana: engine.getAgent('ana') };
    const attempts: [string, () => unknown][] = [
      ['NOT_FOUND', () => engine.adopt({ queueId: 'support', channel: 'webchat', agentId: 'nobody' })],
      ['NOT_FOUND', () => engine.adopt({ queueId: 'sales', channel: 'webchat', agentId: 'ana' })],
      ['NOT_FOUND', () => engine.adopt({ workflowId: 'nope', channel: 'webchat', agentId: 'ana' })],
      [
        'ALREADY_EXISTS',
        () => engine.adopt({ id: 'tsk_used', queueId: 'support', channel: 'webchat', agentId: 'ana' }),
      ],
      [
        'VALIDATION_FAILED',
        () => engine.adopt({ queueId: 'support', workflowId: 'w', channel: 'webchat', agentId: 'ana' }),
      ],
      ['VALIDATION_FAILED', () => engine.adopt({ queueId: 'support', channel: 'pigeon' as 'sms', agentId: 'ana' })],
      [
        'VALIDATION_FAILED',
        () => engine.adopt({ queueId: 'support', channel: 'webchat', agentId: 'ana', assignedAt: 'yesterday' }),
      ],
    ];
    for (const [code, attempt] of attempts) expect(attempt).toThrow(expect.objectContaining({ code }));
    expect(engine.openTasks()).toHaveLength(before.tasks);
    expect(engine.getAgent('ana')).toEqual(before.ana);
  });

  it('refuses a channel the queue does not serve', () => {
    const { engine } = makeEngine();
    engine.defineQueue({ id: 'phones', channels: ['voice'] });
    engine.addAgent({ id: 'ana', capacity: { webchat: 1 } });
    expect(() => engine.adopt({ queueId: 'phones', channel: 'webchat', agentId: 'ana' })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(engine.getAgent('ana').load).toEqual({});
  });
});
