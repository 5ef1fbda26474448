import { InMemoryEventBus, type OpeningWindow, SimulatedClock, type TimerScheduler } from '@hotline/core';
import type { Actor } from '../model/actor.js';
import type { HistoryEntry, PropertyChange } from '../model/history.js';
import type { WriteResult } from '../model/ports.js';
import type { FieldValue, Ticket, TicketPriority, TicketStatus } from '../model/ticket.js';
import type { SlaCalendars, SlaEntryMeta } from './compute.js';
import type { SlaEscalationPort, SlaNotification, SlaTicketChanges } from './escalation.js';
import { SlaMonitor } from './monitor.js';

// Test helpers: tickets with histories written the way the ticket service writes them
// (one entry per write, `version` = ticket version after it, changes with from/to), so SLA
// replay is tested without the service.

/** An instant: epoch ms, or an ISO string with an explicit offset. */
export type When = number | string;

const ms = (when: When) => (typeof when === 'number' ? when : Date.parse(when));

/** What one write changes. */
export interface StoryWrite {
  status?: TicketStatus;
  priority?: TicketPriority;
  groupId?: string;
  assigneeId?: string | null;
  tags?: string[];
  fields?: Record<string, FieldValue>;
  comment?: { author: 'agent' | 'requester' | 'system'; public: boolean };
  actor?: Actor;
  kind?: HistoryEntry['kind'];
  meta?: Record<string, unknown>;
}

/** Options of the creating write. */
export interface StoryStart {
  at: When;
  tenantId?: string;
  id?: string;
  priority?: TicketPriority;
  status?: TicketStatus;
  groupId?: string;
  tags?: string[];
  fields?: Record<string, FieldValue>;
  /** Who wrote the first comment. @default 'requester' */
  by?: 'agent' | 'requester';
}

let counter = 0;

/**
 * A ticket and its history, written step by step.
 *
 * @example
 * ```ts
 * const story = new TicketStory({ at: '2026-03-02T09:00:00+01:00', priority: 'high' })
 *   .agentReply('2026-03-02T10:00:00+01:00')
 *   .write('2026-03-02T10:05:00+01:00', { status: 'pending' });
 * computeSla(story.ticket, story.history, policies, calendars, now);
 * ```
 */
export class TicketStory {
  ticket: Ticket;
  readonly history: HistoryEntry[] = [];

  constructor(start: StoryStart) {
    const at = new Date(ms(start.at)).toISOString();
    const id = start.id ?? `tkt_${++counter}`;
    const tenantId = start.tenantId ?? 'ten_1';
    this.ticket = {
      id,
      tenantId,
      version: 1,
      number: counter,
      subject: 'Help',
      status: start.status ?? 'new',
      priority: start.priority ?? 'normal',
      requesterId: 'con_1',
      ...(start.groupId !== undefined ? { groupId: start.groupId } : {}),
      tags: start.tags ?? [],
      fields: { ...start.fields },
      source: { kind: 'api' },
      conversationIds: [],
      links: [],
      attributes: {},
      createdAt: at,
      updatedAt: at,
    };
    const by = start.by ?? 'requester';
    this.history.push({
      tenantId,
      ticketId: id,
      version: 1,
      at,
      actor: by === 'agent' ? { type: 'agent', id: 'agt_1' } : { type: 'requester', id: 'con_1' },
      kind: 'created',
      changes: [{ property: 'status', from: undefined, to: this.ticket.status }],
      comment: { id: `cmt_${id}_1`, public: true, author: by },
      depth: 0,
    });
  }

