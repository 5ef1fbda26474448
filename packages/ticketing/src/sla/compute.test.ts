import { createBusinessCalendar, NotFoundError, ValidationError } from '@hotline/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeSla, type SlaCalendars } from './compute.js';
import { compileSlaPolicies, type SlaPolicyInput } from './policy.js';
import { at, iso, TicketStory, weekdays } from './test-kit.js';

const MIN = 60_000;
const H = 60 * MIN;
const office = createBusinessCalendar({ timeZone: 'Europe/Berlin', weekly: weekdays([['09:00', '17:00']]) });
const calendars = { office };

const standard: SlaPolicyInput = {
  id: 'sla_standard',
  name: 'Standard',
  position: 10,
  calendarId: 'office',
  targets: {
    normal: { first_reply: 120, next_reply: 60, periodic_update: 240, resolution: 960 },
    urgent: { first_reply: 30, resolution: 240 },
  },
};
const policies = compileSlaPolicies([standard]);
// Monday 2 March 2026, Berlin (CET, +01:00).
const MON = (time: string) => at(`2026-03-02T${time}:00+01:00`);
const TUE = (time: string) => at(`2026-03-03T${time}:00+01:00`);
const WED = (time: string) => at(`2026-03-04T${time}:00+01:00`);

function report(
  story: TicketStory,
  now: number,
  set: Parameters<typeof computeSla>[2] = policies,
  cals: SlaCalendars = calendars,
) {
  return computeSla(story.ticket, story.history, set, cals, now);
}

describe('first reply', () => {
  it('is achieved by the first public agent comment, within business hours', () => {
    const story = new TicketStory({ at: MON('09:00') }).agentReply(MON('10:30'));
    const first = report(story, MON('12:00')).metrics.first_reply;
    expect(first).toMatchObject({ status: 'achieved', elapsedMs: 90 * MIN, targetMs: 120 * MIN, cycle: 1 });
    expect(iso(first?.achievedAt)).toBe(iso(MON('10:30')));
    expect(iso(first?.dueAt)).toBe(iso(MON('11:00')));
  });

  it('breaches at the due instant, and a reply at exactly that instant is late', () => {
    const open = new TicketStory({ at: MON('09:00') });
    const first = report(open, MON('11:30')).metrics.first_reply;
    expect(first).toMatchObject({ status: 'breached', running: true, elapsedMs: 150 * MIN });
    expect(iso(first?.breachedAt)).toBe(iso(MON('11:00')));
    expect(report(open, MON('10:59')).metrics.first_reply?.status).toBe('active');
    const late = new TicketStory({ at: MON('09:00') }).agentReply(MON('11:00'));
    expect(report(late, MON('12:00')).metrics.first_reply).toMatchObject({
      status: 'breached',
      achievedAt: MON('11:00'),
      breachedAt: MON('11:00'),
    });
  });

  it('runs only in business hours: Friday 16:00 + 2 h is due Monday 10:00', () => {
    const story = new TicketStory({ at: at('2026-02-27T16:00:00+01:00') });
    expect(iso(report(story, at('2026-02-28T12:00:00+01:00')).metrics.first_reply?.dueAt)).toBe(iso(MON('10:00')));
  });

  it('ignores internal notes, system comments and the creating comment of an agent', () => {
    const story = new TicketStory({ at: MON('09:00'), by: 'agent' })
      .internalNote(MON('09:10'))
      .write(MON('09:20'), { comment: { author: 'system', public: true } });
    expect(report(story, MON('09:30')).metrics.first_reply?.status).toBe('active');
    story.agentReply(MON('09:40'));
    expect(report(story, MON('09:50')).metrics.first_reply?.achievedAt).toBe(MON('09:40'));
  });
});

describe('next reply and periodic update', () => {
  it('next reply runs from the oldest unanswered requester comment after an agent reply', () => {
    const story = new TicketStory({ at: MON('09:00') })
      .requesterReply(MON('09:10')) // before any agent reply: first reply covers it
      .agentReply(MON('09:30'))
      .requesterReply(MON('10:00'))
      .requesterReply(MON('10:20'))
      .agentReply(MON('10:50'));
    const first = report(story, MON('11:00'));
    expect(first.cycles.filter((cycle) => cycle.metric === 'next_reply')).toHaveLength(1);
    expect(first.metrics.next_reply).toMatchObject({ status: 'achieved', cycle: 4, elapsedMs: 50 * MIN });
    story.requesterReply(MON('11:00'));
    const second = report(story, MON('11:30')).metrics.next_reply;
    expect(second).toMatchObject({ status: 'active', cycle: 7, elapsedMs: 30 * MIN });
    expect(iso(second?.dueAt)).toBe(iso(MON('12:00')));
  });

  it('periodic update restarts at each public agent comment and ends when solved', () => {
    const story = new TicketStory({ at: MON('09:00') })
      .agentReply(MON('09:30'))
      .agentReply(MON('11:00'))
      .status(MON('12:00'), 'solved');
    const cycles = report(story, MON('13:00')).cycles.filter((cycle) => cycle.metric === 'periodic_update');
    expect(cycles.map((cycle) => [cycle.cycle, cycle.status])).toEqual([
      [2, 'achieved'],
      [3, 'cancelled'],
    ]);
    expect(cycles[0]?.elapsedMs).toBe(90 * MIN);
  });
});

