import type { DispatchNotice, DispatchOffer, Unsubscribe } from '@hotline/core';
import type { Reservation } from '../engine/reservation.js';
import type { OfferOutcome, Tracked } from './tenant-runtime.js';

/** The reason an `offer_ended` notice gives, by how the offer ended. */
export const OFFER_END_REASON: Record<
  OfferOutcome | 'accepted',
  Extract<DispatchNotice, { type: 'offer_ended' }>['reason']
> = {
  accepted: 'accepted',
  rejected: 'rejected',
  timed_out: 'timeout',
  withdrawn: 'withdrawn',
  canceled: 'canceled',
};

/** Delivers notices to every listener; one that throws affects no other. */
export class NoticeHub {
  private readonly listeners = new Set<(notice: DispatchNotice) => void>();

  constructor(private readonly onListenerError: (error: unknown, notice: DispatchNotice) => void) {}

  subscribe(listener: (notice: DispatchNotice) => void): Unsubscribe {
    // A wrapper per subscription: subscribing one function twice gives two independent subscriptions.
    const entry = (notice: DispatchNotice) => listener(notice);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  emit(notice: DispatchNotice): void {
    for (const listener of [...this.listeners]) {
      try {
        listener(notice);
      } catch (error) {
        this.onListenerError(error, notice);
      }
    }
  }

  clear(): void {
    this.listeners.clear();
  }
}

/** The offer a pending reservation stands for, as channels show it. */
export function toDispatchOffer(tenantId: string, tracked: Tracked, reservation: Reservation): DispatchOffer {
  const { task } = reservation;
  return {
    tenantId,
    reservationId: reservation.id,
    agentId: reservation.agent.id,
    conversationId: tracked.conversationId,
    channel: task.channel,
    queueId: task.queue.id,
    expiresAt: reservation.expiresAt,
    attributes: task.attributes,
  };
}
