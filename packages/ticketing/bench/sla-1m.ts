/**
 * `sla-1m`: 1,000,000 open tickets tracked by a real `SlaMonitor` (its due index fed by
 * `computeSla` through `rebuild()`, as after a restart), then the clock moves so that
 * exactly 10,000 first-reply targets are breached, and `runDue()` finds and fires them.
 *
 * What `fireMs` counts, per round of 10,000: taking the due entries out of the 1M-entry
 * index, and for each ticket the monitor's whole due path — loading it from an in-memory
 * port (a ticket and its history built on the fly; no storage I/O), the full `computeSla`
 * replay (Europe/Berlin business calendar with holidays), `pendingAlarms`, publishing
 * `ticket.sla_breached` on an `InMemoryEventBus` (one subscriber), the escalation plan
 * with a `notify` and a `raise_priority`, the port's `notify` and `update` (in-memory
 * counters), and re-indexing the ticket at its next alarm (resolution). After an untimed
 * warm-up of 1,000 tickets (so the due path is compiled, as in a running server), three
 * rounds of 10,000 (tickets 1,000–10,999, 11,000–20,999, 21,000–30,999); `fireMs` is
 * their median, `fireMsRounds` lists them all.
 *
 * Baseline: `linearScanMs`, finding the same 10,000 by scanning every tracked ticket's
 * due time (what a poller without an index does), without firing anything.
 * `heapMB` is the process heap after a full GC with the 1M tickets tracked; `indexMB` is
 * what the monitor added to it.
 */
import { createBusinessCalendar, formatIsoInstant, InMemoryEventBus, SimulatedClock } from '@hotline/core';
import type { HistoryEntry } from '../src/model/history.js';
import type { Ticket } from '../src/model/ticket.js';
import { computeSla } from '../src/sla/compute.js';
import type { SlaEscalationPort } from '../src/sla/escalation.js';
import { SlaMonitor, type SlaSubject } from '../src/sla/monitor.js';
import { compileSlaPolicies } from '../src/sla/policy.js';
import { heapMB } from './rng.js';

const TICKETS = Number(process.env['TICKETS'] ?? 1_000_000);
const DUE = 10_000;
const ROUNDS = 3;
/** Tickets fired once before timing, so the due path is compiled (JIT) like in a running server. */
const WARMUP = Number(process.env['WARMUP'] ?? 1_000);
const SPACING_MS = 10;
const TARGET_MS = 100;
const TENANT = 'ten_bench';
/** Monday 2 March 2026, 09:00 in Berlin: tickets arrive every 10 ms from here. */
const BASE = Date.parse('2026-03-02T09:00:00+01:00');

const calendars = {
  office: createBusinessCalendar({
    timeZone: 'Europe/Berlin',
    weekly: {
      mon: [['09:00', '17:00']],
      tue: [['09:00', '17:00']],
      wed: [['09:00', '17:00']],
      thu: [['09:00', '17:00']],
      fri: [['09:00', '17:00']],
    },
    holidays: [{ date: '05-01', yearly: true }, { from: '12-24', to: '12-26', yearly: true }, { date: '2026-04-03' }],
  }),
};
const policies = compileSlaPolicies([
  {
    id: 'sla_standard',
    name: 'Standard',
    calendarId: 'office',
    targets: { normal: { first_reply: 600, resolution: 2400 }, high: { first_reply: 600, resolution: 2400 } },
    escalations: [
      {
        metric: 'first_reply',
        on: 'breach',
        actions: [{ type: 'notify', target: { type: 'assignee' } }, { type: 'raise_priority' }],
      },
    ],
  },
]);

function subject(i: number): SlaSubject {
  const at = formatIsoInstant(BASE + i * SPACING_MS);
  const id = `tkt_${i}`;
  const ticket: Ticket = {
    id,
    tenantId: TENANT,
    version: 1,
    number: i + 1,
    subject: 'Printer on fire',
    status: 'new',
    priority: 'normal',
    requesterId: 'con_1',
    assigneeId: 'agt_1',
    tags: [],
    fields: {},
    source: { kind: 'email' },
    conversationIds: [],
    links: [],
    attributes: {},
    createdAt: at,
    updatedAt: at,
  };
  const created: HistoryEntry = {
    tenantId: TENANT,
    ticketId: id,
    version: 1,
    at,
    actor: { type: 'requester', id: 'con_1' },
    kind: 'created',
    changes: [{ property: 'status', from: undefined, to: 'new' }],
    comment: { id: `cmt_${i}`, public: true, author: 'requester' },
    depth: 0,
  };
  return { ticket, history: [created] };
}