describe('resolution, pauses and reopen', () => {
  it('a reopen resumes resolution with the time already used', () => {
    const story = new TicketStory({ at: MON('09:00') })
      .status(MON('12:00'), 'solved')
      .requesterReply(TUE('09:00'), { status: 'open' });
    const solved = report(story, MON('20:00')).metrics.resolution;
    expect(solved).toMatchObject({ status: 'achieved', elapsedMs: 3 * H, achievedAt: MON('12:00') });
    const resumed = report(story, TUE('10:00')).metrics.resolution;
    expect(resumed).toMatchObject({ status: 'active', elapsedMs: 4 * H });
    expect(resumed?.achievedAt).toBeUndefined();
    // 16 h target: 3 h Monday + 8 h Tuesday + 5 h Wednesday.
    expect(iso(resumed?.dueAt)).toBe(iso(WED('14:00')));
  });

  it('pending pauses the clock: paused time is not counted and the due time moves', () => {
    const story = new TicketStory({ at: MON('09:00') })
      .agentReply(MON('09:30'), { status: 'pending' })
      .requesterReply(MON('13:00'), { status: 'open' });
    const paused = report(story, MON('12:00')).metrics.resolution;
    expect(paused).toMatchObject({ status: 'paused', pausedBy: 'status', elapsedMs: 30 * MIN, running: false });
    expect(paused?.dueAt).toBeUndefined();
    const running = report(story, MON('14:00')).metrics.resolution;
    expect(running?.elapsedMs).toBe(90 * MIN);
    expect(iso(running?.dueAt)).toBe(iso(WED('12:30')));
  });

  it('closing cancels reply metrics; merging cancels everything still open', () => {
    const closed = new TicketStory({ at: MON('09:00') }).status(MON('10:00'), 'closed');
    expect(report(closed, MON('12:00')).metrics).toMatchObject({
      first_reply: { status: 'cancelled', cancelledAt: MON('10:00') },
      resolution: { status: 'achieved' },
    });
    const merged = new TicketStory({ at: MON('09:00') }).status(MON('10:00'), 'merged');
    expect(report(merged, MON('12:00')).metrics.resolution?.status).toBe('cancelled');
  });
});

describe('policy choice by replay', () => {
  const vip: SlaPolicyInput = {
    id: 'sla_vip',
    name: 'VIP around the clock',
    position: 0,
    conditions: { all: [{ field: 'tags', operator: 'includes', value: 'vip' }] },
    businessHoursOnly: false,
    targets: { normal: { resolution: 600 } },
  };

  it('a policy change keeps the time counted so far and never counts paused time', () => {
    const story = new TicketStory({ at: MON('09:00') })
      .status(MON('10:00'), 'pending')
      .status(MON('12:00'), 'open')
      .write(MON('13:00'), { tags: ['vip'] });
    const now = MON('14:00');
    const resolution = report(story, now, compileSlaPolicies([vip, standard])).metrics.resolution;
    // 1 h before pending + 1 h after, under Standard; then VIP counts around the clock.
    expect(resolution).toMatchObject({ policyId: 'sla_vip', elapsedMs: 3 * H, targetMs: 10 * H });
    expect(iso(resolution?.dueAt)).toBe(iso(MON('21:00')));
  });

  it('targets apply from the write that made the policy match', () => {
    const tagged: SlaPolicyInput = {
      ...standard,
      conditions: { all: [{ field: 'tags', operator: 'includes', value: 'sla' }] },
    };
    const story = new TicketStory({ at: MON('09:00') }).write(MON('11:00'), { tags: ['sla'] });
    const set = compileSlaPolicies([tagged]);
    expect(report(story, MON('10:00'), set).metrics).toEqual({});
    expect(iso(report(story, MON('11:30'), set).metrics.first_reply?.dueAt)).toBe(iso(MON('13:00')));
  });

  it('a raised priority whose target is already used up breaches at that write', () => {
    const story = new TicketStory({ at: MON('09:00') }).write(MON('10:00'), { priority: 'urgent' });
    const first = report(story, MON('10:05')).metrics.first_reply;
    expect(first).toMatchObject({ status: 'breached', targetMs: 30 * MIN, breachedAt: MON('10:00') });
  });

  it('recomputing after a policy or calendar change corrects the past (retroactive pause, new holiday)', () => {
    const story = new TicketStory({ at: MON('09:00') }).status(MON('10:00'), 'on_hold').status(MON('15:00'), 'open');
    const pendingOnly = compileSlaPolicies([{ ...standard, pauseStatuses: ['pending'] }]);
    const before = report(story, MON('16:00'), pendingOnly).metrics.resolution;
    expect(before?.elapsedMs).toBe(7 * H);
    const after = report(
      story,
      MON('16:00'),
      compileSlaPolicies([{ ...standard, pauseStatuses: ['pending', 'on_hold'] }]),
    ).metrics.resolution;
    expect(after?.elapsedMs).toBe(2 * H);
    expect(iso(after?.dueAt)).toBe(iso(WED('14:00')));
    const tuesdayOff = createBusinessCalendar({
      timeZone: 'Europe/Berlin',
      weekly: weekdays([['09:00', '17:00']]),
      holidays: [{ date: '2026-03-03' }],
    });
    const moved = report(story, MON('16:00'), policies, { office: tuesdayOff }).metrics.resolution;
    expect(iso(moved?.dueAt)).toBe(iso(at('2026-03-05T14:00:00+01:00')));
  });
});

