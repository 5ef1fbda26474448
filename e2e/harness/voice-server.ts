/**
 * The Hotline side of the browser call tests, run as a child process (inside the test's
 * network namespace, through `voice-netns-exec.ts`): the real `createHotlineServer` with a
 * voice trunk, a support queue that routes on languages and agents `agt_en` (en) and
 * `agt_zh` (zh) with voice capacity 1 (`startVoiceDesk`), plus a page server on
 * `localhost` with the caller and agent pages, their browser bundle of `@hotline/telephony`
 * (built with esbuild from source) and test-only hooks under `/test/`.
 *
 * Environment: `VOICE_SECRET`, `VOICE_SIP_DOMAIN`. Prints
 * `voice-server ready pages=<port> bridge=<port>` once listening.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { startVoiceDesk } from '../../packages/telephony/bench/voice-desk.js';

const PAGES = join(dirname(fileURLToPath(import.meta.url)), '../telephony/pages');
const secret = process.env.VOICE_SECRET ?? '';
const sipDomain = process.env.VOICE_SIP_DOMAIN ?? 'hotline.test';

const bundle = await build({
  entryPoints: { caller: join(PAGES, 'caller.ts'), agent: join(PAGES, 'agent.ts') },
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  conditions: ['@hotline/source'],
  outdir: '/bundle',
  write: false,
  logLevel: 'warning',
});
const files = new Map<string, { type: string; body: string | Uint8Array }>();
for (const file of bundle.outputFiles)
  files.set(file.path.replace('/bundle', ''), { type: 'text/javascript', body: file.contents });
for (const page of ['caller', 'agent']) {
  files.set(`/${page}.html`, {
    type: 'text/html; charset=utf-8',
    body: `<!doctype html><html lang="en"><meta charset="utf-8"><title>${page}</title><audio id="remote" autoplay></audio><script type="module" src="/${page}.js"></script></html>`,
  });
}

const desk = await startVoiceDesk({
  secret,
  sipDomain,
  agents: [
    { id: 'agt_en', skills: ['en'] },
    { id: 'agt_zh', skills: ['zh'] },
  ],
});
const { server: hotline, tenantId } = desk;

/** The Call-ID of the conversation leg whose call a browser session id (Call-ID + From tag) belongs to. */
async function callIdOf(sessionId: string): Promise<string | undefined> {
  const { items } = await hotline.hotline.conversations.list(tenantId, {});
  for (const conversation of items) {
    const leg = conversation.legs.find(
      (candidate) => candidate.externalRef && sessionId.startsWith(candidate.externalRef),
    );
    if (leg?.externalRef) return leg.externalRef;
  }
  return undefined;
}

async function hook(url: URL, body: Record<string, string>): Promise<unknown> {
  switch (url.pathname) {
    case '/test/routable':
      await desk.makeRoutable(body.agentId ?? '', 10_000);
      return { ok: true };
    case '/test/conversation': {
      // The conversation of a browser call once it has `status`, with its `call.*` timeline.
      const deadline = Date.now() + 10_000;
      let callId = await callIdOf(body.sessionId ?? '');
      while (!callId && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 50));
        callId = await callIdOf(body.sessionId ?? '');
      }
      if (!callId) throw new Error(`no conversation for call ${body.sessionId}`);
      const conversation = await desk.conversationOf(callId, body.status as never, 10_000);
      const messages = await hotline.hotline.conversations.listMessages(tenantId, conversation.id);
      const timeline = messages.flatMap((message) =>
        message.direction === 'system' && message.content.type === 'event'
          ? [{ name: message.content.name, data: message.content.data }]
          : [],
      );
      return { conversation, timeline };
    }
    case '/test/resolve':
      // Wrap-up done: the agent's voice capacity is free for the next call.
      await hotline.dispatcher.resolve(tenantId, body.agentId ?? '', body.conversationId ?? '');
      return { ok: true };
    default:
      return undefined;
  }
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://localhost');
  if (url.pathname.startsWith('/test/') && req.method === 'POST') {
    let text = '';
    for await (const chunk of req) text += chunk;
    try {
      const result = await hook(url, JSON.parse(text || '{}') as Record<string, string>);
      res.writeHead(result === undefined ? 404 : 200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(result ?? { error: 'not found' }));
    } catch (error) {
      res.writeHead(500, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: (error as Error).message }));
    }
    return;
  }
  const file = files.get(url.pathname);
  res.writeHead(file ? 200 : 404, { 'content-type': file?.type ?? 'text/plain', 'cache-control': 'no-store' });
  res.end(file?.body ?? 'not found');
}

const pages = createServer((req, res) => {
  handle(req, res).catch((error: unknown) => {
    res.writeHead(500);
    res.end(String(error));
  });
});
await new Promise<void>((resolve) => pages.listen(0, '127.0.0.1', resolve));
const address = pages.address();
const pagesPort = typeof address === 'object' && address ? address.port : 0;
const bridgePort = new URL(desk.bridgeUrl).port;

const shutdown = async () => {
  pages.close();
  await desk.close();
  process.exit(0);
};
process.once('SIGTERM', () => void shutdown());
process.stdin.on('end', () => void shutdown());
process.stdin.resume();
console.log(`voice-server ready pages=${pagesPort} bridge=${bridgePort}`);
