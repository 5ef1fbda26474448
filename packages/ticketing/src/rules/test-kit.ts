import type { Clock } from '@hotline/core';
import type { Actor } from '../model/actor.js';
import type { HistoryComment, HistoryEntry, PropertyChange } from '../model/history.js';
import type { AfterWriteHook, WriteContext, WriteResult } from '../model/ports.js';
import type { Ticket } from '../model/ticket.js';
import { diffTickets } from '../service/ticket-diff.js';
import { makeTicket } from '../store/conformance/fixtures.js';
import { applyRuleChanges } from './changes.js';
import type {
  AutomationCandidate,
  RuleChanges,
  RuleComment,
  RuleEffects,
  RuleNotification,
  RuleReader,
  RuleWebhook,
} from './ports.js';

// Test (and bench) doubles for the rules engine: tickets in memory, written the way the
// ticket service writes them (version + 1, one history entry per write, hooks called
// after each write, re-entrantly). Not published.

/** The tenant of the test tickets. */
export const T = 'ten_rules';
/** When test tickets are created: Monday 2 March 2026, 09:00 UTC. */
export const START = Date.UTC(2026, 2, 2, 9, 0, 0);

let seq = 0;

/** A valid ticket (open, from an email, created at {@link START}). */
export function ruleTicket(overrides: Partial<Ticket> = {}): Ticket {
  seq++;
  const at = new Date(START).toISOString();
  return makeTicket(T, {
    id: `tkt_${seq}`,
    number: 1000 + seq,
    status: 'open',
    requesterId: 'ctc_1',
    source: { kind: 'email' },
    createdAt: at,
    updatedAt: at,
    ...overrides,
  });
}

/** A committed write as the service hands it to hooks. */
export function writeOf(
  ticket: Ticket,
  options: {
    kind?: HistoryEntry['kind'];
    actor?: Actor;
    changes?: PropertyChange[];
    comment?: HistoryComment;
    depth?: number;
    meta?: Record<string, unknown>;
    at?: number;
    previous?: Ticket;
  } = {},
): WriteResult {
  const actor = options.actor ?? { type: 'agent', id: 'agt_1' };
  const depth = options.depth ?? 0;
  const entry: HistoryEntry = {
    tenantId: ticket.tenantId,
    ticketId: ticket.id,
    version: ticket.version,
    at: new Date(options.at ?? Date.parse(ticket.updatedAt)).toISOString(),
    actor,
    kind: options.kind ?? 'updated',
    changes: options.changes ?? [],
    depth,
    ...(options.comment && { comment: options.comment }),
    ...(options.meta && { meta: options.meta }),
  };
  return {
    ...(options.previous && { previous: options.previous }),
    ticket,
    entry,
    context: { tenantId: ticket.tenantId, actor, depth },
  };
}

/** One write the memory effects recorded. */
export interface RecordedWrite {
  ctx: WriteContext;
  ticketId: string;
  changes: RuleChanges;
  entry: HistoryEntry;
}

/** Options of {@link MemoryRuleEffects}. */
export interface MemoryRuleEffectsOptions {
  clock: Clock;
  /** Called after every write, like the service's hooks (set `hook` later with `effects.hook = engine.hook`). */
  hook?: AfterWriteHook;
  /** Refuse writes deeper than this, like the service. @default 10 */
  maxDepth?: number;
  /** Keep history entries (off in the bench). @default true */
  keepHistory?: boolean;
}

/** Rule effects over tickets held in memory. */
export class MemoryRuleEffects implements RuleEffects, RuleReader {
  readonly tickets = new Map<string, Ticket>();
  readonly histories = new Map<string, HistoryEntry[]>();
  readonly writes: RecordedWrite[] = [];
  readonly notifications: { ctx: WriteContext; notification: RuleNotification }[] = [];
  readonly webhooks: { ctx: WriteContext; delivery: RuleWebhook }[] = [];
  readonly names = new Map<string, string>();
  readonly bodies = new Map<string, string>();
  hook: AfterWriteHook | undefined;
  /** Makes the next writes throw (to test failures). */
  failWrites: Error | undefined;
  failNotify: Error | undefined;
  private readonly clock: Clock;
  private readonly maxDepth: number;
  private readonly keepHistory: boolean;