  /** Appends one write at `when`. */
  write(when: When, write: StoryWrite): this {
    const at = new Date(ms(when)).toISOString();
    const changes: PropertyChange[] = [];
    const next = { ...this.ticket, fields: { ...this.ticket.fields } } as Record<string, unknown>;
    const set = (property: string, value: unknown) => {
      const from = property.startsWith('fields.')
        ? this.ticket.fields[property.slice(7)]
        : (this.ticket as unknown as Record<string, unknown>)[property];
      if (JSON.stringify(from) === JSON.stringify(value)) return;
      changes.push({ property, from, to: value });
      if (property.startsWith('fields.')) (next.fields as Record<string, unknown>)[property.slice(7)] = value;
      else if (value === undefined) delete next[property];
      else next[property] = value;
    };
    if (write.status !== undefined) set('status', write.status);
    if (write.priority !== undefined) set('priority', write.priority);
    if (write.groupId !== undefined) set('groupId', write.groupId);
    if (write.assigneeId !== undefined) set('assigneeId', write.assigneeId ?? undefined);
    if (write.tags !== undefined) set('tags', write.tags);
    for (const [key, value] of Object.entries(write.fields ?? {})) set(`fields.${key}`, value);
    const version = this.ticket.version + 1;
    next.version = version;
    next.updatedAt = at;
    this.ticket = next as unknown as Ticket;
    const author = write.comment?.author;
    this.history.push({
      tenantId: this.ticket.tenantId,
      ticketId: this.ticket.id,
      version,
      at,
      actor:
        write.actor ?? (author === 'requester' ? { type: 'requester', id: 'con_1' } : { type: 'agent', id: 'agt_1' }),
      kind: write.kind ?? (write.comment ? 'commented' : 'updated'),
      changes,
      ...(write.comment ? { comment: { id: `cmt_${this.ticket.id}_${version}`, ...write.comment } } : {}),
      depth: 0,
      ...(write.meta ? { meta: write.meta } : {}),
    });
    return this;
  }

  /** A public agent comment, optionally with changes (`{ status: 'pending' }`). */
  agentReply(when: When, write: Omit<StoryWrite, 'comment'> = {}): this {
    return this.write(when, { ...write, comment: { author: 'agent', public: true } });
  }

  /** An internal agent note (does not count as a reply). */
  internalNote(when: When): this {
    return this.write(when, { comment: { author: 'agent', public: false } });
  }

  /** A public requester comment; reopens like the lifecycle does when `status` is given. */
  requesterReply(when: When, write: Omit<StoryWrite, 'comment'> = {}): this {
    return this.write(when, { ...write, comment: { author: 'requester', public: true } });
  }

  /** A status change. */
  status(when: When, status: TicketStatus): this {
    return this.write(when, { status });
  }

  /** What the ticket service does for `SlaEscalationPort.update`. */
  slaWrite(when: When, policyId: string, changes: SlaTicketChanges, meta: SlaEntryMeta): this {
    return this.write(when, {
      ...(changes.priority !== undefined ? { priority: changes.priority } : {}),
      ...(changes.groupId !== undefined ? { groupId: changes.groupId } : {}),
      ...(changes.assigneeId !== undefined ? { assigneeId: changes.assigneeId } : {}),
      actor: { type: 'sla', id: policyId },
      kind: 'sla',
      meta: { ...meta },
    });
  }
}

/** Weekly hours with the same windows Monday to Friday. */
export function weekdays(windows: OpeningWindow[]): Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri', OpeningWindow[]> {
  return { mon: windows, tue: windows, wed: windows, thu: windows, fri: windows };
}

/** Weekly hours with the same windows every day. */
export function everyDay(
  windows: OpeningWindow[],
): Record<'mon' | 'tue' | 'wed' | 'thu' | 'fri' | 'sat' | 'sun', OpeningWindow[]> {
  return { ...weekdays(windows), sat: windows, sun: windows };
}

/** Epoch ms of an ISO string with offset (tests read better with explicit offsets). */
export const at = (iso: string): number => Date.parse(iso);
/** ISO of epoch ms (or undefined), for readable assertions. */
export const iso = (value: number | undefined): string | undefined =>
  value === undefined ? undefined : new Date(value).toISOString();

/** What the harness saw fire: an SLA bus event, at the simulated instant it was published. */
export interface FiredEvent {
  type: 'ticket.sla_warning' | 'ticket.sla_breached';
  ticketId: string;
  metric: string;
  policyId: string;
  dueAt: string;
  /** ISO instant of the simulated clock when it fired. */
  at: string;
}

/** Options of {@link SlaHarness}. */
export interface SlaHarnessOptions {
  start: When;
  policies: readonly unknown[];
  calendars?: SlaCalendars;
  timers?: (clock: SimulatedClock) => TimerScheduler;
  /** Tickets the monitor's `loadOpen` returns (defaults to every story). */
  openTickets?: () => TicketStory[];
  /** Whether the port stores SLA events in the history (a broken port does not). @default true */
  record?: boolean;
}

