import { z } from 'zod';
import { isoNow } from '../clock/clock.js';
import { idSchema, tenantIdSchema } from '../schemas/common.js';
import type { Conversation } from '../schemas/conversation.js';
import type { ServiceDeps } from '../services/service-deps.js';
import { readModifyWrite } from '../util/read-modify-write.js';
import { parseInput } from '../validation/parse.js';

const readSeqSchema = z.int().min(0).max(Number.MAX_SAFE_INTEGER);
const readerSchema = z.enum(['contact', 'agent']);

/** See `ConversationService.markRead`. */
export async function markConversationRead(
  deps: ServiceDeps,
  tenantId: string,
  conversationId: string,
  reader: 'contact' | 'agent',
  seq: number,
): Promise<Conversation> {
  const tenant = parseInput(tenantIdSchema, tenantId, 'tenant id');
  const id = parseInput(idSchema, conversationId, 'conversation id');
  const who = parseInput(readerSchema, reader, 'reader');
  const upTo = parseInput(readSeqSchema, seq, 'read seq');
  const [newest] = await deps.storage.messages.list(tenant, id, { order: 'desc', limit: 1 });
  // Nobody can have read past the newest message: a larger seq is a client bug or a probe.
  const capped = Math.min(upTo, newest?.seq ?? 0);
  let moved = false;
  const { after } = await readModifyWrite<Conversation>({
    entity: 'conversation',
    id,
    load: () => deps.storage.conversations.get(tenant, id),
    change: (current) => {
      const horizon = current.readHorizon ?? { contact: 0, agent: 0 };
      moved = capped > horizon[who];
      // The same object back: nothing is written, no version bump, no event.
      if (!moved) return current;
      return { ...current, readHorizon: { ...horizon, [who]: capped }, updatedAt: isoNow(deps.clock) };
    },
    save: (changed, version) => deps.storage.conversations.update(changed, version),
  });
  if (moved) {
    await deps.bus.publish({
      type: 'conversation.read',
      tenantId: tenant,
      conversationId: id,
      reader: who,
      seq: capped,
    });
  }
  return after;
}
