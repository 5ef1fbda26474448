/**
 * The Hotline quick start: one customer, two channels, one conversation lifecycle, the
 * customer's timeline, an audit entry and a masked log line, printed step by step.
 * Everything runs in this process on the in-memory storage; run it with `npm start` at the
 * repository root.
 */
import { pathToFileURL } from 'node:url';
import {
  type AuditVerifyResult,
  type Channel,
  type ConversationLifecycleEvent,
  type ConversationStatus,
  createHotline,
  type Hotline,
  isHotlineError,
  isIdentityTaken,
  type MessageContent,
  maskText,
  SimulatedClock,
} from '@hotline/core';

/** What the walkthrough did, for the smoke test (and for anyone curious). */
export interface QuickstartSummary {
  tenantId: string;
  /** The first send and its retry with the same `clientMessageId`. */
  dedupe: { first: { created: boolean; seq: number }; retry: { created: boolean; seq: number } };
  /** Every status the web chat conversation went through, in order. */
  lifecycle: ConversationStatus[];
  /** The error code of the illegal transition attempt. */
  illegalTransitionCode: string | undefined;
  /** The error code of linking a phone number that another contact holds. */
  linkConflictCode: string | undefined;
  webContactId: string;
  phoneContactId: string;
  survivor: { id: string; identities: string[]; mergedFrom: string[] };
  timeline: { conversations: number; messages: number; channels: Channel[] };
  /** Event types received by the subscribers, in order. */
  events: string[];
  /** The audit entry recorded for the merge, and the verification of the tenant's chain. */
  audit: { seq: number; action: string; hash: string; verify: AuditVerifyResult };
  /** The log line about the merge, with the phone number and email masked. */
  maskedLogLine: string;
}

/** Options for {@link main}. */
export interface QuickstartOptions {
  /** Where output lines go. @default console.log */
  log?: (line: string) => void;
}

const AGENT = 'agt_bo';
const QUEUE = 'que_orders';
const START = Date.UTC(2026, 2, 2, 9, 0);

