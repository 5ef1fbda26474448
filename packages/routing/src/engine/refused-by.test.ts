import { describe, expect, it } from 'vitest';
import { makeEngine } from './test-kit.js';

describe('refusedBy: agents who turned a task down before it was submitted', () => {
  it('are not offered it for the refusal cooldown, then are, without anything else happening', () => {
    const { engine, clock } = makeEngine({ refusalCooldownSeconds: 60 });
    engine.defineQueue({ id: 'support' });
    engine.addAgent({ id: 'ana', capacity: { webchat: 1 }, activity: 'available' });
    const task = engine.submit({ queueId: 'support', channel: 'webchat', refusedBy: ['ana'] });
    expect(task.status).toBe('pending');
    expect(engine.explain(task.id).candidates).toEqual([
      expect.objectContaining({ agentId: 'ana', reason: 'refused_before' }),
    ]);
    engine.addAgent({ id: 'bo', capacity: { webchat: 1 }, activity: 'available' });
    expect(engine.getTask(task.id).reservations.map((r) => r.agentId)).toEqual(['bo']);
    clock.advanceSync(30_000);
    // bo declines (his own cooldown runs to 90 s) and leaves: only ana's cooldown can bring it back.
    engine.reject(engine.getTask(task.id).reservations[0]?.id as string);
    engine.setActivity('bo', 'break');
    clock.advanceSync(29_000);
    expect(engine.getTask(task.id).status).toBe('pending');
    clock.advanceSync(1000); // ana's cooldown is over: the engine routes it on its own timer
    expect(engine.getTask(task.id).reservations.map((r) => r.agentId)).toEqual(['ana']);
  });

  it('change nothing without a cooldown, and are refused on bad ids or in adopt', () => {
    const { engine } = makeEngine({ refusalCooldownSeconds: 0 });
    engine.defineQueue({ id: 'support' });
    engine.addAgent({ id: 'ana', capacity: { webchat: 2 }, activity: 'available' });
    expect(engine.submit({ queueId: 'support', channel: 'webchat', refusedBy: ['ana'] }).status).toBe('reserved');
    expect(() => engine.submit({ queueId: 'support', channel: 'webchat', refusedBy: ['bad id'] })).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
    expect(() =>
      engine.submit({
        queueId: 'support',
        channel: 'webchat',
        refusedBy: Array.from({ length: 11 }, (_, i) => `a${i}`),
      }),
    ).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
    expect(engine.openTasks()).toHaveLength(1);
  });
});
