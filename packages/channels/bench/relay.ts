/**
 * The ceiling: a bare `ws` relay doing the gateway's forwarding and nothing else. It speaks
 * just enough of the same frames for the same load generators: a customer's `hello` is
 * answered with a conversation paired to an agent connection (round robin); each `send` is
 * parsed, numbered, answered with an ack carrying the message, and the message is pushed to
 * the paired agent's socket. No validation, storage, routing, rate limits or auth.
 */
import { once } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type WebSocket, WebSocketServer } from 'ws';
import { reportReady, serveParent } from './shared.js';

interface Pair {
  agent: WebSocket;
  seq: number;
}

const server = createServer((_req, res) => res.writeHead(404).end());
const wss = new WebSocketServer({ server, perMessageDeflate: false, clientTracking: false });
const agents: WebSocket[] = [];
const conversations = new Map<string, Pair>();
let conversationCount = 0;
let messageCount = 0;

wss.on('connection', (socket, req) => {
  socket.on('error', () => {});
  if (req.url === '/agent') {
    agents.push(socket);
    socket.on('message', (data) => {
      const frame = JSON.parse(data.toString()) as { type: string; id?: string };
      if (frame.id !== undefined) socket.send(JSON.stringify({ type: 'reply', re: frame.id, result: {} }));
    });
    return;
  }
  socket.on('message', (data) => {
    const frame = JSON.parse(data.toString()) as {
      type: string;
      id?: string;
      conversationId?: string;
      clientMessageId?: string;
      content?: unknown;
      t?: number;
    };
    if (frame.type === 'send') {
      const pair = conversations.get(frame.conversationId ?? '');
      if (!pair) {
        socket.send(
          JSON.stringify({ type: 'error', re: frame.id, code: 'NOT_FOUND', message: 'no such conversation' }),
        );
        return;
      }
      const message = {
        id: `msg_relay_${++messageCount}`,
        conversationId: frame.conversationId,
        seq: ++pair.seq,
        direction: 'inbound',
        author: { kind: 'contact' },
        content: frame.content,
        clientMessageId: frame.clientMessageId,
        createdAt: new Date().toISOString(),
      };
      socket.send(JSON.stringify({ type: 'reply', re: frame.id, result: { message, created: true } }));
      pair.agent.send(JSON.stringify({ type: 'message', message }));
    } else if (frame.type === 'hello') {
      const agent = agents[conversationCount % agents.length];
      if (!agent) {
        socket.close(1013, 'no agents');
        return;
      }
      const conversationId = `cnv_relay_${++conversationCount}`;
      conversations.set(conversationId, { agent, seq: 0 });
      socket.send(JSON.stringify({ type: 'reply', re: frame.id, result: { conversationId } }));
    } else if (frame.type === 'ping') {
      socket.send(JSON.stringify({ type: 'pong', t: frame.t }));
    }
  });
});

server.listen({ port: 0, host: '127.0.0.1', backlog: 4096 });
await once(server, 'listening');
serveParent({
  stats: () => ({ agents: agents.length, conversations: conversations.size, messages: messageCount }),
  exit: () => {
    setImmediate(() => process.exit(0));
    return true;
  },
});
reportReady({ port: (server.address() as AddressInfo).port });
