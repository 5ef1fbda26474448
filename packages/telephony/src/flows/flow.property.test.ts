import { ValidationError } from '@hotline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FlowDefinition } from './definition-schema.js';
import type { FlowInput, FlowOutput } from './flow-io.js';
import { type FlowRunner, parseFlowDefinition, resumeFlow, startFlow } from './runner.js';
import { supportFlow } from './support-flow.fixture.js';

const inputArb: fc.Arbitrary<FlowInput> = fc.oneof(
  fc.constantFrom(...'0123456789*#').map((digit) => ({ type: 'dtmf', digit }) as FlowInput),
  fc
    .oneof(
      fc.constantFrom('english', '中文', 'sales', 'help', 'call me back', '再见', '2', ' ', '555-0100', '1234'),
      fc.string({ maxLength: 30 }),
    )
    .map((text) => ({ type: 'text', text }) as FlowInput),
  fc.constant({ type: 'timeout' } as FlowInput),
);

const startArb = fc.record({
  channel: fc.constantFrom('voice' as const, 'chat' as const),
  locale: fc.constantFrom('en', 'zh', 'zh-CN', 'fr'),
});

/** Checks the invariants after every step; returns every output seen. */
function drive(def: FlowDefinition, runner: FlowRunner, inputs: FlowInput[]): FlowOutput[] {
  const seen: FlowOutput[] = [...runner.outputs];
  let steps = runner.steps;
  for (const input of inputs) {
    const wasEnded = runner.status === 'ended';
    const out = runner.input(input);
    seen.push(...out);
    if (wasEnded) expect(out).toEqual([]);
    expect(runner.steps).toBeGreaterThanOrEqual(steps);
    expect(runner.steps).toBeLessThanOrEqual(def.maxSteps);
    steps = runner.steps;
    if (runner.status === 'waiting') {
      expect(runner.pendingPrompt).toBeDefined();
      expect(out.some((o) => o.type === 'end')).toBe(false);
    } else {
      expect(runner.status).toBe('ended');
      expect(runner.result).toBeDefined();
      if (!wasEnded) expect(out.at(-1)).toEqual(runner.result);
    }
  }
  expect(seen.filter((o) => o.type === 'end').length).toBe(runner.status === 'ended' ? 1 : 0);
  return seen;
}

describe('flows under random input (property)', () => {
  const defs = [parseFlowDefinition(supportFlow), parseFlowDefinition({ ...supportFlow, maxSteps: 4, maxRetries: 5 })];

  it('never throw, never pass maxSteps, and always wait at a prompt or end', () => {
    fc.assert(
      fc.property(fc.constantFrom(...defs), startArb, fc.array(inputArb, { maxLength: 40 }), (def, start, inputs) => {
        drive(def, startFlow(def, start), inputs);
      }),
      { numRuns: 300 },
    );
  });

  it('resume from JSON at any point and carry on exactly as without the restart', () => {
    fc.assert(
      fc.property(
        startArb,
        fc.array(inputArb, { maxLength: 20 }),
        fc.array(inputArb, { maxLength: 20 }),
        (start, before, after) => {
          const def = defs[0] as FlowDefinition;
          const original = startFlow(def, start);
          for (const input of before) original.input(input);
          const resumed = resumeFlow(def, JSON.parse(JSON.stringify(original.serialize())));
          expect(resumed.pendingPrompt).toEqual(original.pendingPrompt);
          for (const input of after) expect(resumed.input(input)).toEqual(original.input(input));
          expect(resumed.serialize()).toEqual(original.serialize());
        },
      ),
      { numRuns: 200 },
    );
  });

  it('random graphs are either rejected with ValidationError or run within the same bounds', () => {
    const ids = ['a', 'b', 'c', 'd', 'e', 'f'];
    const target = fc.constantFrom(...ids, 'missing');
    const nodeArb = fc.oneof(
      fc.record({ kind: fc.constant('say'), text: fc.constant('Hi'), next: target }),
      fc.record({ kind: fc.constant('set'), attributes: fc.constant({ seen: true }), next: target }),
      fc.record({
        kind: fc.constant('menu'),
        prompt: fc.constant('Pick'),
        options: fc.uniqueArray(
          fc.record({ digit: fc.constantFrom('1', '2', '3'), keywords: fc.constant(['yes']), next: target }),
          { minLength: 1, maxLength: 3, selector: (o) => o.digit },
        ),
        maxRetries: fc.integer({ min: 0, max: 3 }),
        fallback: fc.option(target, { nil: undefined }),
      }),
      fc.record({
        kind: fc.constant('collect'),
        prompt: fc.constant('Enter'),
        mode: fc.constantFrom('digits', 'text'),
        attribute: fc.constant('value'),
        minLength: fc.integer({ min: 0, max: 4 }),
        maxLength: fc.integer({ min: 1, max: 6 }),
        next: target,
        fallback: fc.option(target, { nil: undefined }),
      }),
      fc.record({ kind: fc.constant('route'), queue: fc.constant('q') }),
      fc.record({ kind: fc.constant('callback'), queue: fc.constant('q'), phoneAttribute: fc.constant('value') }),
      fc.record({ kind: fc.constant('end') }),
    );
    fc.assert(
      fc.property(
        fc.array(nodeArb, { minLength: 1, maxLength: ids.length }),
        fc.integer({ min: 1, max: 30 }),
        startArb,
        fc.array(inputArb, { maxLength: 30 }),
        (nodes, maxSteps, start, inputs) => {
          const raw = {
            id: 'random',
            start: 'a',
            maxSteps,
            nodes: Object.fromEntries(nodes.map((n, i) => [ids[i], JSON.parse(JSON.stringify(n))])),
          };
          let def: FlowDefinition;
          try {
            def = parseFlowDefinition(raw);
          } catch (err) {
            expect(err).toBeInstanceOf(ValidationError);
            return;
          }
          drive(def, startFlow(def, start), inputs);
        },
      ),
      { numRuns: 500 },
    );
  });
});
