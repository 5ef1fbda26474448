import type { EventsMatching } from '@hotline/core';
import type { DispatchContext } from './context.js';
import { OFFER_END_REASON, toDispatchOffer } from './notices.js';
import { requestSync } from './sync.js';
import type { TenantRuntime, Tracked } from './tenant-runtime.js';
import { returnToQueue } from './transfer.js';

/**
 * Mirrors one engine task event into core and notices. Called while the engine delivers
 * its events (synchronously, at the end of the engine call that decided), so work is queued
 * in the tenant's lane in the order the engine decided: first a sync of the conversation,
 * then the notice, which goes out only once core shows what it announces.
 */
export function onTaskEvent(ctx: DispatchContext, rt: TenantRuntime, event: EventsMatching<'task.*'>): void {
  const tracked = rt.byTask.get(event.taskId);
  if (!tracked) return;
  requestSync(ctx, rt, tracked).catch((error: unknown) =>
    ctx.report(error, { tenantId: rt.tenantId, operation: 'sync', conversationId: tracked.conversationId }),
  );
  switch (event.type) {
    case 'task.reserved': {
      const { reservationId } = event;
      void rt.lane.run(() => {
        // An offer that ended before its notice could go out is never announced (nor its end).
        const reservation = rt.state.reservations.get(reservationId);
        if (!reservation) return;
        tracked.notified.add(reservationId);
        ctx.notices.emit({ type: 'offer', offer: toDispatchOffer(rt.tenantId, tracked, reservation) });
      });
      break;
    }
    case 'task.reservation_ended':
      tracked.outcomes.set(event.agentId, event.outcome);
      queueOfferEnded(ctx, rt, tracked, event.reservationId, event.agentId, OFFER_END_REASON[event.outcome]);
      // The agent a conversation was transferred to did not take it: back to its queue.
      if (tracked.transfer?.agentId === event.agentId && event.outcome !== 'canceled') {
        rt.lane
          .run(() => returnToQueue(ctx, rt, tracked))
          .catch((error: unknown) =>
            ctx.report(error, { tenantId: rt.tenantId, operation: 'transfer', conversationId: tracked.conversationId }),
          );
      }
      break;
    case 'task.assigned':
      tracked.transfer = undefined;
      queueOfferEnded(ctx, rt, tracked, event.reservationId, event.agentId, 'accepted');
      break;
    default:
      break;
  }
}

function queueOfferEnded(
  ctx: DispatchContext,
  rt: TenantRuntime,
  tracked: Tracked,
  reservationId: string,
  agentId: string,
  reason: (typeof OFFER_END_REASON)[keyof typeof OFFER_END_REASON],
): void {
  void rt.lane.run(() => {
    if (!tracked.notified.delete(reservationId)) return;
    ctx.notices.emit({
      type: 'offer_ended',
      tenantId: rt.tenantId,
      agentId,
      reservationId,
      conversationId: tracked.conversationId,
      reason,
    });
  });
}

/** An agent's activity changed in the engine: remembered while connected, and announced. */
export function onActivityEvent(
  ctx: DispatchContext,
  rt: TenantRuntime,
  event: EventsMatching<'agent.activity_changed'>,
): void {
  // The engine may change it by itself (`missedOfferActivity`): that becomes the agent's choice.
  if (rt.connected.has(event.agentId)) rt.chosen.set(event.agentId, event.to);
  const notice = { type: 'agent' as const, tenantId: rt.tenantId, agentId: event.agentId, activity: event.to };
  void rt.lane.run(() => ctx.notices.emit(notice));
}
