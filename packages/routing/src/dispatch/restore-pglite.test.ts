import { createPgliteStorage } from '@hotline/storage-postgres';
import { afterAll, describe, expect, it } from 'vitest';
import { checkSecondProcess, runFirstProcess, startSecondProcess } from './restart-scenario.js';

describe('ConversationDispatcher: restart on PGlite', () => {
  const opened: { close(): Promise<void> }[] = [];
  afterAll(async () => {
    for (const storage of opened) await storage.close();
  });

  it('restores queued and assigned work from the storage the e2e server uses', async () => {
    const storage = await createPgliteStorage();
    opened.push(storage);
    const chats = await runFirstProcess(storage);
    const second = startSecondProcess(storage);
    const report = await second.dispatcher.restore('acme');
    expect(report.adopted).toHaveLength(2);
    expect(report.requeued).toEqual([chats.offered, chats.queued]);
    expect(report.skipped).toEqual([]);
    await checkSecondProcess(second, chats);
  }, 60_000);
});
