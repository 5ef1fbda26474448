/**
 * The agent's side of the web chat suites: `AgentDesk` from `@hotline/client` in Node (with
 * `ws`), logged in as the seeded agent, and the few things the tests do with it.
 */
import { signAgentToken } from '@hotline/channels';
import { AgentDesk, ClientError, type WireConversation, type WireMessage, type WireOffer } from '@hotline/client';
import { expect } from 'vitest';
import WebSocket from 'ws';
import { toLine } from './lines.js';
import type { WebchatServer } from './server-process.js';
import { AGENT_ID, AGENT_NAME, AGENT_SECRET, RECONNECT, TENANT_ID } from './webchat-config.js';

/** Connects the seeded agent to `server` and makes it available, so that the queue is open. */
export async function connectAgent(server: WebchatServer): Promise<AgentDesk> {
  const agentToken = await signAgentToken({ agentId: AGENT_ID, tenantId: TENANT_ID, name: AGENT_NAME }, AGENT_SECRET);
  const desk = new AgentDesk({
    url: server.wsUrl,
    agentToken,
    WebSocket: WebSocket as unknown as ConstructorParameters<typeof AgentDesk>[0]['WebSocket'],
    reconnect: RECONNECT,
  });
  await desk.connect();
  await desk.setActivity('available');
  return desk;
}

/** The next offer (one already waiting, or the next to come); rejects after `timeoutMs`. */
export function nextOffer(desk: AgentDesk, timeoutMs = 30_000): Promise<WireOffer> {
  const waiting = desk.offers[0];
  if (waiting) return Promise.resolve(waiting);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(new Error(`no offer for the agent within ${timeoutMs} ms`));
    }, timeoutMs);
    const off = desk.on('offer', (offer) => {
      clearTimeout(timer);
      off();
      resolve(offer);
    });
  });
}

/**
 * Waits for the next offer, accepts it, and waits until the agent holds exactly `lines`
 * (what the customer wrote so far). Routing offers the conversation as soon as it starts,
 * possibly before the customer's first message is stored: an agent reads before replying,
 * and so do the tests, or the reply could get the lower seq.
 */
export async function acceptNextOffer(desk: AgentDesk, lines: readonly string[]): Promise<WireConversation> {
  const offer = await nextOffer(desk);
  const conversation = await desk.accept(offer.reservationId);
  await expect.poll(() => agentLines(desk, conversation.id), { timeout: 30_000 }).toEqual(lines);
  return conversation;
}

/** The agent's messages of a conversation as lines (`customer: …` / `agent: …`), in seq order. */
export function agentLines(desk: AgentDesk, conversationId: string): string[] {
  return textMessages(desk.messages(conversationId)).map((m) => toLine(m.direction, m.content));
}

/** The seqs of what `agentLines` shows, to check the order is strictly increasing. */
export function agentSeqs(desk: AgentDesk, conversationId: string): number[] {
  return textMessages(desk.messages(conversationId)).map((m) => m.seq);
}

const textMessages = (messages: readonly WireMessage[]) => messages.filter((m) => m.content.type === 'text');

/**
 * Sends as the agent and, when the attempt fails because the server is away (timeout,
 * connection lost, server unavailable: a retryable `ClientError`), tries again with the same `clientMessageId`
 * until `deadlineMs` has passed: the gateway stores the message once however many
 * attempts reach it. `AgentDesk` keeps no outbox of its own, so this is the caller's job.
 */
export async function sendRetrying(
  desk: AgentDesk,
  conversationId: string,
  text: string,
  clientMessageId: string,
  deadlineMs = 90_000,
): Promise<{ message: WireMessage; attempts: number }> {
  const until = Date.now() + deadlineMs;
  for (let attempts = 1; ; attempts++) {
    try {
      return { message: await desk.send(conversationId, text, { clientMessageId }), attempts };
    } catch (error) {
      if (!(error instanceof ClientError && error.retryable) || Date.now() > until) throw error;
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
}
