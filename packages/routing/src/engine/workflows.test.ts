import { describe, expect, it } from 'vitest';
import { makeEngine } from './test-kit.js';

function setup() {
  const kit = makeEngine();
  const { engine } = kit;
  engine.defineQueue({ id: 'support', channels: ['voice', 'webchat'] });
  engine.defineQueue({ id: 'vip', channels: ['voice', 'webchat'] });
  engine.defineWorkflow({
    id: 'main',
    filters: [
      { name: 'vip', match: 'task.tier == "gold"', priority: 10, steps: [{ queueId: 'vip' }] },
      {
        name: 'by language',
        match: 'task.language != null',
        steps: [
          // Ring 1: a specialist who speaks the customer's language, for 30 s.
          {
            queueId: 'support',
            skills: { billing: 7 },
            expression: 'agent.languages HAS task.language',
            timeoutSeconds: 30,
          },
          // Ring 2: any billing agent who speaks the language, for 60 s.
          {
            queueId: 'support',
            skills: { billing: 3 },
            expression: 'agent.languages HAS task.language',
            timeoutSeconds: 60,
          },
          // Ring 3: anyone in support.
          { queueId: 'support' },
        ],
      },
    ],
    defaultSteps: [{ queueId: 'support' }],
  });
  return kit;
}

describe('workflows', () => {
  it('picks the first matching filter and gives VIPs their priority', () => {
    const { engine } = setup();
    const vip = engine.submit({ workflowId: 'main', channel: 'voice', attributes: { tier: 'gold' } });
    expect(engine.getTask(vip.id)).toMatchObject({ queueId: 'vip', priority: 10, workflowId: 'main' });
    const other = engine.submit({ workflowId: 'main', channel: 'voice', attributes: {} });
    expect(other.queueId).toBe('support');
    // A filter's priority is a floor: it never lowers what was asked.
    const urgentVip = engine.submit({
      workflowId: 'main',
      channel: 'voice',
      priority: 50,
      attributes: { tier: 'gold' },
    });
    expect(urgentVip.priority).toBe(50);
  });

  it('widens the target ring by ring as step timeouts pass (bullseye)', () => {
    const { engine, clock, offerOf } = setup();
    engine.addAgent({ id: 'generalist', languages: ['zh'], capacity: { voice: 1 }, activity: 'available' });
    engine.addAgent({
      id: 'billing-zh',
      skills: { billing: 4 },
      languages: ['en', 'zh'],
      capacity: { voice: 1 },
      activity: 'available',
    });
    const task = engine.submit({ workflowId: 'main', channel: 'voice', attributes: { language: 'zh' } });
    expect(engine.getTask(task.id)).toMatchObject({ status: 'pending', step: 0 });
    clock.advanceSync(30_000);
    expect(engine.getTask(task.id).step).toBe(1);
    expect(offerOf(task.id).agentId).toBe('billing-zh');
  });

  it('reaches the last ring when nobody matched earlier ones', () => {
    const { engine, clock, offerOf } = setup();
    engine.addAgent({ id: 'anyone', languages: ['en'], capacity: { voice: 1 }, activity: 'available' });
    const task = engine.submit({ workflowId: 'main', channel: 'voice', attributes: { language: 'zh' } });
    clock.advanceSync(30_000);
    expect(engine.getTask(task.id).step).toBe(1);
    clock.advanceSync(60_000);
    expect(engine.getTask(task.id).step).toBe(2);
    expect(offerOf(task.id).agentId).toBe('anyone');
  });

  it('skipIf skips a ring nobody could serve, at once', () => {
    const { engine } = makeEngine();
    engine.defineQueue({ id: 'q' });
    engine.defineWorkflow({
      id: 'w',
      defaultSteps: [
        { queueId: 'q', skills: { rare: 9 }, timeoutSeconds: 600, skipIf: 'no_members' },
        { queueId: 'q', skills: { common: 1 }, timeoutSeconds: 600, skipIf: 'no_available' },
        { queueId: 'q' },
      ],
    });
    engine.addAgent({ id: 'common-busy', skills: { common: 5 }, capacity: { voice: 1 }, activity: 'break' });
    const task = engine.submit({ workflowId: 'w', channel: 'voice' });
    expect(engine.getTask(task.id).step).toBe(2);
  });

  it('an expression can read the time of day', () => {
    const { engine } = makeEngine({ timeZone: 'Asia/Shanghai' });
    engine.defineQueue({ id: 'day' });
    engine.defineQueue({ id: 'night' });
    engine.defineWorkflow({
      id: 'w',
      filters: [{ match: 'time.hour >= 8 AND time.hour < 20', steps: [{ queueId: 'day' }] }],
      defaultSteps: [{ queueId: 'night' }],
    });
    // The kit's clock is Monday 09:00 UTC = 17:00 in Shanghai.
    expect(engine.submit({ workflowId: 'w', channel: 'voice' }).queueId).toBe('day');
  });

  it('cancels tasks that outlive the workflow timeout', () => {
    const { engine, clock } = makeEngine();
    engine.defineQueue({ id: 'q' });
    engine.defineWorkflow({ id: 'w', defaultSteps: [{ queueId: 'q' }], taskTimeoutSeconds: 300 });
    const task = engine.submit({ workflowId: 'w', channel: 'email' });
    clock.advanceSync(300_000);
    expect(engine.getTask(task.id)).toMatchObject({ status: 'canceled', reason: 'timeout' });
  });

  it('a step priority lets urgent work jump the queue', () => {
    const { engine, take } = makeEngine();
    engine.defineQueue({ id: 'q' });
    engine.defineWorkflow({ id: 'urgent', defaultSteps: [{ queueId: 'q', priority: 50 }] });
    engine.addAgent({ id: 'a', capacity: { voice: 1 }, activity: 'available' });
    const first = engine.submit({ queueId: 'q', channel: 'voice' });
    take(first.id);
    const normal = engine.submit({ queueId: 'q', channel: 'voice' });
    const urgent = engine.submit({ workflowId: 'urgent', channel: 'voice' });
    engine.complete(first.id);
    expect(engine.getTask(urgent.id).status).toBe('reserved');
    expect(engine.getTask(normal.id).status).toBe('pending');
  });
});
