import type { IncomingMessage, ServerResponse } from 'node:http';
import { type Attachment, type Conversation, idSchema } from '@hotline/core';
import { BLOB_KEY_PATTERN, type BlobMeta } from '../blob/blob-store.js';
import type { GatewayContext } from '../webchat/context.js';
import { NEVER_ALLOWED_MIME_TYPES } from '../webchat/limits.js';
import { resolveVisitor } from '../webchat/visitor-identity.js';
import { peekVisitorSite, verifyVisitorToken } from '../webchat/visitor-tokens.js';
import { corsHeaders, fileNameOf, HttpFault, readBody, sendError, sendJson } from './http-io.js';
import { normalizeMimeType, sniffMimeType } from './sniff.js';

/** Who is uploading. */
type Uploader =
  | { kind: 'contact'; tenantId: string; id: string; owns: (conversation: Conversation) => boolean }
  | { kind: 'agent'; tenantId: string; id: string; owns: (conversation: Conversation) => boolean };

/**
 * The gateway's HTTP side: `POST {path}/upload` stores an attachment for a conversation
 * of the caller's; `GET {path}/files/{id}` serves one through a signed, expiring link.
 */
export class UploadHandler {
  constructor(
    private readonly ctx: GatewayContext,
    private readonly path: string,
    private readonly clientIp: (req: IncomingMessage) => string,
  ) {}

  /** Handles the request when it is for an upload or download path; returns whether it did. */
  handle(req: IncomingMessage, res: ServerResponse): boolean {
    const url = req.url ?? '';
    const query = url.indexOf('?');
    const pathname = query < 0 ? url : url.slice(0, query);
    const search = new URLSearchParams(query < 0 ? '' : url.slice(query + 1));
    const cors = corsHeaders(req);
    for (const [name, value] of Object.entries(cors)) res.setHeader(name, value);
    if (pathname === `${this.path}/upload`) {
      if (req.method === 'OPTIONS') return this.preflight(res);
      if (req.method !== 'POST') return this.methodNotAllowed(res, 'POST, OPTIONS');
      // An error answered before the body was read closes the connection rather than read the rest.
      this.upload(req, res, search).catch((error: unknown) => sendError(res, error, this.ctx.report, true));
      return true;
    }
    const prefix = `${this.path}/files/`;
    if (pathname.startsWith(prefix)) {
      if (req.method === 'OPTIONS') return this.preflight(res);
      if (req.method !== 'GET' && req.method !== 'HEAD') return this.methodNotAllowed(res, 'GET, HEAD, OPTIONS');
      this.download(req, res, pathname.slice(prefix.length), search).catch((error: unknown) =>
        sendError(res, error, this.ctx.report),
      );
      return true;
    }
    return false;
  }

  private preflight(res: ServerResponse): true {
    res.writeHead(204);
    res.end();
    return true;
  }

  private methodNotAllowed(res: ServerResponse, allow: string): true {
    sendJson(
      res,
      405,
      { error: { code: 'VALIDATION_FAILED', reason: 'method_not_allowed', message: 'method not allowed' } },
      { Allow: allow },
    );
    return true;
  }

  private async upload(req: IncomingMessage, res: ServerResponse, search: URLSearchParams): Promise<void> {
    const { ctx } = this;
    const { limits } = ctx;
    const now = ctx.clock.now();
    const wait = ctx.ips.get(this.clientIp(req), now).uploads.take(now);
    if (wait > 0) throw new HttpFault('RATE_LIMITED', 'too_many_uploads', 'too many uploads, slow down', 429, wait);
    const conversationId = search.get('conversationId') ?? '';
    if (!idSchema.safeParse(conversationId).success) {
      throw new HttpFault('VALIDATION_FAILED', 'invalid_request', 'conversationId is required');
    }
    const uploader = await this.authenticate(req);
    const name = fileNameOf(req.headers['x-filename']);
    const claimed = normalizeMimeType(req.headers['content-type']);
    if (claimed === undefined || !limits.allowedMimeTypes.includes(claimed)) {
      throw new HttpFault('VALIDATION_FAILED', 'type_not_allowed', 'this file type is not accepted', 415);
    }
    const conversation = await ctx.hotline.storage.conversations.get(uploader.tenantId, conversationId);
    if (!conversation || !uploader.owns(conversation)) {
      throw new HttpFault('NOT_FOUND', 'not_found', `conversation ${conversationId} not found`);
    }
    const body = await readBody(req, limits.maxUploadBytes);
    if (body === 'too_large') {
      throw new HttpFault('PAYLOAD_TOO_LARGE', 'file_too_large', `files are at most ${limits.maxUploadBytes} bytes`);
    }
    if (body.length === 0) throw new HttpFault('VALIDATION_FAILED', 'empty_file', 'the file is empty');
    const actual = sniffMimeType(body);
    if (actual === undefined || actual !== claimed || NEVER_ALLOWED_MIME_TYPES.includes(actual)) {
      throw new HttpFault('VALIDATION_FAILED', 'content_mismatch', `the content is not ${claimed}`, 415);
    }
    const id = ctx.hotline.ids.next('att');
    const meta: BlobMeta = {
      contentType: actual,
      size: body.length,
      name,
      createdAt: new Date(now).toISOString(),
      tags: {
        tenantId: uploader.tenantId,
        conversationId,
        uploaderKind: uploader.kind,
        uploaderId: uploader.id,
      },
    };
    await ctx.blobStore.put(id, body, meta);
    const attachment: Attachment = { id, name, mimeType: actual, size: body.length, url: ctx.urls.url(id, now) };
    sendJson(res, 201, { attachment });
  }

