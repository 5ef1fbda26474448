import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHotline } from '@hotline/core';
import { describeStorageConformance } from '@hotline/core/testing';
import { afterAll, describe, expect, it } from 'vitest';
import { openJournalStorage } from './index.js';

let directory: string | undefined;
let files = 0;
/** A fresh journal file in a temporary directory removed after the run. */
async function freshFile(): Promise<string> {
  directory ??= await mkdtemp(join(tmpdir(), 'hotline-journal-'));
  files += 1;
  return join(directory, `journal-${files}.jsonl`);
}
afterAll(() => (directory === undefined ? undefined : rm(directory, { recursive: true, force: true })));

// The whole suite, no group skipped, against the file-backed journal.
describeStorageConformance(
  { describe, it },
  { name: 'custom', create: async () => openJournalStorage({ file: await freshFile() }) },
);

describe('journal storage', () => {
  it('keeps committed data across a restart and drops a torn last write', async () => {
    const file = await freshFile();
    const first = createHotline({ storage: await openJournalStorage({ file }) });
    const tenant = await first.tenants.create({ name: 'Acme' });
    const { conversation } = await first.conversations.start({
      tenantId: tenant.id,
      channel: 'webchat',
      contact: { identity: { channel: 'webchat', address: 'visitor-1' } },
    });
    const append = (text: string) =>
      first.conversations.appendMessage({
        tenantId: tenant.id,
        conversationId: conversation.id,
        direction: 'inbound',
        author: { kind: 'contact', id: conversation.contactId },
        content: { type: 'text', text },
      });
    await append('hello');
    await append('anyone there?');
    await first.storage.close();
    // A crash in the middle of a write leaves half a line behind.
    await writeFile(file, `${await readFile(file, 'utf8')}[["messages","half`);

    const second = createHotline({ storage: await openJournalStorage({ file }) });
    const messages = await second.conversations.listMessages(tenant.id, conversation.id);
    expect(messages.map((m) => [m.seq, m.content.type === 'text' ? m.content.text : ''])).toEqual([
      [1, 'hello'],
      [2, 'anyone there?'],
    ]);
    const contact = await second.contacts.findByIdentity(tenant.id, { channel: 'webchat', address: 'visitor-1' });
    expect(contact?.id).toBe(conversation.contactId);
    await second.storage.close();
  });
});
