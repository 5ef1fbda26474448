import type { Actor } from '../model/actor.js';
import type { PropertyChange } from '../model/history.js';
import type { Ticket } from '../model/ticket.js';
import { type FoldedText, foldText } from './text-match.js';
import type { TicketTimeline } from './timeline.js';

/**
 * The ticket a condition reads. Every property is optional so a draft (auto-classification
 * before create) can be tested too; a missing property reads as not present.
 */
export type ConditionTicket = Readonly<Partial<Ticket>>;

/** What kind of write started the evaluation (Zendesk's "Ticket is Created / Updated"). */
export type ConditionUpdateType = 'created' | 'updated' | 'commented';

/** The write being reacted to: what `changed.*`, `update.*`, `actor.*` and `comment.*` read. */
export interface ConditionUpdate {
  type: ConditionUpdateType;
  actor: Actor;
  /** The properties the write changed (for a trigger cycle: the write plus what earlier triggers changed). */
  changes: readonly PropertyChange[];
  /** The comment the write added; `body` only when some condition reads it. */
  comment?: { public: boolean; author: 'requester' | 'agent' | 'system'; body?: string } | undefined;
  /** The write is a mail bounce or an auto-reply (see the rules guide): never notify the requester about it. */
  loop?: boolean | undefined;
}

/** Everything a compiled condition set may read. */
export interface ConditionInput {
  ticket: ConditionTicket;
  /** The write being reacted to (triggers); absent for automations and SLA policy selection. */
  update?: ConditionUpdate | undefined;
  /** The current time in epoch ms: `hours_since.*` conditions are false without it. */
  now?: number | undefined;
  /** The ticket's replayed history, for `hours_since.status.*`, `.assigned`, `.requester_updated`, `.assignee_updated`. */
  timeline?: TicketTimeline | undefined;
}

/**
 * One evaluation's view of its input, with what several conditions would otherwise
 * recompute (the tag set, folded texts) built on first use. Create one
 * per ticket state; conditions never mutate it except for these caches.
 */
export class ConditionScope {
  readonly ticket: ConditionTicket;
  readonly update: ConditionUpdate | undefined;
  readonly now: number | undefined;
  readonly timeline: TicketTimeline | undefined;
  private tagSet: ReadonlySet<string> | undefined;
  private texts: Map<string, FoldedText> | undefined;

  /**
   * @param input What the conditions read.
   * @param previous A scope of the same evaluation run (an earlier state of the ticket):
   *   its folded texts are reused, since folding depends on the text alone.
   */
  constructor(input: ConditionInput, previous?: ConditionScope) {
    this.ticket = input.ticket;
    this.update = input.update;
    this.now = input.now;
    this.timeline = input.timeline;
    this.texts = previous?.texts;
  }

  /** The ticket's tags as a set (built once). */
  tags(): ReadonlySet<string> {
    this.tagSet ??= new Set(this.ticket.tags ?? []);
    return this.tagSet;
  }

  /** `text` folded and split into words (memoised per string). */
  text(text: string): FoldedText {
    this.texts ??= new Map();
    let folded = this.texts.get(text);
    if (folded === undefined) {
      folded = foldText(text);
      this.texts.set(text, folded);
    }
    return folded;
  }

  /** The change of one property in the update, if it changed (lists are short: a scan). */
  change(property: string): PropertyChange | undefined {
    const changes = this.update?.changes;
    if (changes === undefined) return undefined;
    for (let i = 0; i < changes.length; i++)
      if ((changes[i] as PropertyChange).property === property) return changes[i];
    return undefined;
  }
}
