import { request as httpRequest } from 'node:http';
import type { Attachment, ConversationResult, SendResult } from '@hotline/core';
import { afterEach, describe, expect, it } from 'vitest';
import { type GatewayKit, shiftableClock, startGateway } from '../webchat/test-kit.js';

let kit: GatewayKit | undefined;
afterEach(async () => {
  await kit?.close();
  kit = undefined;
});

/** A real 1×1 PNG. */
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==',
  'base64',
);
const PDF = Buffer.from('%PDF-1.4\n1 0 obj << >> endobj\ntrailer << >>\n%%EOF\n');

async function upload(
  k: GatewayKit,
  conversationId: string,
  token: string | undefined,
  body: Buffer,
  type: string,
  name = 'photo.png',
) {
  const headers: Record<string, string> = { 'Content-Type': type, 'X-Filename': encodeURIComponent(name) };
  if (token !== undefined) headers['Authorization'] = `Bearer ${token}`;
  const response = await fetch(`${k.httpBase}${k.gateway.path}/upload?conversationId=${conversationId}`, {
    method: 'POST',
    headers,
    body: new Uint8Array(body),
  });
  const json = (await response.json()) as { attachment?: Attachment; error?: { code: string; reason?: string } };
  return { status: response.status, ...json };
}

async function visitorWithChat(k: GatewayKit) {
  const { client, hello } = await k.customer();
  const { conversation } = await client.call<ConversationResult>({ type: 'start', key: 'k' });
  return { client, token: hello.visitorToken, conversationId: conversation.id };
}

