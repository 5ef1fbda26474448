import type { FlowAttributeValue, FlowDefinition, FlowNode, LocalizedText, WaitingNode } from './definition-schema.js';
import type {
  FlowCallbackOutput,
  FlowChannel,
  FlowChoice,
  FlowEndReason,
  FlowInput,
  FlowOutput,
  FlowPromptOutput,
  FlowRouteOutput,
} from './flow-io.js';
import { localize, localizeKeywords, matchesKeyword, resolveLocale } from './localize.js';

/**
 * Everything a flow remembers between inputs. JSON-safe, so a stored copy restores the flow
 * exactly (see `serializeFlow`). `outbox` holds the outputs of the latest step only.
 */
export interface FlowContext {
  channel: FlowChannel;
  locale: string;
  /** The node waiting for input, or the node that ended the flow. */
  nodeId: string;
  /** Re-prompts already used at the waiting node. */
  attempt: number;
  /** DTMF keys of a collection not yet complete. */
  buffer: string;
  /** Nodes entered plus re-prompts played; never above the definition's `maxSteps`. */
  steps: number;
  attributes: Record<string, FlowAttributeValue>;
  ended?: FlowEndReason;
  outbox: FlowOutput[];
}

const DEFAULT_MAX_LENGTH = { digits: 32, text: 2000 } as const;

/** A working copy for one step, so the previous snapshot's context is never mutated. */
export function beginStep(ctx: FlowContext): FlowContext {
  return { ...ctx, attributes: { ...ctx.attributes }, outbox: [] };
}

function finish(ctx: FlowContext, nodeId: string, reason: FlowEndReason): FlowContext {
  ctx.nodeId = nodeId;
  ctx.ended = reason;
  ctx.buffer = '';
  ctx.outbox.push({ type: 'end', nodeId, reason, attributes: { ...ctx.attributes } });
  return ctx;
}

function say(def: FlowDefinition, ctx: FlowContext, nodeId: string, text: LocalizedText | undefined): void {
  if (text === undefined) return;
  ctx.outbox.push({ type: 'say', nodeId, text: localize(text, ctx.locale, def), locale: ctx.locale });
}

function choicesOf(def: FlowDefinition, ctx: FlowContext, node: Extract<FlowNode, { kind: 'menu' }>): FlowChoice[] {
  return node.options.map((o) => {
    const choice: FlowChoice = {};
    if (o.digit !== undefined) choice.digit = o.digit;
    const label = o.label
      ? localize(o.label, ctx.locale, def)
      : o.keywords && localizeKeywords(o.keywords, ctx.locale, def)[0];
    if (label) choice.label = label;
    return choice;
  });
}

function buildPrompt(def: FlowDefinition, ctx: FlowContext, node: WaitingNode): FlowPromptOutput {
  const out: FlowPromptOutput = {
    type: 'prompt',
    nodeId: ctx.nodeId,
    text: localize(node.prompt, ctx.locale, def),
    locale: ctx.locale,
    expects: node.kind === 'menu' ? 'choice' : node.mode,
    timeoutMs: node.timeoutMs ?? def.timeouts[ctx.channel],
    attempt: ctx.attempt,
  };
  if (node.kind === 'menu') out.choices = choicesOf(def, ctx, node);
  return out;
}

function prompt(def: FlowDefinition, ctx: FlowContext, node: WaitingNode): void {
  ctx.outbox.push(buildPrompt(def, ctx, node));
}

/** The prompt a waiting flow is on (rebuilt from the context, so it also works after a resume). */
export function currentPrompt(def: FlowDefinition, ctx: FlowContext): FlowPromptOutput | undefined {
  if (ctx.ended !== undefined) return undefined;
  const node = def.nodes[ctx.nodeId];
  return node?.kind === 'menu' || node?.kind === 'collect' ? buildPrompt(def, ctx, node) : undefined;
}

/** Route and callback both hand the contact to a queue with what the flow learnt, then end it. */
function handOff(
  def: FlowDefinition,
  ctx: FlowContext,
  id: string,
  node: Extract<FlowNode, { kind: 'route' | 'callback' }>,
): FlowContext {
  say(def, ctx, id, node.text);
  const common = { nodeId: id, queue: node.queue, locale: ctx.locale, attributes: { ...ctx.attributes } };
  if (node.kind === 'route') {
    const out: FlowRouteOutput = { type: 'route', ...common };
    if (node.priority !== undefined) out.priority = node.priority;
    if (node.skills !== undefined) out.skills = [...node.skills];
    ctx.outbox.push(out);
    return finish(ctx, id, 'routed');
  }
  const out: FlowCallbackOutput = { type: 'callback', ...common };
  const phone = node.phoneAttribute === undefined ? undefined : ctx.attributes[node.phoneAttribute];
  if (phone !== undefined) out.phone = String(phone);
  ctx.outbox.push(out);
  return finish(ctx, id, 'callback');
}

/**
 * Enters `startId` and runs every node that does not wait (say, set) until one waits for
 * input or the flow ends. Each node entered is a step; past `maxSteps` the flow ends.
 */
