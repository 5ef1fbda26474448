import { describe, expect, it } from 'vitest';
import { erlangA } from './erlang-a.js';
import { erlangC } from './erlang-c.js';
import { simulate } from './simulator.js';

const agents = (n: number) => Array.from({ length: n }, (_, i) => ({ id: `a${i}` }));

describe('simulator', () => {
  it('agrees with Erlang C on a classic case', () => {
    const arrivalRate = 100 / 1800;
    const report = simulate({
      seed: 11,
      durationSeconds: 20 * 86_400,
      queues: [{ id: 'q', serviceLevelSeconds: 20 }],
      agents: agents(13),
      streams: [{ queueId: 'q', arrivalRate, handleTime: { distribution: 'exponential', mean: 180 } }],
    });
    const theory = erlangC({ agents: 13, arrivalRate, aht: 180 });
    expect(report.offered).toBeGreaterThan(80_000);
    expect(report.serviceLevel).toBeCloseTo(theory.serviceLevel(20), 1);
    expect(Math.abs(report.pWait - theory.pWait)).toBeLessThan(0.02);
    expect(Math.abs(report.asa - theory.asa) / theory.asa).toBeLessThan(0.12);
    expect(Math.abs(report.occupancy - theory.occupancy)).toBeLessThan(0.01);
    expect(report.abandonRate).toBe(0);
  });

  it('agrees with Erlang A when customers abandon', () => {
    const input = { agents: 10, arrivalRate: 0.06, aht: 180, patience: 90 };
    const report = simulate({
      seed: 5,
      durationSeconds: 15 * 86_400,
      queues: [{ id: 'q', serviceLevelSeconds: 30 }],
      agents: agents(10),
      streams: [
        {
          queueId: 'q',
          arrivalRate: input.arrivalRate,
          handleTime: { distribution: 'exponential', mean: 180 },
          patience: { distribution: 'exponential', mean: 90 },
        },
      ],
    });
    const theory = erlangA(input);
    expect(Math.abs(report.abandonRate - theory.pAbandon)).toBeLessThan(0.015);
    expect(Math.abs(report.serviceLevel - theory.serviceLevel(30))).toBeLessThan(0.02);
  });

  it('is reproducible from the seed', () => {
    const run = (seed: number) =>
      simulate({
        seed,
        durationSeconds: 3600,
        queues: [{ id: 'q' }],
        agents: agents(3),
        streams: [{ queueId: 'q', arrivalRate: 0.01, handleTime: { distribution: 'lognormal', mean: 200, sd: 80 } }],
      });
    const first = run(1);
    expect(run(1)).toEqual(first);
    expect(run(2).offered).not.toBe(first.offered);
  });

  it('routes several queues by skill and reports per queue and the live engine statistics', () => {
    const report = simulate({
      seed: 3,
      durationSeconds: 4 * 3600,
      queues: [
        { id: 'sales', skills: { sales: 1 } },
        { id: 'support', skills: { support: 1 } },
      ],
      agents: [
        ...Array.from({ length: 4 }, (_, i) => ({ id: `s${i}`, skills: { sales: 5 } })),
        ...Array.from({ length: 4 }, (_, i) => ({ id: `t${i}`, skills: { support: 5 } })),
        { id: 'both', skills: { sales: 3, support: 3 } },
      ],
      streams: [
        { queueId: 'sales', arrivalRate: 0.01, handleTime: { distribution: 'exponential', mean: 240 } },
        { queueId: 'support', arrivalRate: 0.015, handleTime: { distribution: 'exponential', mean: 180 } },
      ],
    });
    expect(Object.keys(report.queues)).toEqual(['sales', 'support']);
    expect(report.queues['sales']?.offered).toBeGreaterThan(0);
    expect(report.engine.map((q) => q.queueId).sort()).toEqual(['sales', 'support']);
    expect(report.engine.find((q) => q.queueId === 'support')?.total.answered).toBeGreaterThan(0);
  });

  it('validates its input', () => {
    expect(() => simulate({ durationSeconds: -1, queues: [], agents: [], streams: [] } as never)).toThrow(
      expect.objectContaining({ code: 'VALIDATION_FAILED' }),
    );
  });
});
