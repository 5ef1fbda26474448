import type { IncomingMessage } from 'node:http';
import type { IdGenerator } from '@hotline/core';

const CLIENT_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The request's id for logs and the `X-Request-Id` response header: the caller's (a proxy
 * or a client correlating its own logs) when it is a short, plain token, else a new one.
 */
export function requestIdOf(req: IncomingMessage, ids: IdGenerator): string {
  const given = req.headers['x-request-id'];
  return typeof given === 'string' && CLIENT_REQUEST_ID.test(given) ? given : ids.next('req');
}
