import { describe, expect, it } from 'vitest';
import { makeEngine } from './test-kit.js';

describe('explain', () => {
  it('says which step, who is eligible and why the chosen agent won', () => {
    const { engine, clock } = makeEngine();
    engine.defineQueue({ id: 'q', skills: { billing: 3 } });
    engine.defineWorkflow({
      id: 'w',
      defaultSteps: [
        { queueId: 'q', expression: 'agent.languages HAS task.language', timeoutSeconds: 30 },
        { queueId: 'q' },
      ],
    });
    engine.addAgent({
      id: 'en',
      skills: { billing: 5 },
      languages: ['en'],
      capacity: { voice: 1 },
      activity: 'available',
    });
    clock.set(clock.now() + 1000);
    engine.addAgent({
      id: 'zh',
      skills: { billing: 5 },
      languages: ['zh'],
      capacity: { voice: 1 },
      activity: 'available',
    });
    engine.addAgent({
      id: 'novice',
      skills: { billing: 1 },
      languages: ['zh'],
      capacity: { voice: 1 },
      activity: 'available',
    });
    const task = engine.submit({ workflowId: 'w', channel: 'voice', attributes: { language: 'zh' } });
    const explanation = engine.explain(task.id);
    expect(explanation).toMatchObject({
      status: 'reserved',
      queueId: 'q',
      step: { index: 0, of: 2, requirements: { skills: { billing: 3 }, strategy: 'longest_idle' } },
      members: 2,
      lastDecision: { strategy: 'longest_idle', members: 2, skipped: 1, chosen: [{ agentId: 'zh' }] },
    });
    expect(explanation.summary).toMatch(/Offered to zh/);
    const waiting = engine.submit({ workflowId: 'w', channel: 'voice', attributes: { language: 'zh' } });
    const why = engine.explain(waiting.id);
    expect(why.candidates).toEqual([
      { agentId: 'en', key: expect.any(Number), eligible: false, reason: 'expression_false' },
    ]);
    expect(why.summary).toMatch(/none may take this task/);
  });

  it('explains a task nobody can serve', () => {
    const { engine } = makeEngine();
    engine.defineQueue({ id: 'q', skills: { rare: 9 } });
    const task = engine.submit({ queueId: 'q', channel: 'voice' });
    expect(engine.explain(task.id).summary).toMatch(/no agent matches/);
  });
});