  constructor(options: MemoryRuleEffectsOptions) {
    this.clock = options.clock;
    this.hook = options.hook;
    this.maxDepth = options.maxDepth ?? 10;
    this.keepHistory = options.keepHistory ?? true;
  }

  /** Stores a ticket (and a creating history entry). */
  put(ticket: Ticket): Ticket {
    this.tickets.set(ticket.id, ticket);
    if (this.keepHistory && !this.histories.has(ticket.id)) {
      this.histories.set(ticket.id, [
        {
          tenantId: ticket.tenantId,
          ticketId: ticket.id,
          version: ticket.version,
          at: ticket.createdAt,
          actor: { type: 'requester', id: ticket.requesterId },
          kind: 'created',
          changes: [{ property: 'status', from: undefined, to: ticket.status }],
          depth: 0,
        },
      ]);
    }
    return ticket;
  }

  async update(ctx: WriteContext, ticketId: string, changes: RuleChanges): Promise<Ticket> {
    return this.write(ctx, ticketId, changes);
  }

  async comment(ctx: WriteContext, ticketId: string, comment: RuleComment & { meta?: Record<string, unknown> }) {
    const { meta, ...rest } = comment;
    return this.write(ctx, ticketId, { comment: rest, ...(meta && { meta }) });
  }

  async notify(ctx: WriteContext, notification: RuleNotification): Promise<void> {
    if (this.failNotify) throw this.failNotify;
    this.notifications.push({ ctx, notification });
  }

  async webhook(ctx: WriteContext, delivery: RuleWebhook): Promise<void> {
    this.webhooks.push({ ctx, delivery });
  }

  // --- RuleReader ---
  async get(tenantId: string, ticketId: string): Promise<Ticket | undefined> {
    const ticket = this.tickets.get(ticketId);
    return ticket?.tenantId === tenantId ? ticket : undefined;
  }

  async history(_tenantId: string, ticketId: string): Promise<readonly HistoryEntry[]> {
    return this.histories.get(ticketId) ?? [];
  }

  async commentBody(_tenantId: string, _ticketId: string, commentId: string): Promise<string | undefined> {
    return this.bodies.get(commentId);
  }

  async displayName(_tenantId: string, kind: string, id: string): Promise<string | undefined> {
    return this.names.get(`${kind}:${id}`);
  }

  async listCandidates(tenantId: string): Promise<Iterable<AutomationCandidate>> {
    return [...this.tickets.values()].filter((t) => t.tenantId === tenantId).map((ticket) => ({ ticket }));
  }

  /** Writes as the service would, then runs the hook re-entrantly. */
  private async write(ctx: WriteContext, ticketId: string, changes: RuleChanges): Promise<Ticket> {
    if (this.failWrites) throw this.failWrites;
    if (ctx.depth > this.maxDepth) throw new Error(`depth ${ctx.depth} exceeds ${this.maxDepth}`);
    const before = this.tickets.get(ticketId);
    if (before === undefined) throw new Error(`no ticket ${ticketId}`);
    const at = new Date(this.clock.now()).toISOString();
    const after = applyRuleChanges(before, changes); // a fresh copy: stamp it in place
    after.version = before.version + 1;
    after.updatedAt = at;
    this.tickets.set(ticketId, after);
    // The bench keeps nothing and has no hook: skip building the entry nobody reads.
    if (!this.keepHistory && this.hook === undefined) return after;
    const entry: HistoryEntry = {
      tenantId: ctx.tenantId,
      ticketId,
      version: after.version,
      at,
      actor: ctx.actor,
      kind: changes.comment ? 'commented' : 'updated',
      changes: diffTickets(before, after),
      depth: ctx.depth,
      ...(changes.comment && {
        comment: { id: `cmt_${after.version}`, public: changes.comment.public, author: 'system' as const },
      }),
      ...(changes.meta && { meta: changes.meta }),
    };
    if (this.keepHistory) this.histories.get(ticketId)?.push(entry);
    this.writes.push({ ctx, ticketId, changes, entry });
    await this.hook?.afterWrite({ previous: before, ticket: after, entry, context: ctx });
    return after;
  }
}
