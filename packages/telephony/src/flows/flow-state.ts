import { ValidationError } from '@hotline/core';
import { z } from 'zod';
import type { FlowDefinition } from './definition-schema.js';

/** The version of the stored-state format; bumped only with a migration. */
export const FLOW_STATE_FORMAT = 1;

const attributeValueSchema = z.union([z.string(), z.number(), z.boolean()]);

/** A running or ended flow as plain JSON: store it anywhere and pass it to `resumeFlow`. */
export const serializedFlowStateSchema = z.strictObject({
  format: z.literal(FLOW_STATE_FORMAT),
  flowId: z.string(),
  flowVersion: z.int().min(1),
  status: z.enum(['waiting', 'ended']),
  channel: z.enum(['voice', 'chat']),
  locale: z.string().min(1).max(100),
  nodeId: z.string().min(1).max(64),
  attempt: z.int().min(0),
  buffer: z.string().max(2000),
  steps: z.int().min(0),
  attributes: z.record(z.string(), attributeValueSchema),
  ended: z.enum(['routed', 'callback', 'completed', 'hangup', 'retries_exhausted', 'max_steps']).optional(),
});

/** The JSON shape of a stored flow. */
export type SerializedFlowState = z.output<typeof serializedFlowStateSchema>;

/**
 * Checks a stored state against the definition it is resumed with: same flow and version,
 * and a waiting state must sit on a node that waits. Mismatches throw `ValidationError`
 * with the offending path, so a stale row never drives the wrong graph.
 */
export function checkStateFitsDefinition(state: SerializedFlowState, def: FlowDefinition): void {
  const issues: { path: string; message: string }[] = [];
  if (state.flowId !== def.id) issues.push({ path: 'flowId', message: `expected ${def.id}` });
  if (state.flowVersion !== def.version) issues.push({ path: 'flowVersion', message: `expected ${def.version}` });
  const node = def.nodes[state.nodeId];
  if (!node) issues.push({ path: 'nodeId', message: 'no such node in the flow' });
  else if (state.status === 'waiting' && node.kind !== 'menu' && node.kind !== 'collect') {
    issues.push({ path: 'nodeId', message: 'a waiting flow must sit on a menu or collect node' });
  }
  if ((state.status === 'ended') !== (state.ended !== undefined)) {
    issues.push({ path: 'ended', message: 'must be set exactly when the flow has ended' });
  }
  if (state.steps > def.maxSteps) issues.push({ path: 'steps', message: 'exceeds maxSteps' });
  const first = issues[0];
  if (first) throw new ValidationError(`Invalid flow state: ${first.path}: ${first.message}`, issues);
}