/** Runs the walkthrough and returns what happened. */
export async function main(options: QuickstartOptions = {}): Promise<QuickstartSummary> {
  const log = options.log ?? console.log;
  const color = options.log === undefined && process.stdout.isTTY && !process.env['NO_COLOR'];
  const heading = (text: string) => log(`\n${color ? `\u001b[1m${text}\u001b[0m` : text}`);
  const line = (text: string) => log(`   ${text}`);

  // A simulated clock lets the story span a morning while the program runs in milliseconds.
  const clock = new SimulatedClock(START);
  const later = (minutes: number) => clock.advanceSync(minutes * 60_000);
  const hotline: Hotline = createHotline({ clock });

  log('Hotline quick start: @hotline/core in one process, on in-memory storage');
  log('(simulated clock from 09:00 UTC; the times below are simulated)');

  heading('1. Create a tenant');
  const tenant = await hotline.tenants.create({ name: 'Acme Support', timeZone: 'Europe/Berlin' });
  const tenantId = tenant.id;
  line(`tenant ${tenant.id} "${tenant.name}" (${tenant.timeZone})`);

  heading('2. Subscribe to events');
  const events: string[] = [];
  hotline.bus.subscribe('message.*', (event) => {
    events.push(event.type);
    line(`  event ${event.type}  seq ${event.seq}`);
  });
  hotline.bus.subscribe('conversation.*', (event) => {
    events.push(event.type);
    if (event.type === 'conversation.status_changed') {
      line(`  event ${event.type}  ${event.from} → ${event.to} (${event.cause})`);
    } else if (event.type === 'conversation.read') {
      line(`  event ${event.type}  ${event.reader} read up to seq ${event.seq}`);
    } else {
      line(`  event ${event.type}  ${event.channel}`);
    }
  });
  hotline.bus.subscribe('contact.merged', (event) => {
    events.push(event.type);
    line(`  event ${event.type}  ${event.mergedId} → ${event.survivorId}`);
  });
  line("subscribed to 'message.*', 'conversation.*' and 'contact.merged'");

  heading('3. A customer writes on web chat');
  const web = await hotline.conversations.start({
    tenantId,
    channel: 'webchat',
    contact: { identity: { channel: 'webchat', address: 'visitor-7f3a' }, name: 'Ana Lima' },
  });
  const conversationId = web.conversation.id;
  line(
    `conversation ${conversationId} with contact ${web.contact.id} (${web.contact.name}), status ${web.conversation.status}`,
  );
  const lifecycle: ConversationStatus[] = [web.conversation.status];
  const customerSays = (text: string, clientMessageId: string) =>
    hotline.conversations.appendMessage({
      tenantId,
      conversationId,
      direction: 'inbound',
      author: { kind: 'contact', id: web.contact.id },
      content: { type: 'text', text },
      clientMessageId,
    });
  const agentSays = (text: string) =>
    hotline.conversations.appendMessage({
      tenantId,
      conversationId,
      direction: 'outbound',
      author: { kind: 'agent', id: AGENT, name: 'Bo' },
      content: { type: 'text', text },
    });
  const first = await customerSays("Hi! My order #4411 hasn't arrived yet.", 'web-7f3a-1');
  line(`stored: created ${first.created}, seq ${first.message.seq}`);

  heading('4. The browser retries the same send (same clientMessageId)');
  const retry = await customerSays("Hi! My order #4411 hasn't arrived yet.", 'web-7f3a-1');
  line(
    `deduplicated: created ${retry.created}, seq ${retry.message.seq}, same message ${retry.message.id === first.message.id}`,
  );
  line('no event, no second seq: the customer sees one message');

  heading('5. Lifecycle: queued → offered → active → pending → active → wrap_up → resolved');
  const apply = async (event: ConversationLifecycleEvent) => {
    const conversation = await hotline.conversations.apply(tenantId, conversationId, event);
    lifecycle.push(conversation.status);
    return conversation;
  };
  later(1);
  await apply({ type: 'enqueue', queueId: QUEUE });
  line('(routing is a planned package; here we play the router and offer it to agent Bo)');
  await apply({ type: 'offer', agentId: AGENT });
  await apply({ type: 'accept', agentId: AGENT });
  later(1);
  await agentSays("Sorry about that, Ana! I'm checking with the courier.");
  await apply({ type: 'await_customer' });
  later(3);
  const reply = await customerSays("Thanks, I'll wait.", 'web-7f3a-2');
  lifecycle.push(reply.conversation.status);
  line(`the customer's reply moved it from pending to ${reply.conversation.status}`);
  later(2);
  await agentSays('It will arrive tomorrow before noon.');
  await apply({ type: 'end' });
  later(2);
  const resolved = await apply({ type: 'resolve' });
  line(`status ${resolved.status}, version ${resolved.version}, assignee ${resolved.assigneeId}`);

  heading('6. An illegal transition is rejected');
  let illegalTransitionCode: string | undefined;
  try {
    await hotline.conversations.apply(tenantId, conversationId, { type: 'accept', agentId: AGENT });
  } catch (error) {
    if (!isHotlineError(error, 'ILLEGAL_TRANSITION')) throw error;
    illegalTransitionCode = error.code;
    line(`${error.code}: ${error.message}`);
  }
  const after = await hotline.conversations.get(tenantId, conversationId);
  line(`nothing changed: still ${after.status}, version ${after.version}`);

  heading('7. The same customer calls by phone');
  later(45);
  const call = await hotline.conversations.start({
    tenantId,
    channel: 'voice',
    contact: { identity: { channel: 'phone', address: '+49 (30) 1234-5678' } },
  });
  const callId = call.conversation.id;
  const phone = call.contact.identities[0]?.address;
  line(`a second contact ${call.contact.id}, holding phone ${phone} (normalised from "+49 (30) 1234-5678")`);
  await hotline.conversations.apply(tenantId, callId, { type: 'assign', agentId: AGENT });
  await hotline.conversations.appendMessage({
    tenantId,
    conversationId: callId,
    direction: 'note',
    author: { kind: 'agent', id: AGENT, name: 'Bo' },
    content: { type: 'text', text: 'Caller is Ana from the web chat, same order #4411.' },
  });
  later(4);
  await hotline.conversations.apply(tenantId, callId, { type: 'end' });
  await hotline.conversations.apply(tenantId, callId, { type: 'resolve' });

  heading('8. Link and merge: one customer, one view');
  await hotline.contacts.link(tenantId, web.contact.id, { channel: 'email', address: 'Ana.Lima@Example.com' });
  line('linked email ana.lima@example.com to the web chat contact');
  let linkConflictCode: string | undefined;
  try {
    await hotline.contacts.link(tenantId, web.contact.id, { channel: 'phone', address: phone ?? '' });
  } catch (error) {
    if (!isIdentityTaken(error)) throw error;
    linkConflictCode = error.code;
    line(`linking the phone fails: ${error.code} (identity_taken, held by ${error.details['contactId']})`);
  }
  line('link never merges on its own; the agent confirms it is Ana and merges, keeping the web chat contact');
  const survivor = await hotline.contacts.merge(tenantId, { survivorId: web.contact.id, mergedId: call.contact.id });
  const identities = survivor.identities.map((identity) => `${identity.channel}:${identity.address}`);
  line(`survivor ${survivor.id} holds ${identities.join(', ')}`);
  const merged = await hotline.contacts.get(tenantId, call.contact.id);
  line(`${merged.id} keeps its record with mergedInto ${merged.mergedInto}`);

  heading("9. The customer's timeline across both channels");
  // The merged contact's id resolves to its survivor, so either id gives the same view.
  const timeline = await hotline.contacts.timeline(tenantId, call.contact.id);
  for (const item of timeline.items) {
    const time = item.at.slice(11, 16);
    if (item.kind === 'conversation') {
      line(`${time}  ${item.channel.padEnd(7)}  ── conversation ${item.conversationId}`);
    } else {
      const { message } = item;
      const who = message.author.kind === 'contact' ? 'Ana' : (message.author.name ?? message.author.kind);
      const arrow = { inbound: '←', outbound: '→', note: '✎', system: '·' }[message.direction];
      line(`${time}  ${item.channel.padEnd(7)}  ${arrow} ${who}: ${describeContent(message.content)}`);
    }
  }
  const messages = timeline.items.filter((item) => item.kind === 'message').length;
  const channels = [...new Set(timeline.conversations.map((c) => c.channel))];

  heading('10. Audit: record the merge and verify the chain');
  const entry = await hotline.audit.append(tenantId, {
    actor: { kind: 'agent', id: AGENT, name: 'Bo' },
    action: 'contact.merged',
    resource: { type: 'contact', id: survivor.id },
    details: { mergedId: merged.id },
  });
  line(`entry #${entry.seq} ${entry.action} by ${entry.actor.name}, hash ${entry.hash.slice(0, 16)}…`);
  const verify = await hotline.audit.verify(tenantId);
  line(
    verify.ok
      ? `verify: ok, count ${verify.count}, head hash ${verify.headHash.slice(0, 16)}…`
      : `verify: broken at entry #${verify.seq} (${verify.reason})`,
  );
  line('(in production, createHotline({ auditHmacKey }) so that no one without the key can rewrite the chain)');

  heading('11. Masking: no PII in log lines');
  const email = survivor.identities.find((identity) => identity.channel === 'email')?.address ?? '';
  const logLine = `merged ${merged.id} into ${survivor.id}: phone ${phone ?? ''}, email ${email}`;
  const maskedLogLine = maskText(logLine);
  line(maskedLogLine);
  line('maskText finds the phone number and the email and masks them; the contact ids stay readable');

  await hotline.storage.close();
  log('\nDone. Next: docs/getting-started.md, docs/concepts.md and docs/security-and-audit.md');

  return {
    tenantId,
    dedupe: {
      first: { created: first.created, seq: first.message.seq },
      retry: { created: retry.created, seq: retry.message.seq },
    },
    lifecycle,
    illegalTransitionCode,
    linkConflictCode,
    webContactId: web.contact.id,
    phoneContactId: call.contact.id,
    survivor: { id: survivor.id, identities, mergedFrom: survivor.mergedFrom },
    timeline: { conversations: timeline.conversations.length, messages, channels },
    events,
    audit: { seq: entry.seq, action: entry.action, hash: entry.hash, verify },
    maskedLogLine,
  };
}

function describeContent(content: MessageContent): string {
  switch (content.type) {
    case 'text':
      return content.text;
    case 'attachments':
      return `${content.attachments.length} attachment(s)`;
    case 'card':
      return `[card] ${content.title}`;
    case 'event':
      return `[${content.name}]`;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
