import {
  type Clock,
  ConflictError,
  ForbiddenError,
  type HotlineError,
  NotFoundError,
  systemClock,
  UnavailableError,
  ValidationError,
} from '@hotline/core';
import type { z } from 'zod';
import { boundedRequest, type FetchLike } from '../webhooks/http-request.js';
import { positiveInt } from '../webhooks/runtime.js';
import {
  type CrmChanges,
  type CrmClient,
  type CrmRecord,
  type CrmUpsert,
  crmChangesSchema,
  crmRecordSchema,
} from './crm-client.js';

/** Options of {@link createHttpCrmClient}. */
export interface HttpCrmClientOptions {
  /** The API root, e.g. `https://crm.example.com/api`. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`. */
  token: string;
  /** @default globalThis.fetch */
  fetch?: FetchLike;
  /** A request is aborted after this many ms (`TIMEOUT`). @default 10000 */
  timeoutMs?: number;
  /** Times the timeout. @default systemClock */
  clock?: Clock;
}

/** Most bytes read from one CRM answer. */
const MAX_CRM_RESPONSE_BYTES = 4 * 1024 * 1024;

/**
 * A {@link CrmClient} over a simple REST shape (JSON bodies, bearer token):
 *
 * | call | request | answer |
 * | --- | --- | --- |
 * | `get` | `GET /objects/{object}/{id}` | 200 record, 404 |
 * | `findBy` | `GET /objects/{object}/by/{field}/{value}` | 200 record, 404 |
 * | `upsert` by id | `PUT /objects/{object}/{id}` `{ fields }` | 200/201 record |
 * | `upsert` by key | `PUT /objects/{object}/by/{field}/{value}` `{ fields }` | 200/201 record |
 * | `upsert` new | `POST /objects/{object}` `{ fields }` | 201 record |
 * | `listChangedSince` | `GET /objects/{object}/changes?cursor=&limit=` | 200 `{ records, cursor, hasMore }` |
 *
 * A record is `{ id, updatedAt, fields, fieldUpdatedAt? }`. Errors: 401/403 →
 * `ForbiddenError`, 404 on a write → `NotFoundError`, 409 → `ConflictError`, other 4xx →
 * `ValidationError`, 429/5xx/network → `UnavailableError`, no answer in time → `TIMEOUT`.
 * Redirects are not followed.
 *
 * @example
 * ```ts
 * const client = createHttpCrmClient({ baseUrl: 'https://crm.example.com/api', token: process.env.CRM_TOKEN });
 * ```
 */
export function createHttpCrmClient(options: HttpCrmClientOptions): CrmClient {
  let base: URL;
  try {
    base = new URL(options.baseUrl.endsWith('/') ? options.baseUrl : `${options.baseUrl}/`);
  } catch {
    throw new ValidationError('baseUrl must be an absolute URL', [{ path: 'baseUrl', message: 'an absolute URL' }]);
  }
  if (base.protocol !== 'http:' && base.protocol !== 'https:') {
    throw new ValidationError('baseUrl must be http or https', [{ path: 'baseUrl', message: 'http or https only' }]);
  }
  if (typeof options.token !== 'string' || options.token.length === 0 || /[\r\n]/.test(options.token)) {
    throw new ValidationError('token must be a non-empty single line', [{ path: 'token', message: 'required' }]);
  }
  const fetchImpl: FetchLike = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const timeoutMs = positiveInt('timeoutMs', options.timeoutMs ?? 10_000);
  const clock = options.clock ?? systemClock;

  const path = (...segments: string[]) => new URL(segments.map(encodeURIComponent).join('/'), base).toString();

  async function call<S extends z.ZodType>(
    method: string,
    url: string,
    schema: S,
    body?: unknown,
  ): Promise<z.output<S> | undefined> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      Authorization: `Bearer ${options.token}`,
      'User-Agent': 'Hotline-CRM-Sync/1',
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    const response = await boundedRequest(
      fetchImpl,
      url,
      body === undefined ? { method, headers } : { method, headers, body: JSON.stringify(body) },
      { clock, timeoutMs, maxBodyBytes: MAX_CRM_RESPONSE_BYTES },
    );
    const { status } = response;
    if (status === 404 && method === 'GET') return undefined;
    if (status < 200 || status >= 300) throw errorFor(method, url, status, response.body);
    let json: unknown;
    try {
      json = JSON.parse(response.body);
    } catch {
      json = undefined;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success || response.truncated) {
      throw new UnavailableError(`CRM answered ${method} ${new URL(url).pathname} with a malformed body`, {
        details: { reason: 'malformed_response' },
      });
    }
    return parsed.data;
  }

  async function write(method: string, url: string, fields: CrmUpsert['fields']): Promise<CrmRecord> {
    return (await call(method, url, crmRecordSchema, { fields })) as CrmRecord;
  }

  return {
    get: async (object, id) =>
      (await call('GET', path('objects', object, id), crmRecordSchema)) as CrmRecord | undefined,
    findBy: async (object, field, value) =>
      (await call('GET', path('objects', object, 'by', field, value), crmRecordSchema)) as CrmRecord | undefined,
    upsert(object, record) {
      if (record.id !== undefined) return write('PUT', path('objects', object, record.id), record.fields);
      if (record.key)
        return write('PUT', path('objects', object, 'by', record.key.field, record.key.value), record.fields);
      return write('POST', path('objects', object), record.fields);
    },
    async listChangedSince(object, cursor, limit = 100) {
      const url = new URL(path('objects', object, 'changes'));
      if (cursor !== undefined) url.searchParams.set('cursor', cursor);
      url.searchParams.set('limit', String(limit));
      return (await call('GET', url.toString(), crmChangesSchema)) as CrmChanges;
    },
  };
}

function errorFor(method: string, url: string, status: number, body: string): HotlineError {
  const where = `${method} ${new URL(url).pathname}`;
  const message = `CRM answered ${where} with ${status}${body ? `: ${body.slice(0, 200)}` : ''}`;
  const details = { status };
  if (status === 401 || status === 403) return new ForbiddenError(message, { details });
  if (status === 404) return new NotFoundError('CRM record', new URL(url).pathname, { details });
  if (status === 409) return new ConflictError(message, { details });
  if (status === 429 || status >= 500 || status < 400) return new UnavailableError(message, { details });
  return new ValidationError(message, [{ path: '', message: `CRM refused the record (${status})` }], { details });
}
