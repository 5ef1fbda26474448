import { describe, expect, it } from 'vitest';
import { makeEngine } from './test-kit.js';

function snapshot(engine: ReturnType<typeof makeEngine>['engine']) {
  return JSON.stringify({
    tasks: engine.openTasks(),
    queues: engine.allQueueStats(),
    agents: ['a', 'b'].map((id) => engine.getAgent(id)),
  });
}

describe('bad input', () => {
  function setup() {
    const kit = makeEngine({ skills: ['billing', 'support'], reservationTimeoutSeconds: 30 });
    kit.engine.defineQueue({ id: 'q', skills: { support: 1 } });
    kit.engine.addAgent({ id: 'a', skills: { support: 3 }, capacity: { voice: 1 }, activity: 'available' });
    kit.engine.addAgent({ id: 'b', skills: { support: 3 }, capacity: { voice: 1 }, activity: 'available' });
    return kit;
  }

  it('gives typed errors and leaves the engine unchanged', () => {
    const { engine } = setup();
    const before = snapshot(engine);
    const cases: [() => unknown, string][] = [
      [() => engine.defineQueue({ id: 'x', expression: 'agent.skills.billing >= ' }), 'VALIDATION_FAILED'],
      [() => engine.defineQueue({ id: 'x', skills: { unknownskill: 2 } }), 'VALIDATION_FAILED'],
      [() => engine.defineQueue({ id: 'q' }), 'ALREADY_EXISTS'],
      [() => engine.defineQueue({ id: 'x', maxWaitSeconds: 10 }), 'VALIDATION_FAILED'],
      [() => engine.defineQueue({ id: 'x', overflowTo: { queueId: 'nowhere' }, maxLength: 3 }), 'NOT_FOUND'],
      [() => engine.defineWorkflow({ id: 'w', defaultSteps: [{ queueId: 'nowhere' }] }), 'NOT_FOUND'],
      [
        () => engine.defineWorkflow({ id: 'w', filters: [{ match: 'task.x ===', steps: [{ queueId: 'q' }] }] }),
        'VALIDATION_FAILED',
      ],
      [() => engine.addAgent({ id: 'c', capacity: { voice: -1 } }), 'VALIDATION_FAILED'],
      [() => engine.addAgent({ id: 'c', capacity: { voice: 51 } }), 'VALIDATION_FAILED'],
      [() => engine.addAgent({ id: 'c', skills: { support: 11 } }), 'VALIDATION_FAILED'],
      [() => engine.addAgent({ id: 'c', skills: { billing: 2, unknownskill: 1 } }), 'VALIDATION_FAILED'],
      [() => engine.addAgent({ id: 'a' }), 'ALREADY_EXISTS'],
      [() => engine.addAgent({ id: 'c', activity: 'napping' }), 'NOT_FOUND'],
      [() => engine.setActivity('a', 'napping'), 'NOT_FOUND'],
      [() => engine.setActivity('nobody', 'available'), 'NOT_FOUND'],
      [() => engine.submit({ queueId: 'nowhere', channel: 'voice' }), 'NOT_FOUND'],
      [() => engine.submit({ queueId: 'q', workflowId: 'w', channel: 'voice' }), 'VALIDATION_FAILED'],
      [() => engine.submit({ queueId: 'q', channel: 'fax' as never }), 'VALIDATION_FAILED'],
      [() => engine.submit({ queueId: 'q', channel: 'voice', priority: -1 }), 'VALIDATION_FAILED'],
      [
        () => engine.submit({ queueId: 'q', channel: 'voice', attributes: { big: 'x'.repeat(20_000) } }),
        'VALIDATION_FAILED',
      ],
      [() => engine.accept('rsv_unknown'), 'NOT_FOUND'],
      [() => engine.complete('tsk_unknown'), 'NOT_FOUND'],
      [() => engine.cancel('tsk_unknown'), 'NOT_FOUND'],
      [() => engine.cancel('tsk_unknown', 'Bad Reason!'), 'VALIDATION_FAILED'],
      [() => engine.transfer('tsk_unknown', 'q'), 'NOT_FOUND'],
    ];
    for (const [call, code] of cases) {
      expect(call).toThrow(expect.objectContaining({ code }));
      expect(snapshot(engine)).toBe(before);
    }
  });

  it('accepting a withdrawn, rejected or timed-out offer is ILLEGAL_TRANSITION and changes nothing', () => {
    const { engine, clock, offerOf } = setup();
    const task = engine.submit({ id: 'tsk_1', queueId: 'q', channel: 'voice' });
    const first = offerOf(task.id);
    engine.reject(first.id);
    const second = offerOf(task.id);
    let before = snapshot(engine);
    expect(() => engine.accept(first.id)).toThrow(
      expect.objectContaining({ code: 'ILLEGAL_TRANSITION', details: expect.objectContaining({ from: 'rejected' }) }),
    );
    expect(snapshot(engine)).toBe(before);
    clock.advanceSync(30_000);
    before = snapshot(engine);
    expect(() => engine.accept(second.id)).toThrow(
      expect.objectContaining({ code: 'ILLEGAL_TRANSITION', details: expect.objectContaining({ from: 'timed_out' }) }),
    );
    expect(() => engine.reject(second.id)).toThrow(expect.objectContaining({ code: 'ILLEGAL_TRANSITION' }));
    expect(snapshot(engine)).toBe(before);
  });

  it('refuses duplicate task ids, completing unassigned tasks and removing busy agents', () => {
    const { engine, take } = setup();
    const task = engine.submit({ id: 'tsk_1', queueId: 'q', channel: 'voice' });
    expect(() => engine.submit({ id: 'tsk_1', queueId: 'q', channel: 'voice' })).toThrow(
      expect.objectContaining({ code: 'ALREADY_EXISTS' }),
    );
    expect(() => engine.complete(task.id)).toThrow(expect.objectContaining({ code: 'ILLEGAL_TRANSITION' }));
    take(task.id);
    const agentId = engine.getTask(task.id).agentId as string;
    expect(() => engine.removeAgent(agentId)).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    engine.complete(task.id);
    expect(() => engine.complete(task.id)).toThrow(expect.objectContaining({ code: 'ILLEGAL_TRANSITION' }));
    engine.removeAgent(agentId);
    expect(() => engine.getAgent(agentId)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });

  it('a subscriber calling back into the engine sees finished decisions only', () => {
    const { engine, bus } = setup();
    bus.subscribe('task.reserved', (event) => {
      engine.accept(event.reservationId);
    });
    const task = engine.submit({ queueId: 'q', channel: 'voice' });
    expect(task.status).toBe('reserved');
    expect(engine.getTask(task.id).status).toBe('assigned');
  });
});
