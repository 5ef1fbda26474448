import { createHmac, timingSafeEqual } from 'node:crypto';
import { systemClock } from '@hotline/core';

/** The header carrying the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'X-Hotline-Signature';

/** How far a signature's timestamp may be from the receiver's clock, in seconds. */
export const DEFAULT_SIGNATURE_TOLERANCE_SEC = 300;

function hmacHex(secret: string, timestamp: number, body: string | Uint8Array): string {
  const mac = createHmac('sha256', secret);
  mac.update(`${timestamp}.`, 'utf8');
  mac.update(body);
  return mac.digest('hex');
}

/**
 * The `X-Hotline-Signature` value for a body sent at `timestampSec`: HMAC-SHA256 under the
 * subscription's secret over `${t}.${rawBody}`, in lowercase hex.
 *
 * @example
 * ```ts
 * signWebhookPayload(secret, 1767225600, '{"id":"whd_1"}'); // 't=1767225600,v1=5d1e…'
 * ```
 */
export function signWebhookPayload(secret: string, timestampSec: number, body: string | Uint8Array): string {
  return `t=${timestampSec},v1=${hmacHex(secret, timestampSec, body)}`;
}

/** Why a signature did not verify. */
export type WebhookSignatureFailure = 'malformed' | 'timestamp_out_of_range' | 'signature_mismatch';

/** The outcome of {@link verifyWebhookSignature}. */
export type WebhookSignatureCheck =
  | { valid: true /** The signed time, unix seconds. */; timestamp: number }
  | { valid: false; reason: WebhookSignatureFailure };

/** Input of {@link verifyWebhookSignature}. */
export interface VerifyWebhookSignatureInput {
  /** The subscription's secret; several while rotating (any one may match). */
  secret: string | readonly string[];
  /** The `X-Hotline-Signature` header as received. */
  header: string | null | undefined;
  /** The raw request body, exactly as received (not re-serialised JSON). */
  body: string | Uint8Array;
  /** Largest distance between the signed time and `now`, in seconds. @default 300 */
  toleranceSec?: number;
  /** The receiver's time, ms since the epoch. @default Date.now() */
  now?: number;
}

const SIGNATURE_PART = /^v1=([0-9a-f]{64})$/;

/**
 * Checks a webhook on the receiving side: the header parses, its timestamp is within
 * `toleranceSec` of `now` (a captured request cannot be replayed later), and one `v1`
 * signature equals the HMAC under one secret, compared in constant time.
 *
 * @example
 * ```ts
 * const raw = await readRawBody(req); // the bytes, before any JSON parsing
 * const check = verifyWebhookSignature({ secret, header: req.headers['x-hotline-signature'], body: raw });
 * if (!check.valid) return res.writeHead(400).end(check.reason);
 * ```
 */
export function verifyWebhookSignature(input: VerifyWebhookSignatureInput): WebhookSignatureCheck {
  const { header, body } = input;
  if (typeof header !== 'string' || header.length > 4096) return { valid: false, reason: 'malformed' };
  let timestamp: number | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const trimmed = part.trim();
    if (trimmed.startsWith('t=')) {
      if (!/^t=\d{1,12}$/.test(trimmed)) return { valid: false, reason: 'malformed' };
      timestamp = Number(trimmed.slice(2));
      continue;
    }
    const match = SIGNATURE_PART.exec(trimmed);
    if (match?.[1]) signatures.push(match[1]);
  }
  if (timestamp === undefined || signatures.length === 0) return { valid: false, reason: 'malformed' };
  const toleranceSec = input.toleranceSec ?? DEFAULT_SIGNATURE_TOLERANCE_SEC;
  const nowSec = Math.floor((input.now ?? systemClock.now()) / 1000);
  if (Math.abs(nowSec - timestamp) > toleranceSec) return { valid: false, reason: 'timestamp_out_of_range' };
  const secrets = typeof input.secret === 'string' ? [input.secret] : input.secret;
  let matched = false;
  for (const secret of secrets) {
    const expected = Buffer.from(hmacHex(secret, timestamp, body), 'utf8');
    for (const signature of signatures) {
      // Every pair is compared (no early exit), so timing says nothing about which matched.
      if (timingSafeEqual(expected, Buffer.from(signature, 'utf8'))) matched = true;
    }
  }
  return matched ? { valid: true, timestamp } : { valid: false, reason: 'signature_mismatch' };
}