/**
 * A monitor wired to in-memory stories the way the ticket service wires it: `update`
 * appends the `sla` entry (with its changes) and runs the after-write hook.
 */
export class SlaHarness {
  readonly clock: SimulatedClock;
  readonly bus: InMemoryEventBus;
  readonly fired: FiredEvent[] = [];
  readonly notifications: Array<SlaNotification & { at: string }> = [];
  readonly errors: unknown[] = [];
  readonly stories = new Map<string, TicketStory>();
  policies: readonly unknown[];
  calendars: SlaCalendars;
  readonly monitor: SlaMonitor;
  readonly scheduler: TimerScheduler | undefined;

  constructor(options: SlaHarnessOptions, shared?: { stories: Map<string, TicketStory>; clock: SimulatedClock }) {
    this.clock = shared?.clock ?? new SimulatedClock(ms(options.start));
    if (shared) for (const [id, story] of shared.stories) this.stories.set(id, story);
    this.bus = new InMemoryEventBus({ clock: this.clock });
    this.policies = options.policies;
    this.calendars = options.calendars ?? {};
    this.bus.subscribe('ticket.*', (event) => {
      if (event.type !== 'ticket.sla_warning' && event.type !== 'ticket.sla_breached') return;
      this.fired.push({
        type: event.type,
        ticketId: event.ticketId,
        metric: event.metric,
        policyId: event.policyId,
        dueAt: event.dueAt,
        at: new Date(this.clock.now()).toISOString(),
      });
    });
    this.scheduler = options.timers?.(this.clock);
    const port: SlaEscalationPort = {
      update: async (ctx, ticketId, write) => {
        const story = this.stories.get(ticketId);
        if (!story) throw new Error(`no ticket ${ticketId}`);
        if (options.record === false) return;
        story.slaWrite(this.clock.now(), ctx.actor.type === 'sla' ? ctx.actor.id : 'x', write.changes, write.meta);
        await this.monitor.hook.afterWrite(this.result(story));
      },
      notify: async (_ctx, notification) => {
        this.notifications.push({ ...notification, at: new Date(this.clock.now()).toISOString() });
      },
    };
    this.monitor = new SlaMonitor({
      clock: this.clock,
      bus: this.bus,
      config: () => ({ policies: this.policies, calendars: this.calendars }),
      tickets: {
        load: async (_tenantId, ticketId) => {
          const story = this.stories.get(ticketId);
          return story ? { ticket: story.ticket, history: story.history } : undefined;
        },
        loadOpen: () =>
          (options.openTickets?.() ?? [...this.stories.values()])
            .filter((story) => story.ticket.status !== 'closed' && story.ticket.status !== 'merged')
            .map((story) => ({ ticket: story.ticket, history: story.history })),
      },
      actions: port,
      ...(this.scheduler ? { timers: this.scheduler } : {}),
      onError: (error) => this.errors.push(error),
    });
  }

  private result(story: TicketStory): WriteResult {
    const entry = story.history[story.history.length - 1] as HistoryEntry;
    return { ticket: story.ticket, entry, context: { tenantId: story.ticket.tenantId, actor: entry.actor, depth: 0 } };
  }

  async start(): Promise<this> {
    await this.scheduler?.start();
    await this.monitor.start();
    return this;
  }

  async stop(): Promise<void> {
    await this.monitor.stop();
    await this.scheduler?.stop();
  }

  /** Creates a ticket at the current simulated time (or `start.at`) and runs the hook. */
  async create(start: Omit<StoryStart, 'at'> & { at?: When }): Promise<TicketStory> {
    const story = new TicketStory({ ...start, at: start.at ?? this.clock.now() });
    this.stories.set(story.ticket.id, story);
    await this.monitor.hook.afterWrite(this.result(story));
    return story;
  }

  /** One write at the current simulated time, then the hook. */
  async write(story: TicketStory, write: StoryWrite): Promise<void> {
    story.write(this.clock.now(), write);
    await this.monitor.hook.afterWrite(this.result(story));
  }

  /** Advances the simulated clock to `when`, firing what comes due on the way. */
  async advanceTo(when: When): Promise<void> {
    await this.clock.advanceTo(ms(when));
  }
}
