import { parseInput } from '@hotline/core';
import { initialTransition, type SnapshotFrom, transition } from 'xstate';
import { z } from 'zod';
import {
  type FlowAttributeValue,
  type FlowDefinition,
  type FlowDefinitionInput,
  flowDefinitionSchema,
} from './definition-schema.js';
import {
  type FlowChannel,
  type FlowEndOutput,
  type FlowInput,
  type FlowOutput,
  type FlowPromptOutput,
  flowInputSchema,
} from './flow-io.js';
import {
  checkStateFitsDefinition,
  FLOW_STATE_FORMAT,
  type SerializedFlowState,
  serializedFlowStateSchema,
} from './flow-state.js';
import { currentPrompt, type FlowContext } from './interpreter.js';
import { createFlowMachine, type FlowMachine } from './machine.js';

/** Options of {@link startFlow}. */
export interface StartFlowOptions {
  /** The channel the contact is on; picks the default prompt timeout. */
  channel: FlowChannel;
  /**
   * The contact's language; matched to the flow's locales by tag, then by language.
   * @default the flow's `defaultLocale`
   */
  locale?: string;
  /**
   * Attributes known before the flow starts (caller number, dialled queue address…).
   * @default {}
   */
  attributes?: Record<string, FlowAttributeValue>;
}

/** A running flow. Not safe to share between concurrent callers: feed inputs one at a time. */
export interface FlowRunner {
  /** The `id` of the definition this runner follows. */
  readonly flowId: string;
  /** `waiting` at a menu or collect node, or `ended` (after which inputs are ignored). */
  readonly status: 'waiting' | 'ended';
  /** The outputs of the latest step: the start, the latest input, or none after a resume. */
  readonly outputs: readonly FlowOutput[];
  /** The prompt the flow is waiting on, to re-arm a timer or replay it after a resume. */
  readonly pendingPrompt: FlowPromptOutput | undefined;
  /** The `end` output once the flow has ended. */
  readonly result: FlowEndOutput | undefined;
  /** The attributes so far: those passed at start, then set and collected ones (a copy). */
  readonly attributes: Readonly<Record<string, FlowAttributeValue>>;
  /** The locale prompts are said in now (a `set` node may have switched it). */
  readonly locale: string;
  /** Steps taken so far; never above the definition's `maxSteps`. */
  readonly steps: number;
  /**
   * Feeds one input and returns the outputs it caused, in order. A malformed input throws
   * `ValidationError` and changes nothing; any input after the end returns `[]`, since late
   * key presses and messages are normal on a hung-up call.
   */
  input(input: FlowInput): FlowOutput[];
  /** The state as JSON, for {@link resumeFlow} after a restart. */
  serialize(): SerializedFlowState;
}

const machines = new WeakMap<FlowDefinition, FlowMachine>();

/**
 * Validates a flow definition, applies its defaults and freezes the result. An invalid definition throws
 * `ValidationError` (`VALIDATION_FAILED`) whose `issues` carry dotted paths such as
 * `nodes.menu.options.1.next`.
 *
 * @example
 * ```ts
 * const flow = parseFlowDefinition({
 *   id: 'support',
 *   start: 'menu',
 *   nodes: {
 *     menu: { kind: 'menu', prompt: 'Press 1 for sales', options: [{ digit: '1', keywords: ['sales'], next: 'sales' }] },
 *     sales: { kind: 'route', queue: 'sales' },
 *   },
 * });
 * ```
 */
export function parseFlowDefinition(definition: unknown): FlowDefinition {
  const def = deepFreeze(parseInput(flowDefinitionSchema, definition, 'flow definition'));
  machines.set(def, createFlowMachine(def));
  return def;
}

// A parsed definition is trusted without re-validation, so it must not change afterwards.
function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    for (const child of Object.values(value)) deepFreeze(child);
    Object.freeze(value);
  }
  return value;
}

function resolveDefinition(definition: FlowDefinition | FlowDefinitionInput): {
  def: FlowDefinition;
  machine: FlowMachine;
} {
  const known = machines.get(definition as FlowDefinition);
  if (known) return { def: definition as FlowDefinition, machine: known };
  // Raw definitions are parsed on every call: caching them by identity would miss later edits.
  const def = parseFlowDefinition(definition);
  return { def, machine: machines.get(def) as FlowMachine };
}