describe('attachments: upload and download', () => {
  it('stores a PNG, serves it through a signed link, and sends it in a message', async () => {
    kit = await startGateway();
    const { client, token, conversationId } = await visitorWithChat(kit);
    const up = await upload(kit, conversationId, token, PNG, 'image/png', 'ça va.png');
    expect(up.status).toBe(201);
    expect(up.attachment).toMatchObject({ name: 'ça va.png', mimeType: 'image/png', size: PNG.length });
    expect(up.attachment?.url).toMatch(/^\/hotline\/webchat\/files\/att_[0-9A-Z]+\?exp=\d+&sig=[\w-]+$/);

    const file = await fetch(`${kit.httpBase}${up.attachment?.url}`);
    expect(file.status).toBe(200);
    expect(file.headers.get('content-type')).toBe('image/png');
    expect(file.headers.get('x-content-type-options')).toBe('nosniff');
    expect(file.headers.get('content-disposition')).toBe("inline; filename*=UTF-8''%C3%A7a%20va.png");
    expect(Buffer.from(await file.arrayBuffer())).toEqual(PNG);

    const sent = await client.call<SendResult>({
      type: 'send',
      conversationId,
      clientMessageId: 'pic',
      content: { type: 'attachments', attachmentIds: [up.attachment?.id], text: 'see this' },
    });
    expect(sent.message.content).toMatchObject({
      type: 'attachments',
      text: 'see this',
      attachments: [{ id: up.attachment?.id, mimeType: 'image/png', url: expect.stringContaining('sig=') }],
    });
    const pdf = await upload(kit, conversationId, token, PDF, 'application/pdf', 'invoice.pdf');
    const served = await fetch(`${kit.httpBase}${pdf.attachment?.url}`);
    expect(served.headers.get('content-disposition')).toMatch(/^attachment;/);
    expect(kit.gateway.attachmentUrl('att_x')).toMatch(/^\/hotline\/webchat\/files\/att_x\?exp=/);
  });

  it('refuses types and contents that do not match, and names with paths', async () => {
    kit = await startGateway();
    const { token, conversationId } = await visitorWithChat(kit);
    const html = Buffer.from('<!DOCTYPE html><script>alert(document.cookie)</script>');
    expect(await upload(kit, conversationId, token, html, 'image/png')).toMatchObject({
      status: 415,
      error: { code: 'VALIDATION_FAILED', reason: 'content_mismatch' },
    });
    expect(await upload(kit, conversationId, token, html, 'text/plain', 'a.txt')).toMatchObject({
      status: 415,
      error: { reason: 'content_mismatch' },
    });
    expect(await upload(kit, conversationId, token, html, 'text/html', 'a.html')).toMatchObject({
      status: 415,
      error: { reason: 'type_not_allowed' },
    });
    const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>');
    expect(await upload(kit, conversationId, token, svg, 'image/svg+xml', 'a.svg')).toMatchObject({ status: 415 });
    expect(await upload(kit, conversationId, token, PDF, 'image/png')).toMatchObject({
      status: 415,
      error: { reason: 'content_mismatch' },
    });
    for (const name of ['../../etc/passwd', '..\\..\\boot.ini', '..', 'a\u0000b.png', '/etc/shadow']) {
      expect(await upload(kit, conversationId, token, PNG, 'image/png', name), name).toMatchObject({
        status: 400,
        error: { code: 'VALIDATION_FAILED', reason: 'bad_filename' },
      });
    }
    const text = await upload(
      kit,
      conversationId,
      token,
      Buffer.from('plain notes\n'),
      'text/plain; charset=utf-8',
      'n.txt',
    );
    expect(text).toMatchObject({ status: 201, attachment: { mimeType: 'text/plain' } });
  });

  it('stops reading past the size limit and answers 413, with or without a Content-Length', async () => {
    kit = await startGateway({ gateway: { limits: { maxUploadBytes: 1024 } } });
    const { token, conversationId } = await visitorWithChat(kit);
    const big = Buffer.concat([PNG, Buffer.alloc(4096)]);
    expect(await upload(kit, conversationId, token, big, 'image/png')).toMatchObject({
      status: 413,
      error: { code: 'PAYLOAD_TOO_LARGE', reason: 'file_too_large' },
    });
    const chunked = await new Promise<number | string>((resolve) => {
      const req = httpRequest(`${kit?.httpBase}${kit?.gateway.path}/upload?conversationId=${conversationId}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'image/png', 'Transfer-Encoding': 'chunked' },
      });
      req.on('response', (res) => resolve(res.statusCode ?? 0));
      req.on('error', (error) => resolve((error as NodeJS.ErrnoException).code ?? 'error'));
      req.write(PNG);
      let sent = 0;
      const pump = () => {
        while (sent < 64 * 1024 && req.write(Buffer.alloc(1024))) sent += 1024;
        if (sent < 64 * 1024) req.once('drain', pump);
        else req.end();
      };
      pump();
    });
    // The client may see the answer, or the connection closing under its feet; never a stored file.
    expect([413, 'ECONNRESET', 'EPIPE']).toContain(chunked);
    expect(kit.blobPuts).toEqual([]);
    const ok = await upload(kit, conversationId, token, PNG, 'image/png');
    expect(ok.status).toBe(201);
    expect(kit.blobPuts).toEqual([ok.attachment?.id]);
  });

  it('uploads only to one’s own conversation, with a valid token', async () => {
    kit = await startGateway();
    const mine = await visitorWithChat(kit);
    const theirs = await visitorWithChat(kit);
    expect(await upload(kit, theirs.conversationId, mine.token, PNG, 'image/png')).toMatchObject({
      status: 404,
      error: { code: 'NOT_FOUND' },
    });
    expect(await upload(kit, mine.conversationId, undefined, PNG, 'image/png')).toMatchObject({
      status: 401,
      error: { code: 'UNAUTHENTICATED', reason: 'token_missing' },
    });
    expect(await upload(kit, mine.conversationId, `${mine.token.slice(0, -3)}abc`, PNG, 'image/png')).toMatchObject({
      status: 401,
      error: { reason: 'token_invalid' },
    });
    const stolen = await upload(kit, theirs.conversationId, theirs.token, PNG, 'image/png');
    const { error } = await mine.client.request({
      type: 'send',
      conversationId: mine.conversationId,
      clientMessageId: 'x',
      content: { type: 'attachments', attachmentIds: [stolen.attachment?.id] },
    });
    expect(error).toMatchObject({ code: 'NOT_FOUND', reason: 'attachment_not_found' });

    await kit.addAgent('agt_ana', 'Ana');
    const { client: agent } = await kit.agent('agt_ana');
    await agent.call({ type: 'activity', activity: 'available' });
    const { offer } = await agent.nextOfType('offer');
    await agent.call({ type: 'accept', reservationId: offer.reservationId });
    const agentToken = await kit.agentToken('agt_ana');
    expect((await upload(kit, offer.conversationId, agentToken, PNG, 'image/png')).status).toBe(201);
    const other = offer.conversationId === mine.conversationId ? theirs.conversationId : mine.conversationId;
    expect((await upload(kit, other, agentToken, PNG, 'image/png')).status).toBe(404);
  });

  it('refuses forged and expired links, rate-limits uploads per address, and leaves the host its paths', async () => {
    const clock = shiftableClock();
    kit = await startGateway({ gateway: { clock, limits: { uploadsPerMinutePerIp: 2 } } });
    const { token, conversationId } = await visitorWithChat(kit);
    const up = await upload(kit, conversationId, token, PNG, 'image/png');
    await upload(kit, conversationId, token, PNG, 'image/png');
    expect(await upload(kit, conversationId, token, PNG, 'image/png')).toMatchObject({
      status: 429,
      error: { code: 'RATE_LIMITED', reason: 'too_many_uploads' },
    });
    const link = `${kit.httpBase}${up.attachment?.url}`;
    expect((await fetch(link)).status).toBe(200);
    const forged = new URL(link);
    forged.searchParams.set('sig', 'AAAA');
    expect(await (await fetch(forged)).json()).toMatchObject({ error: { code: 'FORBIDDEN', reason: 'bad_signature' } });
    const stretched = new URL(link);
    stretched.searchParams.set('exp', String(Number(stretched.searchParams.get('exp')) + 86_400));
    expect((await fetch(stretched)).status).toBe(403);
    clock.shift(3 * 86_400_000);
    const expired = await fetch(link);
    expect(expired.status).toBe(403);
    expect(await expired.json()).toMatchObject({ error: { code: 'FORBIDDEN', reason: 'url_expired' } });
    const preflight = await fetch(`${kit.httpBase}${kit.gateway.path}/upload`, {
      method: 'OPTIONS',
      headers: { Origin: 'https://acme.test', 'Access-Control-Request-Method': 'POST' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('X-Filename');
    expect(await (await fetch(`${kit.httpBase}/`)).text()).toBe('host app');
    expect(await (await fetch(`${kit.httpBase}/hotline/webchat-other`)).text()).toBe('host app');
  });
});
