import { createMemoryStorage, SimulatedClock } from '@hotline/core';
import { describe, expect, it } from 'vitest';
import { createMemoryTicketStore } from '../store/memory-ticket-store.js';
import { AUTO_CLOSE_TIMER, autoCloseTimerId } from './auto-close.js';
import { agent, makeKit, requester, START, TENANT } from './test-kit.js';

const HOUR = 3_600_000;
const read = { tenantId: TENANT };

async function solvedTicket(kit: ReturnType<typeof makeKit>) {
  const t = await kit.tickets.create(agent(), { subject: 'S', requesterId: 'ctc_1', assigneeId: 'agt_1' });
  return kit.tickets.update(agent(), t.id, { changes: { status: 'solved' } });
}

describe('auto-close', () => {
  it('closes a solved ticket after the configured time, as the system', async () => {
    const kit = makeKit({ autoCloseAfterMs: 48 * HOUR });
    await kit.hotline.start();
    const solved = await solvedTicket(kit);
    const timer = await kit.storage.timers.get(TENANT, autoCloseTimerId(solved.id));
    expect(timer).toMatchObject({ kind: AUTO_CLOSE_TIMER, dueAt: START + 48 * HOUR, payload: { solveVersion: 2 } });
    await kit.clock.advance(48 * HOUR - 1);
    expect((await kit.tickets.get(read, solved.id)).status).toBe('solved');
    await kit.clock.advance(1);
    const closed = await kit.tickets.get(read, solved.id);
    expect(closed).toMatchObject({ status: 'closed', closedAt: new Date(START + 48 * HOUR).toISOString() });
    expect((await kit.tickets.history(read, solved.id)).at(-1)).toMatchObject({
      actor: { type: 'system', reason: 'auto_close' },
      changes: expect.arrayContaining([{ property: 'status', from: 'solved', to: 'closed' }]),
    });
    expect(await kit.storage.timers.get(TENANT, autoCloseTimerId(solved.id))).toBeUndefined();
    await kit.hotline.stop();
  });

  it('a reopen cancels it; a new solve arms a fresh one', async () => {
    const kit = makeKit({ autoCloseAfterMs: 10 * HOUR });
    await kit.hotline.start();
    const solved = await solvedTicket(kit);
    await kit.clock.advance(5 * HOUR);
    await kit.tickets.comment(requester(), solved.id, { body: 'not fixed', public: true });
    expect(await kit.storage.timers.get(TENANT, autoCloseTimerId(solved.id))).toBeUndefined();
    await kit.clock.advance(6 * HOUR);
    expect((await kit.tickets.get(read, solved.id)).status).toBe('open');
    const again = await kit.tickets.update(agent(), solved.id, { changes: { status: 'solved' } });
    await kit.clock.advance(10 * HOUR);
    expect((await kit.tickets.get(read, again.id)).status).toBe('closed');
    await kit.hotline.stop();
  });

  it('other changes to a solved ticket do not restart or stop the clock', async () => {
    const kit = makeKit({ autoCloseAfterMs: 10 * HOUR });
    await kit.hotline.start();
    const solved = await solvedTicket(kit);
    await kit.clock.advance(3 * HOUR);
    await kit.tickets.update(agent(), solved.id, { changes: { addTags: ['late'] } });
    await kit.clock.advance(7 * HOUR);
    expect((await kit.tickets.get(read, solved.id)).status).toBe('closed');
    await kit.hotline.stop();
  });

  it('firing twice or after a reopen-and-resolve is harmless (idempotent)', async () => {
    const kit = makeKit({ autoCloseAfterMs: 10 * HOUR });
    const solved = await solvedTicket(kit);
    await kit.tickets.comment(requester(), solved.id, { body: 'not fixed', public: true });
    await kit.tickets.update(agent(), solved.id, { changes: { status: 'solved' } });
    // A stale timer from the first solve (version 2) arrives late.
    await kit.storage.timers.schedule({
      tenantId: TENANT,
      id: 'stale-autoclose',
      kind: AUTO_CLOSE_TIMER,
      dueAt: START,
      payload: { ticketId: solved.id, solveVersion: 2 },
    });
    await kit.hotline.start();
    await kit.hotline.timers.runDue();
    expect((await kit.tickets.get(read, solved.id)).status).toBe('solved');
    await kit.clock.advance(10 * HOUR);
    expect((await kit.tickets.get(read, solved.id)).status).toBe('closed');
    const versions = (await kit.tickets.history(read, solved.id)).length;
    await kit.storage.timers.schedule({
      tenantId: TENANT,
      id: 'repeat',
      kind: AUTO_CLOSE_TIMER,
      dueAt: kit.clock.now(),
      payload: { ticketId: solved.id, solveVersion: 4 },
    });
    await kit.hotline.timers.runDue();
    expect(await kit.tickets.history(read, solved.id)).toHaveLength(versions);
    expect(kit.errors).toEqual([]);
    await kit.hotline.stop();
  });

  it('survives a restart: a new service on the same storage re-arms and fires the timer', async () => {
    const clock = new SimulatedClock(START);
    const storage = createMemoryStorage({ clock });
    const store = createMemoryTicketStore();
    const first = makeKit({ autoCloseAfterMs: 24 * HOUR }, { clock, storage, store });
    await first.hotline.start();
    const solved = await solvedTicket(first);
    await first.hotline.stop();
    first.tickets.close();
    await clock.advance(30 * HOUR);
    expect((await first.store.get(TENANT, solved.id))?.status).toBe('solved');
    const second = makeKit({ autoCloseAfterMs: 24 * HOUR }, { clock, storage, store });
    await second.hotline.start();
    await clock.advance(1);
    expect((await second.tickets.get(read, solved.id)).status).toBe('closed');
    await second.hotline.stop();
  });

  it('can be turned off', async () => {
    const kit = makeKit({ autoCloseAfterMs: null });
    await kit.hotline.start();
    const solved = await solvedTicket(kit);
    expect(await kit.storage.timers.get(TENANT, autoCloseTimerId(solved.id))).toBeUndefined();
    await kit.hotline.stop();
  });
});