export function enterNode(def: FlowDefinition, ctx: FlowContext, startId: string): FlowContext {
  let id = startId;
  for (;;) {
    if (ctx.steps >= def.maxSteps) return finish(ctx, id, 'max_steps');
    const node = def.nodes[id];
    // The definition was validated, so every edge names a node; guard anyway for restored state.
    if (!node) return finish(ctx, id, 'completed');
    ctx.steps += 1;
    ctx.nodeId = id;
    ctx.attempt = 0;
    ctx.buffer = '';
    switch (node.kind) {
      case 'say':
        say(def, ctx, id, node.text);
        id = node.next;
        break;
      case 'set':
        Object.assign(ctx.attributes, node.attributes);
        if (node.locale !== undefined) ctx.locale = resolveLocale(def, node.locale);
        id = node.next;
        break;
      case 'menu':
      case 'collect':
        prompt(def, ctx, node);
        return ctx;
      case 'route':
      case 'callback':
        return handOff(def, ctx, id, node);
      case 'end':
        say(def, ctx, id, node.text);
        return finish(ctx, id, node.reason ?? 'completed');
    }
  }
}

/** A missing or wrong answer: re-prompt while retries remain, then take the fallback. */
function retry(def: FlowDefinition, ctx: FlowContext, node: WaitingNode, why: 'noInput' | 'noMatch'): FlowContext {
  const maxRetries = node.maxRetries ?? def.maxRetries;
  if (ctx.attempt >= maxRetries) {
    return node.fallback === undefined
      ? finish(ctx, ctx.nodeId, 'retries_exhausted')
      : enterNode(def, ctx, node.fallback);
  }
  if (ctx.steps >= def.maxSteps) return finish(ctx, ctx.nodeId, 'max_steps');
  ctx.steps += 1;
  ctx.attempt += 1;
  ctx.buffer = '';
  say(def, ctx, ctx.nodeId, why === 'noInput' ? node.noInputText : node.noMatchText);
  prompt(def, ctx, node);
  return ctx;
}

function handleMenu(
  def: FlowDefinition,
  ctx: FlowContext,
  node: Extract<FlowNode, { kind: 'menu' }>,
  input: FlowInput,
) {
  if (input.type === 'timeout') return retry(def, ctx, node, 'noInput');
  if (input.type === 'text' && input.text.trim() === '') return retry(def, ctx, node, 'noInput');
  const option =
    input.type === 'dtmf'
      ? node.options.find((o) => o.digit === input.digit)
      : node.options.find(
          (o) =>
            (o.digit !== undefined && input.text.trim() === o.digit) ||
            (o.keywords !== undefined &&
              localizeKeywords(o.keywords, ctx.locale, def).some((k) => matchesKeyword(input.text, k))),
        );
  return option ? enterNode(def, ctx, option.next) : retry(def, ctx, node, 'noMatch');
}

function completeCollect(
  def: FlowDefinition,
  ctx: FlowContext,
  node: Extract<FlowNode, { kind: 'collect' }>,
  value: string,
) {
  const min = node.minLength ?? 1;
  const max = node.maxLength ?? DEFAULT_MAX_LENGTH[node.mode];
  const length = [...value].length;
  if (length < min || length > max) return retry(def, ctx, node, 'noMatch');
  ctx.attributes[node.attribute] = value;
  return enterNode(def, ctx, node.next);
}

function handleCollect(
  def: FlowDefinition,
  ctx: FlowContext,
  node: Extract<FlowNode, { kind: 'collect' }>,
  input: FlowInput,
) {
  const terminator = node.terminator ?? '#';
  if (input.type === 'timeout') {
    // A pause after some keys ends the entry (inter-digit timeout); silence from the start is no input.
    return ctx.buffer === '' ? retry(def, ctx, node, 'noInput') : completeCollect(def, ctx, node, ctx.buffer);
  }
  if (input.type === 'dtmf') {
    if (input.digit === terminator) return completeCollect(def, ctx, node, ctx.buffer);
    ctx.buffer += input.digit;
    const max = node.maxLength ?? DEFAULT_MAX_LENGTH[node.mode];
    return ctx.buffer.length >= max ? completeCollect(def, ctx, node, ctx.buffer) : ctx;
  }
  const text = input.text.trim();
  if (text === '') return retry(def, ctx, node, 'noInput');
  if (node.mode === 'text') return completeCollect(def, ctx, node, text);
  // Typed numbers come with separators ("+1 (555) 010-2000"): keep the keys, refuse anything else.
  const keys = text.replace(/[\s\-().]/g, '').replace(/^\+/, '');
  const withoutTerminator = keys.endsWith(terminator) ? keys.slice(0, -1) : keys;
  if (!/^[0-9*#]*$/.test(withoutTerminator)) return retry(def, ctx, node, 'noMatch');
  return completeCollect(def, ctx, node, ctx.buffer + withoutTerminator);
}

/** Applies one input to a flow waiting at a menu or collect node. */
export function handleInput(def: FlowDefinition, ctx: FlowContext, input: FlowInput): FlowContext {
  const node = def.nodes[ctx.nodeId];
  if (node?.kind === 'menu') return handleMenu(def, ctx, node, input);
  if (node?.kind === 'collect') return handleCollect(def, ctx, node, input);
  // Restored state is checked against the definition, so this is only reachable by a bug.
  return finish(ctx, ctx.nodeId, 'completed');
}
