import { type Clock, type Conversation, type Storage, timestampSchema, ValidationError } from '@hotline/core';
import type { ReadContext, Ticket, TicketService } from '@hotline/ticketing';
import { z } from 'zod';
import { listAll } from './live-report.js';

/** Most conversations and tickets a summary reads; past it the answer says `truncated`. */
export const SUMMARY_SCAN_LIMIT = 20_000;
/** Most conversations whose first response time is measured (each costs a message read). */
export const FIRST_RESPONSE_SAMPLE = 2_000;
const DAY_MS = 86_400_000;

/** Query of `GET /reports/summary`: a time range, by default the last 24 hours. */
export const summaryQuerySchema = z.object({
  from: timestampSchema.optional(),
  to: timestampSchema.optional(),
});

/** Counts over a time range, from storage. */
export const summarySchema = z.object({
  from: timestampSchema,
  to: timestampSchema,
  /** Conversations created in the range, by their current status and channel. */
  conversations: z.object({
    total: z.int(),
    byStatus: z.record(z.string(), z.int()),
    byChannel: z.record(z.string(), z.int()),
  }),
  tickets: z.object({
    created: z.int(),
    /** Solved (or closed) in the range. */
    resolved: z.int(),
  }),
  /** From the customer's first message to the first agent reply, over the conversations measured. */
  firstResponse: z.object({ averageSeconds: z.number().nullable(), measured: z.int() }),
  /** More records than the scan limits: the figures cover part of the range. */
  truncated: z.boolean(),
});
/** Counts over a time range. */
export type Summary = z.infer<typeof summarySchema>;

/** The range of a summary query, checked: `from` before `to`, at most 366 days. */
export function summaryRange(query: z.output<typeof summaryQuerySchema>, clock: Clock): { from: number; to: number } {
  const to = query.to ? Date.parse(query.to) : clock.now();
  const from = query.from ? Date.parse(query.from) : to - DAY_MS;
  if (from >= to || to - from > 366 * DAY_MS) {
    throw new ValidationError('from must be before to, at most 366 days apart', [
      { path: 'from', message: 'before to, at most 366 days earlier', code: 'range' },
    ]);
  }
  return { from, to };
}

const within = (at: string | undefined, from: number, to: number) => {
  if (at === undefined) return false;
  const t = Date.parse(at);
  return t >= from && t <= to;
};

function bump(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}

/** Milliseconds from the customer's first message (or the start) to the first agent reply after it. */
async function firstResponseMs(storage: Storage, conversation: Conversation): Promise<number | undefined> {
  const messages = await storage.messages.list(conversation.tenantId, conversation.id, { limit: 100 });
  const asked = messages.find((m) => m.direction === 'inbound');
  const answered = messages.find((m) => m.direction === 'outbound' && (!asked || m.seq > asked.seq));
  if (!answered) return undefined;
  return Date.parse(answered.createdAt) - Date.parse(asked?.createdAt ?? conversation.createdAt);
}

/** Conversation and ticket counts and the average first response over `[from, to]`. */
export async function summarize(
  storage: Storage,
  tickets: TicketService,
  ctx: ReadContext,
  range: { from: number; to: number },
): Promise<Summary> {
  const { from, to } = range;
  const scanned = await listAll<Conversation>(
    (options) => storage.conversations.list(ctx.tenantId, {}, options),
    SUMMARY_SCAN_LIMIT,
  );
  const inRange = scanned.items.filter((c) => within(c.createdAt, from, to));
  const byStatus: Record<string, number> = {};
  const byChannel: Record<string, number> = {};
  for (const conversation of inRange) {
    bump(byStatus, conversation.status);
    bump(byChannel, conversation.legs[0]?.channel ?? conversation.channel);
  }
  let totalMs = 0;
  let measured = 0;
  for (const conversation of inRange.slice(0, FIRST_RESPONSE_SAMPLE)) {
    const ms = await firstResponseMs(storage, conversation);
    if (ms === undefined) continue;
    totalMs += Math.max(0, ms);
    measured++;
  }
  const ticketScan = await listAll<Ticket>((options) => tickets.list(ctx, {}, options), SUMMARY_SCAN_LIMIT);
  return {
    from: new Date(from).toISOString(),
    to: new Date(to).toISOString(),
    conversations: { total: inRange.length, byStatus, byChannel },
    tickets: {
      created: ticketScan.items.filter((t) => within(t.createdAt, from, to)).length,
      resolved: ticketScan.items.filter((t) => within(t.solvedAt ?? t.closedAt, from, to)).length,
    },
    firstResponse: { averageSeconds: measured > 0 ? Math.round(totalMs / measured) / 1000 : null, measured },
    truncated: scanned.truncated || ticketScan.truncated || inRange.length > FIRST_RESPONSE_SAMPLE,
  };
}
