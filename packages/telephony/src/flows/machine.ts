import { assign, setup } from 'xstate';
import type { FlowAttributeValue, FlowDefinition } from './definition-schema.js';
import type { FlowChannel, FlowInput } from './flow-io.js';
import { beginStep, enterNode, type FlowContext, handleInput } from './interpreter.js';
import { resolveLocale } from './localize.js';

/** What a flow machine starts from. */
export interface FlowMachineInput {
  channel: FlowChannel;
  locale?: string;
  attributes?: Record<string, FlowAttributeValue>;
}

/**
 * The flow as an xstate v5 machine: `starting` runs to the first waiting node, `waiting`
 * takes inputs, `ended` is final. Like core's conversation machine it is pure (no timers,
 * no invoked actors): hosts fire `timeout` themselves, and a stored `(state, context)`
 * restores it exactly. The node graph lives in the definition, not in xstate states, so one
 * machine shape serves every flow and stored snapshots stay valid across flow edits that
 * keep node ids.
 */
export function createFlowMachine(def: FlowDefinition) {
  return setup({
    types: {
      context: {} as FlowContext,
      events: {} as FlowInput,
      input: {} as FlowMachineInput,
    },
    guards: {
      ended: ({ context }) => context.ended !== undefined,
    },
    actions: {
      enterStart: assign(({ context }) => enterNode(def, beginStep(context), def.start)),
      handleInput: assign(({ context, event }) => handleInput(def, beginStep(context), event)),
    },
  }).createMachine({
    id: `flow.${def.id}`,
    initial: 'starting',
    context: ({ input }) => ({
      channel: input.channel,
      locale: resolveLocale(def, input.locale),
      nodeId: def.start,
      attempt: 0,
      buffer: '',
      steps: 0,
      attributes: { ...input.attributes },
      outbox: [],
    }),
    states: {
      starting: {
        always: { target: 'waiting', actions: 'enterStart' },
      },
      waiting: {
        always: { guard: 'ended', target: 'ended' },
        on: {
          dtmf: { actions: 'handleInput' },
          text: { actions: 'handleInput' },
          timeout: { actions: 'handleInput' },
        },
      },
      ended: { type: 'final' },
    },
  });
}

/** The machine type for one flow definition. */
export type FlowMachine = ReturnType<typeof createFlowMachine>;
