import { ValidationError } from '@hotline/core';
import { describe, expect, it } from 'vitest';
import type { FlowInput } from './flow-io.js';
import { parseFlowDefinition, resumeFlow, startFlow } from './runner.js';
import { supportFlow } from './support-flow.fixture.js';

const flow = parseFlowDefinition(supportFlow);
const keys = (digits: string): FlowInput[] => [...digits].map((digit) => ({ type: 'dtmf', digit }) as FlowInput);

function rejectionPaths(run: () => unknown): string[] {
  try {
    run();
  } catch (err) {
    expect(err).toBeInstanceOf(ValidationError);
    return (err as ValidationError).issues.map((i) => i.path);
  }
  throw new Error('accepted');
}

describe('flow state serialization', () => {
  it('resumes mid-collection from JSON and continues exactly like the original', () => {
    const original = startFlow(flow, { channel: 'voice', attributes: { caller: '+15550100' } });
    for (const input of [...keys('12'), { type: 'timeout' } as FlowInput, ...keys('12')]) original.input(input);
    const saved = JSON.parse(JSON.stringify(original.serialize()));
    expect(saved).toMatchObject({ status: 'waiting', nodeId: 'account', buffer: '12', attempt: 1, locale: 'en' });

    const resumed = resumeFlow(supportFlow, saved);
    expect(resumed.outputs).toEqual([]);
    expect(resumed.pendingPrompt).toEqual(original.pendingPrompt);
    expect(resumed.steps).toBe(original.steps);

    const rest: FlowInput[] = [...keys('34#'), { type: 'text', text: 'Cannot log in' }];
    for (const input of rest) expect(resumed.input(input)).toEqual(original.input(input));
    expect(resumed.result).toEqual(original.result);
    expect(resumed.result?.attributes).toMatchObject({ account: '1234', issue: 'Cannot log in' });
  });

  it('keeps the retry count across a restart', () => {
    const original = startFlow(flow, { channel: 'chat' });
    original.input({ type: 'text', text: 'english' });
    original.input({ type: 'timeout' });
    const resumed = resumeFlow(flow, original.serialize());
    expect(resumed.pendingPrompt).toMatchObject({ nodeId: 'main', attempt: 1, timeoutMs: 300_000 });
    resumed.input({ type: 'timeout' });
    expect(resumed.input({ type: 'timeout' }).at(-1)).toMatchObject({ type: 'end', reason: 'routed' });
  });

  it('resumes an ended flow as ended', () => {
    const original = startFlow(flow, { channel: 'voice' });
    for (const input of keys('10')) original.input(input);
    const resumed = resumeFlow(flow, original.serialize());
    expect(resumed.status).toBe('ended');
    expect(resumed.result).toEqual(original.result);
    expect(resumed.input({ type: 'dtmf', digit: '1' })).toEqual([]);
  });

  it('refuses state that does not fit the definition or is malformed', () => {
    const saved = startFlow(flow, { channel: 'voice' }).serialize();
    expect(rejectionPaths(() => resumeFlow(flow, { ...saved, flowId: 'other' }))).toEqual(['flowId']);
    expect(rejectionPaths(() => resumeFlow(flow, { ...saved, flowVersion: 2 }))).toEqual(['flowVersion']);
    expect(rejectionPaths(() => resumeFlow(flow, { ...saved, nodeId: 'ghost' }))).toEqual(['nodeId']);
    expect(rejectionPaths(() => resumeFlow(flow, { ...saved, nodeId: 'welcome' }))).toEqual(['nodeId']);
    expect(rejectionPaths(() => resumeFlow(flow, { ...saved, status: 'ended' }))).toEqual(['ended']);
    expect(rejectionPaths(() => resumeFlow(flow, { ...saved, steps: -1 }))).toEqual(['steps']);
    expect(rejectionPaths(() => resumeFlow(flow, { ...saved, format: 2 }))).toEqual(['format']);
  });
});