describe('bad definitions', () => {
  const bad = (input: unknown) => () => compileSlaPolicies([input]);

  it('rejects invalid policies with ValidationError', () => {
    expect(bad({ id: 'p', name: 'No targets', targets: {} })).toThrow(ValidationError);
    expect(bad({ ...standard, calendarId: undefined, quietOutsideHours: true })).toThrow(/quietOutsideHours/);
    expect(
      bad({
        ...standard,
        escalations: [{ metric: 'first_reply', on: 'warning', actions: [{ type: 'raise_priority' }] }],
      }),
    ).toThrow(/warnBeforeMs/);
    expect(
      bad({ ...standard, escalations: [{ metric: 'first_reply', on: 'breach', actions: [{ type: 'reassign' }] }] }),
    ).toThrow(ValidationError);
    expect(bad({ ...standard, conditions: { all: [{ field: 'priority', operator: 'like', value: 'x' }] } })).toThrow(
      ValidationError,
    );
    expect(bad({ ...standard, targets: { normal: { first_reply: 0 } } })).toThrow(ValidationError);
    expect(bad({ ...standard, pauseStatuses: ['solved'] })).toThrow(ValidationError);
    expect(() => compileSlaPolicies([standard, standard])).toThrow(/used twice/);
  });

  it('a policy naming an unknown calendar fails the replay with NotFoundError', () => {
    const story = new TicketStory({ at: MON('09:00') });
    expect(() => report(story, MON('10:00'), policies, {})).toThrow(NotFoundError);
  });
});

describe('invariants', () => {
  it('elapsed time is the calendar time of the unpaused segments; due time is the rest of the target', () => {
    const statuses = ['open', 'pending', 'on_hold', 'open', 'solved'] as const;
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 1, max: 3 * 24 * 60 }), fc.constantFrom(...statuses)), { maxLength: 12 }),
        fc.integer({ min: 0, max: 24 * 60 }),
        (steps, tail) => {
          let t = MON('09:00');
          const story = new TicketStory({ at: t, status: 'open' });
          let expected = 0;
          let status: string = 'open';
          let segmentStart = t;
          for (const [minutes, next] of steps) {
            t += minutes * MIN;
            if (status !== 'pending' && status !== 'on_hold' && status !== 'solved')
              expected += office.businessTimeBetween(segmentStart, t);
            story.status(t, next);
            status = next;
            segmentStart = t;
          }
          const now = t + tail * MIN;
          if (status !== 'pending' && status !== 'on_hold' && status !== 'solved')
            expected += office.businessTimeBetween(segmentStart, now);
          const resolution = report(story, now).metrics.resolution;
          expect(resolution?.elapsedMs).toBe(expected);
          if (resolution?.running && resolution.dueAt !== undefined && resolution.breachedAt === undefined)
            expect(office.businessTimeBetween(now, resolution.dueAt)).toBe(16 * H - expected);
        },
      ),
      { numRuns: 200 },
    );
  });
});
