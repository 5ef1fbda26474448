import { createMemoryStorage, type HotlineEvent, SimulatedClock, type Storage } from '@hotline/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { AfterWriteHook } from '../model/ports.js';
import { agent, as, type Kit, makeKit, requester, START, TENANT } from '../service/test-kit.js';
import { createMemoryTicketStore } from '../store/memory-ticket-store.js';
import type { TicketStore } from '../store/ticket-store.js';
import { SlaMonitor } from './monitor.js';
import type { SlaPolicyInput } from './policy.js';
import { createServiceSlaPort, createStoreSlaSource } from './service-port.js';

const MIN = 60_000;
const policies: SlaPolicyInput[] = [
  {
    id: 'sla_std',
    name: 'Standard',
    warnBeforeMs: 30 * MIN,
    targets: { normal: { first_reply: 60 } },
    escalations: [{ metric: 'first_reply', on: 'breach', actions: [{ type: 'raise_priority' }] }],
  },
];

interface Process {
  kit: Kit;
  monitor: SlaMonitor;
  events: string[];
}

const running: Process[] = [];
afterEach(async () => {
  for (const p of running.splice(0)) {
    await p.monitor.stop();
    await p.kit.hotline.stop();
    p.kit.tickets.close();
    expect(p.kit.errors).toEqual([]);
  }
});

/** One process: a service and an SLA monitor on shared storage, store and clock. */
async function boot(shared: { clock: SimulatedClock; storage: Storage; store: TicketStore }): Promise<Process> {
  let monitor: SlaMonitor | undefined;
  const sla: AfterWriteHook = { name: 'sla', afterWrite: async (result) => monitor?.hook.afterWrite(result) };
  const kit = makeKit({ hooks: [sla] }, shared);
  const events: string[] = [];
  kit.hotline.bus.subscribe('ticket.*', (event: HotlineEvent) => {
    if (event.type === 'ticket.sla_warning' || event.type === 'ticket.sla_breached')
      events.push(`${event.type} ${event.metric} @ ${event.at}`);
  });
  monitor = new SlaMonitor({
    clock: shared.clock,
    bus: kit.hotline.bus,
    config: () => ({ policies, calendars: {} }),
    tickets: createStoreSlaSource({ store: shared.store, tenants: () => [TENANT] }),
    actions: createServiceSlaPort({ service: kit.tickets }),
    timers: kit.hotline.timers,
    onError: (error) => {
      throw error;
    },
  });
  await kit.hotline.start();
  await monitor.start();
  const process = { kit, monitor, events };
  running.push(process);
  return process;
}

const iso = (ms: number) => new Date(ms).toISOString();

/**
 * Moves the clock through `instants`, letting the timer handlers each one starts finish
 * (they write, and the audit log hashes with WebCrypto, which the simulated clock does not
 * wait for).
 */
async function walk(clock: SimulatedClock, process: Process, ...instants: number[]): Promise<void> {
  for (const at of instants) {
    await clock.advanceTo(at);
    await process.kit.hotline.timers.runDue();
  }
}