  /** The uploader from `Authorization: Bearer`: a visitor token of a site, or an agent token. */
  private async authenticate(req: IncomingMessage): Promise<Uploader> {
    const { ctx } = this;
    const header = req.headers.authorization;
    const token = header?.startsWith('Bearer ') ? header.slice(7).trim() : '';
    if (token.length === 0 || token.length > 8192) throw unauthenticated('token_missing', 'a bearer token is required');
    const now = ctx.clock.now();
    const siteId = peekVisitorSite(token);
    if (siteId === undefined) {
      const claims = await ctx.agentTokens.verify(token, now);
      const agent = await ctx.hotline.storage.agents.get(claims.tenantId, claims.agentId);
      if (!agent) throw unauthenticated('unknown_agent', 'no such agent');
      return { kind: 'agent', tenantId: agent.tenantId, id: agent.id, owns: (c) => c.assigneeId === agent.id };
    }
    const site = await ctx.sites.get(siteId);
    if (!site) throw unauthenticated('token_invalid', 'visitor token is not valid');
    if (site.origins && !site.origins.allows(req.headers.origin)) {
      throw unauthenticated('origin_not_allowed', 'this origin may not upload');
    }
    const claims = await verifyVisitorToken(site, token, now);
    // A token issued to an identified user keeps its contact; an anonymous one follows merges as `hello` does.
    const owner =
      claims.userId === undefined
        ? await resolveVisitor(ctx, site, claims, undefined)
        : await ctx.hotline.contacts
            .resolve(site.tenantId, claims.contactId)
            .then((c) => ({ contactId: c.id, mergedFrom: c.mergedFrom }));
    const mine = new Set([owner.contactId, ...owner.mergedFrom]);
    return { kind: 'contact', tenantId: site.tenantId, id: owner.contactId, owns: (c) => mine.has(c.contactId) };
  }

  private async download(
    req: IncomingMessage,
    res: ServerResponse,
    id: string,
    search: URLSearchParams,
  ): Promise<void> {
    const { ctx } = this;
    if (!BLOB_KEY_PATTERN.test(id)) throw new HttpFault('NOT_FOUND', 'not_found', 'file not found');
    const check = ctx.urls.check(id, search.get('exp'), search.get('sig'), ctx.clock.now());
    if (check !== 'ok') {
      throw new HttpFault('FORBIDDEN', check === 'expired' ? 'url_expired' : 'bad_signature', 'link is not valid');
    }
    const blob = await ctx.blobStore.get(id);
    if (!blob) throw new HttpFault('NOT_FOUND', 'not_found', 'file not found');
    const { meta } = blob;
    const image = meta.contentType.startsWith('image/');
    const exp = Number(search.get('exp'));
    res.writeHead(200, {
      'Content-Type': meta.contentType === 'text/plain' ? 'text/plain; charset=utf-8' : meta.contentType,
      'Content-Length': blob.bytes.length,
      'Content-Disposition': `${image ? 'inline' : 'attachment'}; filename*=UTF-8''${encodeRFC5987(meta.name)}`,
      'X-Content-Type-Options': 'nosniff',
      'Content-Security-Policy': "default-src 'none'; sandbox",
      'Cross-Origin-Resource-Policy': 'cross-origin',
      'Referrer-Policy': 'no-referrer',
      'Cache-Control': `private, max-age=${Math.max(0, Math.floor(exp - ctx.clock.now() / 1000))}`,
    });
    res.end(req.method === 'HEAD' ? undefined : blob.bytes);
  }
}

function unauthenticated(reason: string, message: string): HttpFault {
  return new HttpFault('UNAUTHENTICATED', reason, message);
}

function encodeRFC5987(value: string): string {
  return encodeURIComponent(value).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
