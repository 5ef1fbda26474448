import type { Attachment, ErrorCode } from '@hotline/core';
import { ClientError } from './errors.js';

/** The gateway's HTTP base for a WebSocket URL: `wss://h/p` → `https://h/p`. */
export function httpBase(url: string): string {
  return url
    .replace(/^ws/i, 'http')
    .replace(/[?#].*$/, '')
    .replace(/\/+$/, '');
}

/**
 * Uploads a file as the raw request body (`POST {path}/upload?conversationId=…`) and
 * returns the stored attachment. Errors keep the server's code and reason.
 */
export async function upload(
  fetchFn: typeof fetch,
  url: string,
  conversationId: string,
  token: string,
  file: Blob,
): Promise<Attachment> {
  let response: Response;
  try {
    response = await fetchFn(`${httpBase(url)}/upload?conversationId=${encodeURIComponent(conversationId)}`, {
      method: 'POST',
      body: file,
      headers: {
        'Content-Type': file.type || 'application/octet-stream',
        'X-Filename': encodeURIComponent((file as { name?: string }).name || 'file'),
        Authorization: `Bearer ${token}`,
      },
    });
  } catch (cause) {
    throw new ClientError('UNAVAILABLE', 'upload failed', { reason: 'network', cause });
  }
  const body = (await response.json().catch(() => ({}))) as {
    attachment?: Attachment;
    error?: { code?: ErrorCode; reason?: string; message?: string };
  };
  if (response.ok && body.attachment) return body.attachment;
  // The gateway answers `{ error: { code, reason, message } }`; a proxy in between may not.
  const { status } = response;
  const { code = status === 413 ? 'PAYLOAD_TOO_LARGE' : 'UNAVAILABLE', reason, message } = body.error ?? {};
  throw new ClientError(code, message ?? `upload failed (HTTP ${status})`, { reason, details: { status } });
}
