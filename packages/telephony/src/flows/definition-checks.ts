import type { z } from 'zod';
import type { FlowDefinition, FlowNode } from './definition-schema.js';

type Path = (string | number)[];

/** The node ids a node can lead to, with the path of the field naming each. */
function edgesOf(node: FlowNode): { to: string; path: Path }[] {
  const edges: { to: string; path: Path }[] = [];
  if ('next' in node) edges.push({ to: node.next, path: ['next'] });
  if (node.kind === 'menu') {
    node.options.forEach((o, i) => {
      edges.push({ to: o.next, path: ['options', i, 'next'] });
    });
  }
  if ((node.kind === 'menu' || node.kind === 'collect') && node.fallback !== undefined) {
    edges.push({ to: node.fallback, path: ['fallback'] });
  }
  return edges;
}

/** Every localized field of a node, with its path, so locale rules are checked in one place. */
function localizedFieldsOf(node: FlowNode): { value: unknown; path: Path }[] {
  const fields: { value: unknown; path: Path }[] = [];
  const add = (value: unknown, path: Path) => {
    if (value !== undefined) fields.push({ value, path });
  };
  switch (node.kind) {
    case 'say':
      add(node.text, ['text']);
      break;
    case 'menu':
      add(node.prompt, ['prompt']);
      node.options.forEach((o, i) => {
        add(o.keywords, ['options', i, 'keywords']);
        add(o.label, ['options', i, 'label']);
      });
      break;
    case 'collect':
      add(node.prompt, ['prompt']);
      break;
    case 'route':
    case 'callback':
    case 'end':
      add(node.text, ['text']);
      break;
    case 'set':
      break;
  }
  if (node.kind === 'menu' || node.kind === 'collect') {
    add(node.noInputText, ['noInputText']);
    add(node.noMatchText, ['noMatchText']);
  }
  return fields;
}

function checkLocales(def: FlowDefinition, ctx: z.RefinementCtx): void {
  const declared = def.locales?.map((l) => l.toLowerCase());
  if (declared && !declared.includes(def.defaultLocale.toLowerCase())) {
    ctx.addIssue({ code: 'custom', message: 'must be one of locales', path: ['defaultLocale'] });
  }
  for (const [id, node] of Object.entries(def.nodes)) {
    for (const { value, path } of localizedFieldsOf(node)) {
      if (typeof value === 'string' || Array.isArray(value)) continue;
      const keys = Object.keys(value as object).map((k) => k.toLowerCase());
      if (!keys.includes(def.defaultLocale.toLowerCase())) {
        ctx.addIssue({
          code: 'custom',
          message: `needs the default locale ${def.defaultLocale}`,
          path: ['nodes', id, ...path],
        });
      }
      for (const key of Object.keys(value as object)) {
        if (declared && !declared.includes(key.toLowerCase())) {
          ctx.addIssue({ code: 'custom', message: 'is not one of locales', path: ['nodes', id, ...path, key] });
        }
      }
    }
    if (node.kind === 'set' && node.locale !== undefined && declared && !declared.includes(node.locale.toLowerCase())) {
      ctx.addIssue({ code: 'custom', message: 'is not one of locales', path: ['nodes', id, 'locale'] });
    }
  }
}

function checkNodes(def: FlowDefinition, ctx: z.RefinementCtx): void {
  for (const [id, node] of Object.entries(def.nodes)) {
    for (const edge of edgesOf(node)) {
      if (!(edge.to in def.nodes)) {
        ctx.addIssue({ code: 'custom', message: `no node named ${edge.to}`, path: ['nodes', id, ...edge.path] });
      }
    }
    if (node.kind === 'menu') {
      const seen = new Set<string>();
      node.options.forEach((o, i) => {
        if (o.digit === undefined) return;
        if (seen.has(o.digit)) {
          ctx.addIssue({
            code: 'custom',
            message: `digit ${o.digit} is used twice`,
            path: ['nodes', id, 'options', i, 'digit'],
          });
        }
        seen.add(o.digit);
      });
    }
    if (node.kind === 'collect' && node.minLength !== undefined && node.maxLength !== undefined) {
      if (node.minLength > node.maxLength) {
        ctx.addIssue({ code: 'custom', message: 'must not exceed maxLength', path: ['nodes', id, 'minLength'] });
      }
    }
  }
}

/**
 * A loop made only of nodes that never wait (say, set) would spin until `maxSteps` on every
 * run: reject it up front, naming the edge that closes it.
 */
function checkLoopsWait(def: FlowDefinition, ctx: z.RefinementCtx): void {
  const state = new Map<string, 'open' | 'done'>();
  const visit = (id: string): void => {
    state.set(id, 'open');
    const node = def.nodes[id];
    if (node && (node.kind === 'say' || node.kind === 'set')) {
      const next = def.nodes[node.next];
      if (next && (next.kind === 'say' || next.kind === 'set')) {
        const seen = state.get(node.next);
        if (seen === 'open') {
          ctx.addIssue({
            code: 'custom',
            message: 'closes a loop that never waits for input',
            path: ['nodes', id, 'next'],
          });
        } else if (seen === undefined) {
          visit(node.next);
        }
      }
    }
    state.set(id, 'done');
  };
  for (const id of Object.keys(def.nodes)) if (!state.has(id)) visit(id);
}

/** The cross-field checks of a flow definition; zod calls it after the shape is valid. */
export function checkFlowGraph(def: FlowDefinition, ctx: z.RefinementCtx): void {
  if (!(def.start in def.nodes)) {
    ctx.addIssue({ code: 'custom', message: `no node named ${def.start}`, path: ['start'] });
  }
  checkNodes(def, ctx);
  checkLocales(def, ctx);
  checkLoopsWait(def, ctx);
}
