import { describe, expect, it } from 'vitest';
import { makeEngine } from './test-kit.js';

function run(seed: number) {
  const kit = makeEngine({ seed });
  const { engine, clock, events } = kit;
  engine.defineQueue({ id: 'random', strategy: 'weighted_random' });
  engine.defineQueue({ id: 'idle' });
  for (let i = 0; i < 6; i++)
    engine.addAgent({ id: `a${i}`, capacity: { voice: 1, webchat: 2 }, activity: 'available' });
  for (let i = 0; i < 60; i++) {
    clock.advanceSync(1000);
    const task = engine.submit({ queueId: i % 2 ? 'random' : 'idle', channel: i % 3 ? 'webchat' : 'voice' });
    if (i % 4 === 0 && task.reservations[0]) engine.accept(task.reservations[0].id);
    const open = engine.openTasks().find((t) => t.status === 'assigned');
    if (i % 5 === 0 && open) engine.complete(open.id);
  }
  clock.advanceSync(200_000);
  return events.map(({ id: _id, at: _at, ...rest }) => rest);
}

describe('determinism', () => {
  it('the same seed and inputs give the same decisions, event for event', () => {
    const first = run(3);
    expect(first.length).toBeGreaterThan(100);
    expect(run(3)).toEqual(first);
  });
});
