import type { ServerFrame } from '@hotline/core';

// Light structural checks instead of the zod schemas (no room in the widget's budget):
// enough that the client never trips over a frame it would misread. `key:kind`, where
// kind is s(tring) n(umber) b(oolean) o(bject) a(rray).
const MESSAGE = 'id:s conversationId:s seq:n author:o content:o';
const FRAMES: Record<string, string> = {
  reply: 're:s',
  error: 'code:s message:s',
  pong: '',
  message: 'message:o',
  messages: 'conversationId:s messages:a more:b',
  typing: 'conversationId:s author:o on:b',
  read: 'conversationId:s read:o',
  conversation: 'conversation:o',
  offer: 'offer:o',
  offer_ended: 'reservationId:s reason:s',
  stats: 'stats:o',
  bye: 'reason:s',
};
const NESTED: Record<string, [string, string]> = {
  message: ['message', MESSAGE],
  conversation: ['conversation', 'id:s status:s lastSeq:n read:o'],
  offer: ['offer', 'reservationId:s conversationId:s'],
  stats: ['stats', 'queues:a agents:a at:n'],
};
const KINDS: Record<string, string> = { s: 'string', n: 'number', b: 'boolean', o: 'object' };

function shaped(value: unknown, spec: string): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  for (const field of spec.split(' ')) {
    if (!field) continue;
    const [key = '', kind = ''] = field.split(':');
    const v = (value as Record<string, unknown>)[key];
    if (kind === 'a' ? !Array.isArray(v) : typeof v !== KINDS[kind] || v === null) return false;
  }
  return true;
}

/** A frame as it goes on the wire. */
export function encode(frame: object): string {
  return JSON.stringify(frame);
}

/**
 * Parses a server frame, or returns `undefined` for anything that is not an object with
 * a known `type` and the fields the client reads (binary data, bad JSON, a `message`
 * without a `seq`…).
 */
export function decode(data: unknown): ServerFrame | undefined {
  if (typeof data !== 'string') return undefined;
  let frame: unknown;
  try {
    frame = JSON.parse(data);
  } catch {
    return undefined;
  }
  const type = String((frame as { type?: unknown } | null)?.type);
  // Inherited names (`constructor`, `toString`) are functions, never a spec string.
  const spec = FRAMES[type];
  if (typeof spec !== 'string' || !shaped(frame, spec)) return undefined;
  const nested = NESTED[type];
  if (nested && !shaped(frame[nested[0]], nested[1])) return undefined;
  if (type === 'messages' && !(frame['messages'] as unknown[]).every((m) => shaped(m, MESSAGE))) return undefined;
  return frame as unknown as ServerFrame;
}