describe('recordSla', () => {
  it('writes one sla entry with meta and changes, named after the policy, on the latest version', async () => {
    const kit = makeKit();
    const t = await kit.tickets.create(requester(), { subject: 'S', requesterId: 'ctc_1', description: 'd' });
    await kit.tickets.update(agent(), t.id, { changes: { tags: ['x'] } });
    const meta = {
      metric: 'first_reply',
      event: 'breach',
      cycle: 1,
      policyId: 'sla_std',
      dueAt: iso(START + 60 * MIN),
    } as const;
    const sla = as({ type: 'sla', id: 'sla_std' });
    const after = await kit.tickets.recordSla(sla, t.id, { changes: { priority: 'high' }, meta });
    expect(after).toMatchObject({ version: 3, priority: 'high' });
    // The same event again (a retry after a crash, a second monitor): nothing more.
    await kit.tickets.recordSla(sla, t.id, { changes: { priority: 'urgent' }, meta });
    // A warning with no escalation records itself alone.
    await kit.tickets.recordSla(sla, t.id, { meta: { ...meta, event: 'warning' } });
    const history = await kit.tickets.history({ tenantId: TENANT }, t.id);
    expect(history.map((entry) => [entry.version, entry.kind])).toEqual([
      [1, 'created'],
      [2, 'updated'],
      [3, 'sla'],
      [4, 'sla'],
    ]);
    expect(history[2]).toMatchObject({
      actor: { type: 'sla', id: 'sla_std' },
      meta,
      changes: [{ property: 'priority', from: 'normal', to: 'high' }],
    });
    expect(history[3]?.changes).toEqual([]);
    expect(kit.results.map((r) => r.entry.kind)).toEqual(['created', 'updated', 'sla', 'sla']);
  });

  it('is written by the policy it names, with a valid meta', async () => {
    const kit = makeKit();
    const t = await kit.tickets.create(requester(), { subject: 'S', requesterId: 'ctc_1' });
    const meta = { metric: 'first_reply', event: 'breach', cycle: 1, policyId: 'sla_std', dueAt: iso(START) } as const;
    await expect(kit.tickets.recordSla(agent(), t.id, { meta })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(kit.tickets.recordSla(as({ type: 'sla', id: 'sla_other' }), t.id, { meta })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await expect(
      kit.tickets.recordSla(as({ type: 'sla', id: 'sla_std' }), t.id, { meta: { ...meta, event: 'late' } as never }),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect((await kit.tickets.get({ tenantId: TENANT }, t.id)).version).toBe(1);
  });

  it('does not lose a race: a concurrent write in between is re-read, not a conflict', async () => {
    const kit = makeKit();
    const t = await kit.tickets.create(requester(), { subject: 'S', requesterId: 'ctc_1' });
    const meta = { metric: 'first_reply', event: 'breach', cycle: 1, policyId: 'sla_std', dueAt: iso(START) } as const;
    const [, recorded] = await Promise.all([
      kit.tickets.update(agent(), t.id, { changes: { groupId: 'grp_1' } }),
      kit.tickets.recordSla(as({ type: 'sla', id: 'sla_std' }), t.id, { changes: { priority: 'high' }, meta }),
    ]);
    expect(recorded.priority).toBe('high');
    const latest = await kit.tickets.get({ tenantId: TENANT }, t.id);
    expect(latest).toMatchObject({ version: 3, priority: 'high', groupId: 'grp_1' });
  });
});

describe('the SLA monitor through the ticket service', () => {
  it('fires each alarm once across restarts: the sla entries in the history are replayed', async () => {
    const clock = new SimulatedClock(START);
    const shared = { clock, storage: createMemoryStorage({ clock }), store: createMemoryTicketStore() };
    const first = await boot(shared);
    const t = await first.kit.tickets.create(requester(), { subject: 'S', requesterId: 'ctc_1', description: 'd' });
    await walk(clock, first, START + 30 * MIN, START + 45 * MIN);
    expect(first.events).toEqual([`ticket.sla_warning first_reply @ ${iso(START + 30 * MIN)}`]);

    // The process goes down after the warning and a new one starts on the same storage:
    // its rebuild replays the history, which holds the warning, so it does not fire again.
    await first.monitor.stop();
    await first.kit.hotline.stop();
    first.kit.tickets.close();
    const second = await boot(shared);
    await walk(clock, second, START + 50 * MIN);
    expect(second.events).toEqual([]);

    await walk(clock, second, START + 60 * MIN, START + 2 * 60 * MIN);
    expect(second.events).toEqual([`ticket.sla_breached first_reply @ ${iso(START + 60 * MIN)}`]);
    const history = await second.kit.tickets.history({ tenantId: TENANT }, t.id);
    const slaEntries = history.filter((entry) => entry.kind === 'sla');
    expect(slaEntries.map((entry) => [entry.actor, entry.meta?.['event'], entry.changes])).toEqual([
      [{ type: 'sla', id: 'sla_std' }, 'warning', []],
      [{ type: 'sla', id: 'sla_std' }, 'breach', [{ property: 'priority', from: 'normal', to: 'high' }]],
    ]);

    // And once more: a third process finds both recorded and fires nothing.
    await second.monitor.stop();
    await second.kit.hotline.stop();
    second.kit.tickets.close();
    const third = await boot(shared);
    await walk(clock, third, START + 5 * 60 * MIN);
    expect(third.events).toEqual([]);
    expect(third.monitor.size).toBe(0);
  });
});
