import { type Clock, HotlineError, UnavailableError } from '@hotline/core';

/** The `fetch` shape the relay and the CRM client call (inject one for proxies or tests). */
export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

/** A response whose body was read up to a byte limit. */
export interface BoundedResponse {
  status: number;
  headers: Headers;
  /** The body as text, cut at the limit. */
  body: string;
  truncated: boolean;
}

/** Limits of one request. */
export interface RequestLimits {
  clock: Clock;
  /** Abort after this many ms (answer and body included). */
  timeoutMs: number;
  /** Read at most this many body bytes; the rest is discarded. */
  maxBodyBytes: number;
}

/**
 * One HTTP request with a hard deadline on the clock, no redirects followed, and a bounded
 * body read: a hanging or huge answer costs at most `timeoutMs` and `maxBodyBytes`.
 *
 * @throws HotlineError `TIMEOUT` when the deadline passed; `UnavailableError` when the
 *   request failed (DNS, refused, reset).
 */
export async function boundedRequest(
  fetchImpl: FetchLike,
  url: string,
  init: RequestInit,
  limits: RequestLimits,
): Promise<BoundedResponse> {
  const controller = new AbortController();
  let timedOut = false;
  const aborted = new Promise<never>((_, reject) => {
    controller.signal.addEventListener('abort', () => reject(controller.signal.reason), { once: true });
  });
  // Keeps an unobserved rejection from surfacing when the request finished first.
  aborted.catch(() => {});
  const timer = limits.clock.setTimer(() => {
    timedOut = true;
    controller.abort(new Error(`timed out after ${limits.timeoutMs} ms`));
  }, limits.timeoutMs);
  try {
    // Racing the abort keeps the deadline even for an injected fetch that ignores signals.
    const response = await Promise.race([
      fetchImpl(url, { ...init, redirect: 'manual', signal: controller.signal }),
      aborted,
    ]);
    const { body, truncated } = await Promise.race([readBounded(response, limits.maxBodyBytes), aborted]);
    return { status: response.status, headers: response.headers, body, truncated };
  } catch (error) {
    if (timedOut) {
      throw new HotlineError('TIMEOUT', `no answer from ${safeOrigin(url)} within ${limits.timeoutMs} ms`, {
        cause: error,
      });
    }
    throw new UnavailableError(`request to ${safeOrigin(url)} failed: ${describe(error)}`, { cause: error });
  } finally {
    limits.clock.clearTimer(timer);
    if (!controller.signal.aborted) controller.abort(new Error('request finished'));
  }
}

async function readBounded(response: Response, maxBytes: number): Promise<{ body: string; truncated: boolean }> {
  if (!response.body) return { body: '', truncated: false };
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let body = '';
  let read = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return { body: body + decoder.decode(), truncated: false };
    const room = maxBytes - read;
    if (value.byteLength > room) {
      body += decoder.decode(value.subarray(0, room));
      await reader.cancel().catch(() => {});
      return { body, truncated: true };
    }
    read += value.byteLength;
    body += decoder.decode(value, { stream: true });
  }
}

/** The origin of a URL, for messages: never the path or query, which may carry tokens. */
export function safeOrigin(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return '(invalid URL)';
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const cause = (error as { cause?: unknown }).cause;
    const code = cause && typeof cause === 'object' && 'code' in cause ? ` (${String(cause.code)})` : '';
    return `${error.message}${code}`;
  }
  return String(error);
}