const startOptionsSchema = z.strictObject({
  channel: z.enum(['voice', 'chat']),
  locale: z.string().min(1).max(100).optional(),
  attributes: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});

function createRunner(
  def: FlowDefinition,
  machine: FlowMachine,
  initial: SnapshotFrom<FlowMachine>,
  fresh: boolean,
): FlowRunner {
  let snapshot = initial;
  let outputs: readonly FlowOutput[] = fresh ? snapshot.context.outbox : [];
  const ctx = () => snapshot.context;
  return {
    flowId: def.id,
    get status() {
      return snapshot.status === 'done' ? 'ended' : 'waiting';
    },
    get outputs() {
      return outputs;
    },
    get pendingPrompt() {
      return currentPrompt(def, ctx());
    },
    get result() {
      const c = ctx();
      return c.ended === undefined
        ? undefined
        : { type: 'end' as const, nodeId: c.nodeId, reason: c.ended, attributes: { ...c.attributes } };
    },
    get attributes() {
      return { ...ctx().attributes };
    },
    get locale() {
      return ctx().locale;
    },
    get steps() {
      return ctx().steps;
    },
    input(raw) {
      const event = parseInput(flowInputSchema, raw, 'flow input');
      if (snapshot.status === 'done') {
        outputs = [];
        return [];
      }
      [snapshot] = transition(machine, snapshot, event);
      outputs = snapshot.context.outbox;
      return [...outputs];
    },
    serialize() {
      const c = ctx();
      const state: SerializedFlowState = {
        format: FLOW_STATE_FORMAT,
        flowId: def.id,
        flowVersion: def.version,
        status: snapshot.status === 'done' ? 'ended' : 'waiting',
        channel: c.channel,
        locale: c.locale,
        nodeId: c.nodeId,
        attempt: c.attempt,
        buffer: c.buffer,
        steps: c.steps,
        attributes: { ...c.attributes },
      };
      if (c.ended !== undefined) state.ended = c.ended;
      return state;
    },
  };
}

/**
 * Starts a flow and runs it to its first prompt (or to its end). The definition is
 * validated first (see {@link parseFlowDefinition}); pass a parsed one to skip that.
 *
 * @example
 * ```ts
 * const runner = startFlow(flow, { channel: 'voice', locale: 'en' });
 * runner.outputs; // [{ type: 'prompt', text: 'Press 1 for sales', expects: 'choice', timeoutMs: 5000, … }]
 * runner.input({ type: 'dtmf', digit: '1' }); // [{ type: 'route', queue: 'sales', … }, { type: 'end', reason: 'routed', … }]
 * ```
 */
export function startFlow(definition: FlowDefinition | FlowDefinitionInput, options: StartFlowOptions): FlowRunner {
  const { def, machine } = resolveDefinition(definition);
  const opts = parseInput(startOptionsSchema, options, 'start flow options');
  const [snapshot] = initialTransition(machine, opts);
  return createRunner(def, machine, snapshot, true);
}

/**
 * Resumes a flow from {@link FlowRunner.serialize}'s JSON, for example after a restart. The
 * state is validated and must fit the definition (same id and version, an existing node),
 * otherwise `ValidationError` is thrown. `outputs` is empty; `pendingPrompt` says what the
 * contact was asked.
 *
 * @example
 * ```ts
 * const saved = JSON.stringify(runner.serialize());
 * const again = resumeFlow(flow, JSON.parse(saved));
 * again.input({ type: 'dtmf', digit: '2' });
 * ```
 */
export function resumeFlow(definition: FlowDefinition | FlowDefinitionInput, state: unknown): FlowRunner {
  const { def, machine } = resolveDefinition(definition);
  const stored = parseInput(serializedFlowStateSchema, state, 'flow state');
  checkStateFitsDefinition(stored, def);
  const context: FlowContext = {
    channel: stored.channel,
    locale: stored.locale,
    nodeId: stored.nodeId,
    attempt: stored.attempt,
    buffer: stored.buffer,
    steps: stored.steps,
    attributes: { ...stored.attributes },
    outbox: [],
  };
  if (stored.ended !== undefined) context.ended = stored.ended;
  const snapshot = machine.resolveState({ value: stored.status, context });
  return createRunner(def, machine, snapshot, false);
}
