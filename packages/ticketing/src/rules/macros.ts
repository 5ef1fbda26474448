import { NotFoundError, UnavailableError } from '@hotline/core';
import type { WriteContext } from '../model/ports.js';
import type { Ticket } from '../model/ticket.js';
import { renderComments } from './actions.js';
import { applyRuleChanges, hasChanges, writeRuleChanges } from './changes.js';
import { resolveNames } from './fire.js';
import type { RuleChanges, RuleComment } from './ports.js';
import type { RuleRuntime } from './runtime.js';

/** What applying a macro gives the agent. */
export interface MacroApplication {
  macroId: string;
  /** The property changes that differ from the ticket. */
  changes: Omit<RuleChanges, 'comment' | 'meta'>;
  /** The comment, placeholders rendered (absent when the macro has none). */
  comment?: RuleComment;
  /** The ticket as the macro leaves it: a preview, or the stored ticket when `write` was set. */
  ticket: Ticket;
  /** Whether the changes were written. */
  written: boolean;
}

/** Options of `applyMacro`. */
export interface ApplyMacroOptions {
  /**
   * Writes the changes and comment at once, as `ctx.actor` (with `meta.macroId`), through
   * the service (so `ctx.principal`'s permissions apply). Without it the macro is a
   * preview that fills the agent's form, as in Zendesk. @default false
   */
  write?: boolean;
}

/**
 * Applies a macro to a ticket for the agent in `ctx.actor`: the changes, and the comment
 * with placeholders rendered (`{{current_user.name}}` is that agent).
 *
 * @throws NotFoundError when the macro (or an inactive one) or the ticket does not exist.
 */
export async function applyMacroTo(
  rt: RuleRuntime,
  ctx: WriteContext,
  ticket: Ticket,
  macroId: string,
  options: ApplyMacroOptions = {},
): Promise<MacroApplication> {
  const macro = rt.registry.macros.get(ctx.tenantId, macroId);
  if (macro === undefined || !macro.definition.active) throw new NotFoundError('macro', macroId);
  if (ticket.tenantId !== ctx.tenantId) throw new NotFoundError('ticket', ticket.id);
  const plan = macro.actions.plan(ticket, { actor: ctx.actor });
  const preview = applyRuleChanges(ticket, plan.changes);
  const names = await resolveNames(rt.reader, plan.names, preview, ctx.actor);
  const comment = renderComments(plan, { ticket: preview, names });
  const application: MacroApplication = {
    macroId,
    changes: plan.changes,
    ...(comment && { comment }),
    ticket: preview,
    written: false,
  };
  if (options.write !== true) return application;
  const changes = { ...plan.changes, ...(comment && { comment }), meta: { macroId } };
  const after = await writeRuleChanges(rt.effects, ctx, ticket, changes, hasChanges(plan.changes));
  if (after !== ticket) {
    application.ticket = after;
    application.written = true;
  }
  return application;
}

/** Loads the ticket through the reader, then {@link applyMacroTo}. */
export async function applyMacroById(
  rt: RuleRuntime,
  ctx: WriteContext,
  ticketId: string,
  macroId: string,
  options: ApplyMacroOptions = {},
): Promise<MacroApplication> {
  if (rt.reader.get === undefined) throw new UnavailableError('applyMacro needs a reader with get()');
  const ticket = await rt.reader.get(ctx.tenantId, ticketId);
  if (ticket === undefined) throw new NotFoundError('ticket', ticketId);
  return applyMacroTo(rt, ctx, ticket, macroId, options);
}
