import type { HistoryResult, WireMessage } from '@hotline/core';
import type { OutFrame, RequestOptions } from './transport/requests.js';

/** What a log needs of a message. */
export interface Sequenced {
  id: string;
  seq: number;
}

/**
 * One conversation's stored messages: each once (by id), in seq order, and how far the
 * sequence is known without holes (`lastSeq`), which is what a resume or a gap fill asks
 * from. Seqs may legitimately be missing on the customer side (agents' internal notes are
 * never sent to customers), so a history answer marks its whole range as known.
 */
export class MessageLog<M extends Sequenced> {
  readonly _list: M[] = [];
  /** Every seq up to here is held or known not to exist for this client. */
  _lastSeq = 0;
  /** A gap fill is running. */
  _filling = false;
  private readonly _ids = new Set<string>();
  private readonly _seqs = new Set<number>();

  /** Adds a message; returns its index, or -1 if it was already there. */
  _add(message: M): number {
    if (this._ids.has(message.id)) return -1;
    this._ids.add(message.id);
    this._seqs.add(message.seq);
    let at = this._list.length;
    while (at > 0 && (this._list[at - 1] as M).seq > message.seq) at--;
    this._list.splice(at, 0, message);
    this._cover(0);
    return at;
  }

  /** Marks every seq up to `seq` as known (a history or resume page covered it). */
  _cover(seq: number): void {
    if (seq > this._lastSeq) this._lastSeq = seq;
    while (this._seqs.has(this._lastSeq + 1)) this._lastSeq++;
  }

  /** The newest seq held. */
  get _maxSeq(): number {
    return this._list[this._list.length - 1]?.seq ?? 0;
  }

  /** A newer message arrived while an older one is missing. */
  get _gap(): boolean {
    return this._maxSeq > this._lastSeq;
  }
}

type Request = <T>(frame: OutFrame, options?: RequestOptions) => Promise<T>;

/**
 * Asks `history { afterSeq: lastSeq }` until the log has no hole, page after page; one
 * run per log at a time. `take` ingests each page.
 */
export async function catchUp<M extends Sequenced>(
  request: Request,
  conversationId: string,
  log: MessageLog<M>,
  take: (messages: WireMessage[]) => void,
): Promise<void> {
  if (log._filling) return;
  log._filling = true;
  try {
    for (;;) {
      const after = log._lastSeq;
      const page = await request<HistoryResult>({ type: 'history', conversationId, afterSeq: after }, { retry: true });
      take(page.messages);
      log._cover(page.messages[page.messages.length - 1]?.seq ?? after);
      if (log._lastSeq === after || !(page.more || log._gap)) break;
    }
  } finally {
    log._filling = false;
  }
}
