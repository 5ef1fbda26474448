import {
  AlreadyExistsError,
  type Clock,
  type IdGenerator,
  idSchema,
  isoNow,
  languageSchema,
  NotFoundError,
  type Storage,
  tenantIdSchema,
  timestampSchema,
  ValidationError,
  versionConflict,
  versionSchema,
} from '@hotline/core';
import { z } from 'zod';
import { updateTenantSetting } from './tenant-settings.js';

/** Most canned responses per tenant: they are kept in the tenant record, read whole. */
export const MAX_CANNED_RESPONSES = 1000;
/** Longest canned response text, in characters. */
export const MAX_CANNED_TEXT = 4000;
/** The tenant settings key holding them. */
export const CANNED_RESPONSES_KEY = 'cannedResponses';

const shortcutSchema = z.string().regex(/^[a-z0-9_-]{1,32}$/, 'a shortcut is 1-32 of a-z, 0-9, _ and -');
const titleSchema = z.string().trim().min(1).max(200);
const textSchema = z.string().trim().min(1).max(MAX_CANNED_TEXT);
const queueIdsSchema = z.array(idSchema).max(100);

/** A canned response: a reply an agent inserts by its shortcut (`/refund`). */
export const cannedResponseSchema = z.object({
  id: idSchema,
  tenantId: tenantIdSchema,
  shortcut: shortcutSchema,
  title: titleSchema,
  text: textSchema,
  /** Offered to conversations in this language (and its variants); without it, to all. */
  language: languageSchema.optional(),
  /** Offered in these queues only; without it, in all. */
  queueIds: queueIdsSchema.optional(),
  version: versionSchema,
  createdAt: timestampSchema,
  updatedAt: timestampSchema,
});
/** A canned response. */
export type CannedResponse = z.infer<typeof cannedResponseSchema>;

/** Body of `POST /canned-responses`. */
export const newCannedResponseInputSchema = z.strictObject({
  shortcut: shortcutSchema,
  title: titleSchema,
  text: textSchema,
  language: languageSchema.optional(),
  queueIds: queueIdsSchema.optional(),
});

/** Body of `PATCH /canned-responses/{id}`; `null` clears `language` or `queueIds`. */
export const cannedResponsePatchInputSchema = z.strictObject({
  expectedVersion: z.int().min(1),
  shortcut: shortcutSchema.optional(),
  title: titleSchema.optional(),
  text: textSchema.optional(),
  language: languageSchema.nullable().optional(),
  queueIds: queueIdsSchema.nullable().optional(),
});

/** Query of `GET /canned-responses`. */
export const cannedResponseQuerySchema = z.object({
  /** Words found (case-insensitively) in the shortcut, title or text. */
  q: z.string().trim().min(1).max(200).optional(),
  language: languageSchema.optional(),
  queueId: idSchema.optional(),
});

type Patch = z.output<typeof cannedResponsePatchInputSchema>;
type Query = z.output<typeof cannedResponseQuerySchema>;

/** The stored list. Only this module writes it; an entry that no longer parses is left out. */
function storedList(value: unknown): CannedResponse[] {
  if (!Array.isArray(value)) return [];
  return value.flatMap((item) => {
    const parsed = cannedResponseSchema.safeParse(item);
    return parsed.success ? [parsed.data] : [];
  });
}

const sameLanguage = (a: string | undefined, b: string | undefined) =>
  (a ?? '').toLowerCase() === (b ?? '').toLowerCase();

/** A language matches itself, its variants (`zh` → `zh-CN`) and its base (`zh-CN` → `zh`). */
function languageMatches(recordLanguage: string | undefined, wanted: string): boolean {
  if (recordLanguage === undefined) return true;
  const a = recordLanguage.toLowerCase();
  const b = wanted.toLowerCase();
  return a === b || a.startsWith(`${b}-`) || b.startsWith(`${a}-`);
}

function matches(record: CannedResponse, query: Query): boolean {
  if (query.language !== undefined && !languageMatches(record.language, query.language)) return false;
  if (query.queueId !== undefined && record.queueIds !== undefined && !record.queueIds.includes(query.queueId)) {
    return false;
  }
  if (query.q === undefined) return true;
  const haystack = `${record.shortcut}\n${record.title}\n${record.text}`.toLowerCase();
  return query.q
    .toLowerCase()
    .split(/\s+/)
    .every((word) => haystack.includes(word));
}