export async function run(): Promise<object[]> {
  const clock = new SimulatedClock(BASE + TICKETS * SPACING_MS);
  const bus = new InMemoryEventBus({ clock });
  let breached = 0;
  bus.subscribe('ticket.sla_breached', () => {
    breached++;
  });
  let notified = 0;
  let updated = 0;
  const actions: SlaEscalationPort = {
    update: async () => {
      updated++;
    },
    notify: async () => {
      notified++;
    },
  };
  const heapBefore = heapMB();
  const monitor = new SlaMonitor({
    clock,
    bus,
    config: () => ({ policies, calendars }),
    tickets: {
      load: async (_tenantId, ticketId) => subject(Number(ticketId.slice(4))),
      loadOpen: function* () {
        for (let i = 0; i < TICKETS; i++) yield subject(i);
      },
    },
    actions,
    onError: (error) => {
      throw error;
    },
  });
  const seedBegan = performance.now();
  await monitor.rebuild();
  const seedMs = performance.now() - seedBegan;
  if (monitor.size !== TICKETS) throw new Error(`tracked ${monitor.size} of ${TICKETS}`);
  const heapAfter = heapMB();

  // The instant at which tickets [0, n) are due (first reply), computed independently of the index.
  const dueOf = (n: number) => {
    const last = subject(n - 1);
    return computeSla(last.ticket, last.history, policies, calendars, clock.now()).metrics.first_reply?.dueAt as number;
  };
  const ends = Array.from({ length: ROUNDS }, (_, round) => WARMUP + (round + 1) * DUE);
  // Baseline first (it reads the index without changing it), then a GC so its garbage is gone.
  const scans: number[] = [];
  for (const end of ends) {
    const until = dueOf(end);
    const scanBegan = performance.now();
    let found = 0;
    for (const entry of monitor.due.entries()) if (entry.at <= until) found++;
    scans.push(performance.now() - scanBegan);
    if (found !== end) throw new Error(`the scan found ${found} due tickets, expected ${end}`);
  }
  // Warm-up: the first WARMUP tickets go through the due path once (JIT), untimed.
  clock.set(dueOf(WARMUP));
  const warmBegan = performance.now();
  if ((await monitor.runDue()) !== WARMUP) throw new Error('warm-up did not fire every due ticket');
  const warmupMs = performance.now() - warmBegan;
  heapMB();

  const rounds: number[] = [];
  for (const end of ends) {
    clock.set(dueOf(end));
    const before = breached;
    const fireBegan = performance.now();
    const processed = await monitor.runDue();
    rounds.push(performance.now() - fireBegan);
    if (processed !== DUE || breached - before !== DUE)
      throw new Error(`round ending at ${end}: processed ${processed}, fired ${breached - before}, expected ${DUE}`);
  }
  if (monitor.size !== TICKETS) throw new Error('fired tickets must stay tracked (their resolution alarm)');
  const sorted = [...rounds].sort((a, b) => a - b);
  const fireMs = sorted[Math.floor(sorted.length / 2)] as number;
  const round2 = (value: number) => Math.round(value * 10) / 10;
  return [
    {
      scenario: 'sla-1m',
      tickets: TICKETS,
      due: DUE,
      fired: breached - WARMUP,
      warmupTickets: WARMUP,
      warmupMs: round2(warmupMs),
      notified: notified - WARMUP,
      updated: updated - WARMUP,
      fireMs: round2(fireMs),
      fireMsRounds: rounds.map(round2),
      perFireUs: round2((fireMs * 1000) / DUE),
      linearScanMs: round2([...scans].sort((a, b) => a - b)[1] as number),
      seedMs: Math.round(seedMs),
      heapMB: heapAfter,
      indexMB: round2(heapAfter - heapBefore),
      target: TARGET_MS,
      meetsTarget: fireMs < TARGET_MS,
    },
  ];
}
