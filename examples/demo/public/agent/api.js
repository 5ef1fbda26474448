/**
 * `fetch` to the Hotline REST API (`/api/v1/...`) with the signed-in agent's access token.
 * Errors come back as {@link ApiError} with the server's stable error code.
 */
import { getSession } from './session.js';

/** A failed API call: the HTTP status and the server's `{ error: { code, message, details } }`. */
export class ApiError extends Error {
  constructor(status, code, message, details) {
    super(message);
    this.name = 'ApiError';
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

let unauthorized = () => {};

/** What to do when the server no longer takes the token (401): usually sign out. */
export function onUnauthorized(handler) {
  unauthorized = handler;
}

/**
 * Calls `/api/v1${path}`. `query` values that are undefined or '' are left out; `body` is
 * sent as JSON. Resolves with the parsed JSON (undefined for 204).
 */
export async function api(path, { method = 'GET', query, body, signal } = {}) {
  const url = new URL(`/api/v1${path}`, location.origin);
  for (const [key, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
  }
  const headers = { accept: 'application/json', authorization: `Bearer ${getSession()?.accessToken ?? ''}` };
  if (body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(url, {
    method,
    headers,
    body: body === undefined ? undefined : JSON.stringify(body),
    signal,
  });
  const data = res.status === 204 ? undefined : await res.json().catch(() => undefined);
  if (!res.ok) {
    if (res.status === 401) unauthorized();
    const error = data?.error ?? {};
    throw new ApiError(res.status, error.code ?? `HTTP_${res.status}`, error.message ?? res.statusText, error.details);
  }
  return data;
}

/** The records of a list answer (`{ items }`, or a bare array). */
export function itemsOf(data) {
  if (Array.isArray(data)) return data;
  return Array.isArray(data?.items) ? data.items : [];
}

/** A short, readable sentence for an error of the API or of the client SDK. */
export function errorText(error) {
  if (!error) return 'Something went wrong.';
  const code = error.code ? ` (${error.code})` : '';
  return `${error.message || 'Something went wrong.'}${code}`;
}