/** Refuses a second response with the same shortcut and language (an agent types one shortcut). */
function checkUnique(list: readonly CannedResponse[], candidate: CannedResponse): void {
  const clash = list.find(
    (other) =>
      other.id !== candidate.id &&
      other.shortcut === candidate.shortcut &&
      sameLanguage(other.language, candidate.language),
  );
  if (clash) {
    throw new AlreadyExistsError('canned response shortcut', candidate.shortcut, {
      details: { existingId: clash.id, ...(candidate.language ? { language: candidate.language } : {}) },
    });
  }
}

/** Canned responses of a tenant, kept in its settings (see {@link MAX_CANNED_RESPONSES}). */
export class CannedResponseStore {
  constructor(
    private readonly storage: Storage,
    private readonly clock: Clock,
    private readonly ids: IdGenerator,
  ) {}

  /** The matching responses, by shortcut. */
  async list(tenantId: string, query: Query): Promise<CannedResponse[]> {
    const tenant = await this.storage.tenants.get(tenantId);
    return storedList(tenant?.settings[CANNED_RESPONSES_KEY])
      .filter((record) => matches(record, query))
      .sort((a, b) => (a.shortcut < b.shortcut ? -1 : a.shortcut > b.shortcut ? 1 : a.id < b.id ? -1 : 1));
  }

  create(tenantId: string, input: z.output<typeof newCannedResponseInputSchema>): Promise<CannedResponse> {
    return this.write(tenantId, (list) => {
      if (list.length >= MAX_CANNED_RESPONSES) {
        throw new ValidationError(`a tenant has at most ${MAX_CANNED_RESPONSES} canned responses`, [
          { path: '', message: `at most ${MAX_CANNED_RESPONSES} canned responses`, code: 'too_many' },
        ]);
      }
      const at = isoNow(this.clock);
      const record: CannedResponse = {
        id: this.ids.next('cnr'),
        tenantId,
        ...input,
        version: 1,
        createdAt: at,
        updatedAt: at,
      };
      checkUnique(list, record);
      return { list: [...list, record], result: record };
    });
  }

  update(tenantId: string, id: string, patch: Patch): Promise<CannedResponse> {
    return this.write(tenantId, (list) => {
      const current = this.find(list, id);
      if (current.version !== patch.expectedVersion) {
        throw versionConflict('canned response', id, patch.expectedVersion, current.version);
      }
      const { expectedVersion: _version, language, queueIds, ...fields } = patch;
      const next: CannedResponse = { ...current, updatedAt: isoNow(this.clock), version: current.version + 1 };
      for (const [key, value] of Object.entries(fields)) if (value !== undefined) Object.assign(next, { [key]: value });
      if (language === null) delete next.language;
      else if (language !== undefined) next.language = language;
      if (queueIds === null) delete next.queueIds;
      else if (queueIds !== undefined) next.queueIds = queueIds;
      checkUnique(list, next);
      return { list: list.map((record) => (record.id === id ? next : record)), result: next };
    });
  }

  async delete(tenantId: string, id: string, expectedVersion: number): Promise<void> {
    await this.write(tenantId, (list) => {
      const current = this.find(list, id);
      if (current.version !== expectedVersion) {
        throw versionConflict('canned response', id, expectedVersion, current.version);
      }
      return { list: list.filter((record) => record.id !== id), result: undefined };
    });
  }

  private find(list: readonly CannedResponse[], id: string): CannedResponse {
    const found = list.find((record) => record.id === id);
    if (!found) throw new NotFoundError('canned response', id);
    return found;
  }

  private write<R>(tenantId: string, change: (list: CannedResponse[]) => { list: CannedResponse[]; result: R }) {
    return updateTenantSetting(this.storage, this.clock, tenantId, CANNED_RESPONSES_KEY, (value) => {
      const { list, result } = change(storedList(value));
      return { value: list, result };
    });
  }
}
