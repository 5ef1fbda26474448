import type { IncomingMessage } from 'node:http';
import { HotlineError, ValidationError } from '@hotline/core';

function tooLarge(limitBytes: number): HotlineError {
  return new HotlineError('PAYLOAD_TOO_LARGE', `request body exceeds ${limitBytes} bytes`, {
    details: { limitBytes },
  });
}

/**
 * Reads a JSON request body of at most `limitBytes`. An empty body is `undefined` (the
 * route's schema decides whether that is allowed). The limit is enforced while reading, so
 * a client lying about `Content-Length` cannot make the server buffer more.
 *
 * @throws HotlineError `PAYLOAD_TOO_LARGE` over the limit; ValidationError for a body
 *   that is not JSON or not sent as `application/json`.
 */
export async function readJsonBody(req: IncomingMessage, limitBytes: number): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? 0);
  if (declared > limitBytes) {
    req.resume();
    throw tooLarge(limitBytes);
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limitBytes) {
      req.resume();
      throw tooLarge(limitBytes);
    }
    chunks.push(chunk as Buffer);
  }
  if (size === 0) return undefined;
  const type = String(req.headers['content-type'] ?? '').toLowerCase();
  if (!type.startsWith('application/json')) {
    throw new ValidationError('request bodies must be application/json', [
      { path: '', message: 'expected content-type application/json', code: 'unsupported_media_type' },
    ]);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
  } catch {
    throw new ValidationError('request body is not valid JSON', [
      { path: '', message: 'malformed JSON', code: 'malformed_json' },
    ]);
  }
}
