import { type AgentFrame, agentFrameSchema, type CustomerFrame, customerFrameSchema } from '@hotline/core';
import { parseTextSend } from './send-frame.js';
import { CLOSE_CODES, WireFault } from './wire-errors.js';

/** Which side a connection speaks for. */
export type ConnectionRole = 'customer' | 'agent';

/** A decoded frame of either side. */
export type ClientFrame = CustomerFrame | AgentFrame;

const MAX_ISSUE_MESSAGE = 200;
/** Deepest nesting of objects and arrays a frame may have (real frames need about 6). */
export const MAX_NESTING = 32;

/**
 * Decodes one text frame: JSON, then the side's schema. Throws a {@link WireFault}
 * (`VALIDATION_FAILED` with `malformed_json`, `hello_required` or `invalid_frame`) and
 * never echoes the input back.
 */
export function decodeFrame(text: string, role: ConnectionRole, authenticated: boolean): ClientFrame {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new WireFault('VALIDATION_FAILED', 'malformed_json', 'frame is not valid JSON');
  }
  // Validators recurse: a frame of a few kilobytes of brackets would exhaust the stack.
  if (mayNestDeeper(text, MAX_NESTING) && nestingDepth(text) > MAX_NESTING) {
    throw withRequestId(
      new WireFault('VALIDATION_FAILED', 'invalid_frame', `frames nest at most ${MAX_NESTING} levels deep`),
      raw,
    );
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new WireFault('VALIDATION_FAILED', 'invalid_frame', 'a frame is a JSON object with a type');
  }
  const type = (raw as { type?: unknown }).type;
  if (!authenticated && type !== 'hello') {
    throw new WireFault('VALIDATION_FAILED', 'hello_required', 'the first frame must be hello', {
      fatal: true,
      closeCode: CLOSE_CODES.protocol,
    });
  }
  const send = type === 'send' ? parseTextSend(raw as Record<string, unknown>, role) : undefined;
  if (send) return send;
  const schema = role === 'customer' ? customerFrameSchema : agentFrameSchema;
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : 'type';
  const message = `invalid ${typeof type === 'string' ? type.slice(0, 32) : ''} frame: ${where}: ${issue?.message ?? 'invalid'}`;
  const fault = new WireFault('VALIDATION_FAILED', 'invalid_frame', message.slice(0, MAX_ISSUE_MESSAGE), {
    // A hello the server cannot read leaves the connection without identity: nothing else can follow.
    ...(type === 'hello' && !authenticated ? { fatal: true, closeCode: CLOSE_CODES.protocol } : {}),
  });
  throw withRequestId(fault, raw);
}

/** The `id` of a frame that failed validation, when it is a usable request id, so the error answers it. */
export function requestIdOf(raw: unknown): string | undefined {
  const id = typeof raw === 'object' && raw !== null ? (raw as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id.length > 0 && id.length <= 64 ? id : undefined;
}

/** A fault carrying the request id to answer. */
export interface AnsweringFault extends WireFault {
  re?: string;
}

function withRequestId(fault: WireFault, raw: unknown): AnsweringFault {
  const re = requestIdOf(raw);
  if (re !== undefined) (fault as AnsweringFault).re = re;
  return fault;
}

/**
 * Whether a JSON text has more than `max` opening brackets (those in strings too), the
 * least it takes to nest deeper than `max`. Native `indexOf` scans: real frames have a
 * handful, so the exact scan below runs only for the odd large one.
 */
function mayNestDeeper(text: string, max: number): boolean {
  let count = 0;
  for (const bracket of ['{', '[']) {
    for (let at = text.indexOf(bracket); at >= 0; at = text.indexOf(bracket, at + 1)) {
      if (++count > max) return true;
    }
  }
  return false;
}

/** How deeply a JSON text nests objects and arrays (brackets inside strings do not count). */
export function nestingDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c)
        i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) {
      inString = true;
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
      if (depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
    }
  }
  return max;
}
