import {
  createBusinessCalendar,
  createMemoryStorage,
  parseICalHolidays,
  TimerScheduler,
  twentyFourSeven,
} from '@hotline/core';
import { afterEach, describe, expect, it } from 'vitest';
import type { SlaPolicyInput } from './policy.js';
import { at, everyDay, SlaHarness, type SlaHarnessOptions, weekdays } from './test-kit.js';

const berlinOffice = createBusinessCalendar({ timeZone: 'Europe/Berlin', weekly: weekdays([['09:00', '17:00']]) });

const policy = (input: Partial<SlaPolicyInput> & Pick<SlaPolicyInput, 'targets'>): SlaPolicyInput => ({
  id: 'sla_p',
  name: 'P',
  ...input,
});
const utc = (ms: number) => new Date(ms).toISOString();

const harnesses: SlaHarness[] = [];
async function harness(options: SlaHarnessOptions): Promise<SlaHarness> {
  const created = await new SlaHarness(options).start();
  harnesses.push(created);
  return created;
}
afterEach(async () => {
  for (const h of harnesses.splice(0)) {
    expect(h.errors).toEqual([]);
    await h.stop();
  }
});

/** The fired events as `type metric @ instant` lines. */
const timeline = (h: SlaHarness) => h.fired.map((event) => `${event.type} ${event.metric} @ ${event.at}`);

describe('DST', () => {
  it('Europe/Berlin spring-forward: Friday 16:00 + 2 business hours breaches Monday 10:00 CEST', async () => {
    const h = await harness({
      start: '2026-03-27T16:00:00+01:00',
      policies: [
        policy({ calendarId: 'office', warnBeforeMs: 30 * 60_000, targets: { normal: { first_reply: 120 } } }),
      ],
      calendars: { office: berlinOffice },
    });
    await h.create({});
    await h.advanceTo('2026-03-31T00:00:00+02:00');
    expect(timeline(h)).toEqual([
      `ticket.sla_warning first_reply @ ${utc(at('2026-03-30T09:30:00+02:00'))}`,
      `ticket.sla_breached first_reply @ ${utc(at('2026-03-30T10:00:00+02:00'))}`,
    ]);
  });

  it('calendar hours across spring-forward count real time (23:00 CET + 4 h = 04:00 CEST)', async () => {
    const h = await harness({
      start: '2026-03-28T23:00:00+01:00',
      policies: [policy({ targets: { normal: { resolution: 240 } } })],
    });
    await h.create({});
    await h.advanceTo('2026-03-30T00:00:00+02:00');
    expect(timeline(h)).toEqual([`ticket.sla_breached resolution @ ${utc(at('2026-03-29T04:00:00+02:00'))}`]);
  });

  it('Europe/Berlin fall-back: a zoned 24/7 calendar counts the repeated hour once per pass', async () => {
    const berlin247 = createBusinessCalendar(
      twentyFourSeven({ timeZone: 'Europe/Berlin', holidays: [{ date: '2027-12-25' }] }),
    );
    const h = await harness({
      start: '2026-10-24T12:00:00+02:00',
      policies: [policy({ calendarId: 'berlin', targets: { normal: { resolution: 26 * 60 } } })],
      calendars: { berlin: berlin247 },
    });
    await h.create({});
    await h.advanceTo('2026-10-27T00:00:00+01:00');
    // 26 real hours: Sunday 13:00 CET, not the wall-clock 14:00.
    expect(timeline(h)).toEqual([`ticket.sla_breached resolution @ ${utc(at('2026-10-25T13:00:00+01:00'))}`]);
  });

  it('America/New_York: an overnight 22:00–06:00 shift is 9 h on fall-back night and 7 h on spring-forward night', async () => {
    const night = createBusinessCalendar({ timeZone: 'America/New_York', weekly: everyDay([['22:00', '06:00']]) });
    const options = (start: string): SlaHarnessOptions => ({
      start,
      policies: [policy({ calendarId: 'night', targets: { normal: { first_reply: 480 } } })],
      calendars: { night },
    });
    const fall = await harness(options('2026-10-31T21:00:00-04:00'));
    await fall.create({});
    await fall.advanceTo('2026-11-02T00:00:00-05:00');
    expect(timeline(fall)).toEqual([`ticket.sla_breached first_reply @ ${utc(at('2026-11-01T05:00:00-05:00'))}`]);
    const spring = await harness(options('2026-03-07T21:00:00-05:00'));
    await spring.create({});
    await spring.advanceTo('2026-03-10T00:00:00-04:00');
    expect(timeline(spring)).toEqual([`ticket.sla_breached first_reply @ ${utc(at('2026-03-08T23:00:00-04:00'))}`]);
  });
});

describe('midnight and overnight', () => {
  it('a 24/7 clock loses no minute at midnight (UTC shortcut and zoned calendar with holidays)', async () => {
    const h = await harness({
      start: '2026-03-02T23:59:30Z',
      policies: [policy({ targets: { normal: { first_reply: 1 } } })],
    });
    await h.create({});
    await h.advanceTo('2026-03-03T01:00:00Z');
    expect(timeline(h)).toEqual(['ticket.sla_breached first_reply @ 2026-03-03T00:00:30.000Z']);

    const zoned = createBusinessCalendar(
      twentyFourSeven({ timeZone: 'Asia/Shanghai', holidays: [{ date: '10-01', yearly: true }] }),
    );
    const z = await harness({
      start: '2026-03-02T23:59:00+08:00',
      policies: [policy({ calendarId: 'cn', targets: { normal: { first_reply: 2 } } })],
      calendars: { cn: zoned },
    });
    await z.create({});
    await z.advanceTo('2026-03-03T02:00:00+08:00');
    expect(timeline(z)).toEqual([`ticket.sla_breached first_reply @ ${utc(at('2026-03-03T00:01:00+08:00'))}`]);
  });

  it('an overnight shift 22:00–06:00 carries the target into the next night', async () => {
    const night = createBusinessCalendar({ timeZone: 'Europe/Berlin', weekly: everyDay([['22:00', '06:00']]) });
    const h = await harness({
      start: '2026-03-03T05:30:00+01:00',
      policies: [policy({ calendarId: 'night', targets: { normal: { first_reply: 60 } } })],
      calendars: { night },
    });
    await h.create({});
    await h.advanceTo('2026-03-04T12:00:00+01:00');
    expect(timeline(h)).toEqual([`ticket.sla_breached first_reply @ ${utc(at('2026-03-03T22:30:00+01:00'))}`]);
  });
});

describe('holidays', () => {
  const office = createBusinessCalendar({
    timeZone: 'Europe/Berlin',
    weekly: weekdays([['09:00', '17:00']]),
    holidays: [{ date: '2026-05-01' }, { from: '2026-12-24', to: '2026-12-26' }, { date: '01-01', yearly: true }],
  });
  const run = async (start: string, minutes: number, until: string) => {
    const h = await harness({
      start,
      policies: [policy({ calendarId: 'office', targets: { normal: { first_reply: minutes } } })],
      calendars: { office },
    });
    await h.create({});
    await h.advanceTo(until);
    return timeline(h);
  };

  it('skips a single holiday, a range and a yearly one', async () => {
    expect(await run('2026-04-30T16:00:00+02:00', 120, '2026-05-05T00:00:00+02:00')).toEqual([
      `ticket.sla_breached first_reply @ ${utc(at('2026-05-04T10:00:00+02:00'))}`,
    ]);
    expect(await run('2026-12-23T16:00:00+01:00', 120, '2026-12-30T00:00:00+01:00')).toEqual([
      `ticket.sla_breached first_reply @ ${utc(at('2026-12-28T10:00:00+01:00'))}`,
    ]);
    expect(await run('2026-12-31T16:30:00+01:00', 60, '2027-01-05T00:00:00+01:00')).toEqual([
      `ticket.sla_breached first_reply @ ${utc(at('2027-01-04T09:30:00+01:00'))}`,
    ]);
  });

  it('an iCalendar holiday closes the local date, not the UTC one', async () => {
    const feed = [
      'BEGIN:VCALENDAR',
      'VERSION:2.0',
      'PRODID:-//test//EN',
      'BEGIN:VEVENT',
      'UID:labour@test',
      'DTSTART;VALUE=DATE:20260501',
      'SUMMARY:Tag der Arbeit',
      'END:VEVENT',
      'END:VCALENDAR',
      '',
    ].join('\r\n');
    const berlin = createBusinessCalendar(
      twentyFourSeven({ timeZone: 'Europe/Berlin', holidays: parseICalHolidays(feed) }),
    );
    // 23:30 UTC on 30 April is 01:30 on 1 May in Berlin: closed until Berlin's midnight.
    const h = await harness({
      start: '2026-04-30T23:30:00Z',
      policies: [policy({ calendarId: 'berlin', targets: { normal: { first_reply: 60 } } })],
      calendars: { berlin },
    });
    await h.create({});
    await h.advanceTo('2026-05-03T00:00:00Z');
    expect(timeline(h)).toEqual([`ticket.sla_breached first_reply @ ${utc(at('2026-05-02T01:00:00+02:00'))}`]);
  });
});

describe('pauses, policy changes and replies', () => {
  const base = policy({ calendarId: 'office', targets: { normal: { first_reply: 120, resolution: 480 } } });

  it('pending pauses: nothing fires at the old due time, the breach comes at the moved one', async () => {
    const h = await harness({
      start: '2026-03-02T09:00:00+01:00',
      policies: [base],
      calendars: { office: berlinOffice },
    });
    const story = await h.create({});
    await h.advanceTo('2026-03-02T10:00:00+01:00');
    await h.write(story, { status: 'pending' });
    await h.advanceTo('2026-03-02T15:00:00+01:00');
    expect(h.fired).toEqual([]);
    expect(h.monitor.dueAt('ten_1', story.ticket.id)).toBeUndefined();
    await h.write(story, { status: 'open' });
    await h.advanceTo('2026-03-03T00:00:00+01:00');
    // 1 h used before the pause: 1 h left from 15:00.
    expect(timeline(h)).toEqual([`ticket.sla_breached first_reply @ ${utc(at('2026-03-02T16:00:00+01:00'))}`]);
  });

  it('a changed policy recalculates the due time of running clocks', async () => {
    const h = await harness({
      start: '2026-03-02T09:00:00+01:00',
      policies: [base],
      calendars: { office: berlinOffice },
    });
    const story = await h.create({});
    expect(h.monitor.dueAt('ten_1', story.ticket.id)).toBe(at('2026-03-02T11:00:00+01:00'));
    h.policies = [{ ...base, targets: { normal: { first_reply: 30, resolution: 480 } } }];
    await h.advanceTo('2026-03-02T09:10:00+01:00');
    await h.monitor.rebuild();
    expect(h.monitor.dueAt('ten_1', story.ticket.id)).toBe(at('2026-03-02T09:30:00+01:00'));
    await h.advanceTo('2026-03-02T12:00:00+01:00');
    expect(timeline(h)).toEqual([`ticket.sla_breached first_reply @ ${utc(at('2026-03-02T09:30:00+01:00'))}`]);
  });

  it('a next reply achieved in time stops its escalation, and a stale alarm is never fired', async () => {
    const p = policy({
      calendarId: 'office',
      targets: { normal: { next_reply: 60, periodic_update: 60 } },
      escalations: [
        { metric: 'next_reply', on: 'breach', actions: [{ type: 'raise_priority' }] },
        { metric: 'periodic_update', on: 'breach', actions: [{ type: 'notify', target: { type: 'assignee' } }] },
      ],
    });
    const h = await harness({ start: '2026-03-02T09:00:00+01:00', policies: [p], calendars: { office: berlinOffice } });
    const story = await h.create({});
    await h.write(story, { comment: { author: 'agent', public: true } });
    await h.advanceTo('2026-03-02T09:30:00+01:00');
    await h.write(story, { comment: { author: 'requester', public: true } });
    expect(h.monitor.dueAt('ten_1', story.ticket.id)).toBe(at('2026-03-02T10:00:00+01:00'));
    await h.advanceTo('2026-03-02T09:50:00+01:00');
    // The reply lands without the hook (another process wrote it): the index still says 10:00/10:30.
    story.agentReply(h.clock.now());
    await h.advanceTo('2026-03-02T10:45:00+01:00');
    expect(h.fired).toEqual([]);
    expect(story.ticket.priority).toBe('normal');
    expect(h.notifications).toEqual([]);
    // The new periodic update cycle (from 09:50) is still tracked and breaches at 10:50.
    await h.advanceTo('2026-03-02T11:00:00+01:00');
    expect(timeline(h)).toEqual([`ticket.sla_breached periodic_update @ ${utc(at('2026-03-02T10:50:00+01:00'))}`]);
  });
});

describe('warnings, breaches and escalations', () => {
  it('warns then breaches at the exact instants, escalates once per cycle and records both in the history', async () => {
    const p = policy({
      id: 'sla_gold',
      calendarId: 'office',
      warnBeforeMs: 15 * 60_000,
      targets: { normal: { first_reply: 120 }, high: { first_reply: 240 } },
      escalations: [
        { metric: 'first_reply', on: 'warning', actions: [{ type: 'notify', target: { type: 'assignee' } }] },
        {
          metric: 'first_reply',
          on: 'breach',
          actions: [
            { type: 'raise_priority' },
            { type: 'reassign', groupId: 'grp_escalations' },
            { type: 'notify', target: { type: 'agent', id: 'agt_lead' }, message: 'SLA breached' },
          ],
        },
      ],
    });
    const h = await harness({ start: '2026-03-02T09:00:00+01:00', policies: [p], calendars: { office: berlinOffice } });
    const story = await h.create({ groupId: 'grp_support' });
    await h.write(story, { assigneeId: 'agt_7' });
    await h.advanceTo('2026-03-02T17:00:00+01:00');
    expect(h.fired.map((event) => [event.type, event.at, event.dueAt])).toEqual([
      ['ticket.sla_warning', utc(at('2026-03-02T10:45:00+01:00')), utc(at('2026-03-02T10:45:00+01:00'))],
      ['ticket.sla_breached', utc(at('2026-03-02T11:00:00+01:00')), utc(at('2026-03-02T11:00:00+01:00'))],
    ]);
    expect(h.notifications.map((n) => [n.event, n.target, n.at, n.assigneeId])).toEqual([
      ['warning', { type: 'assignee' }, utc(at('2026-03-02T10:45:00+01:00')), 'agt_7'],
      ['breach', { type: 'agent', id: 'agt_lead' }, utc(at('2026-03-02T11:00:00+01:00')), 'agt_7'],
    ]);
    const slaEntries = story.history.filter((entry) => entry.kind === 'sla');
    expect(slaEntries.map((entry) => [entry.actor, entry.meta?.metric, entry.meta?.event, entry.changes])).toEqual([
      [{ type: 'sla', id: 'sla_gold' }, 'first_reply', 'warning', []],
      [
        { type: 'sla', id: 'sla_gold' },
        'first_reply',
        'breach',
        [
          { property: 'priority', from: 'normal', to: 'high' },
          { property: 'groupId', from: 'grp_support', to: 'grp_escalations' },
          { property: 'assigneeId', from: 'agt_7', to: undefined },
        ],
      ],
    ]);
    // High priority has a longer target, but the cycle already breached: nothing fires again.
    await h.write(story, { comment: { author: 'agent', public: false } });
    await h.advanceTo('2026-03-03T17:00:00+01:00');
    expect(h.fired).toHaveLength(2);
  });

  it('fires once per cycle even through a port that does not store the event', async () => {
    const h = await harness({
      start: '2026-03-02T09:00:00+01:00',
      policies: [policy({ calendarId: 'office', targets: { normal: { first_reply: 60 } } })],
      calendars: { office: berlinOffice },
      record: false,
    });
    const story = await h.create({});
    await h.advanceTo('2026-03-02T10:30:00+01:00');
    await h.write(story, { comment: { author: 'agent', public: false } });
    await h.monitor.track('ten_1', story.ticket.id);
    await h.advanceTo('2026-03-02T12:00:00+01:00');
    expect(timeline(h)).toEqual([`ticket.sla_breached first_reply @ ${utc(at('2026-03-02T10:00:00+01:00'))}`]);
  });

  it('quiet hours: a warning due at 02:00 fires when the office opens, the breach keeps its true due time', async () => {
    const p = policy({
      calendarId: 'office',
      businessHoursOnly: false,
      quietOutsideHours: true,
      warnBeforeMs: 8 * 3_600_000,
      targets: { normal: { first_reply: 14 * 60 } },
      escalations: [{ metric: 'first_reply', on: 'warning', actions: [{ type: 'notify', target: { type: 'group' } }] }],
    });
    const h = await harness({ start: '2026-03-02T20:00:00+01:00', policies: [p], calendars: { office: berlinOffice } });
    await h.create({ groupId: 'grp_support' });
    await h.advanceTo('2026-03-03T12:00:00+01:00');
    expect(timeline(h)).toEqual([
      `ticket.sla_warning first_reply @ ${utc(at('2026-03-03T09:00:00+01:00'))}`,
      `ticket.sla_breached first_reply @ ${utc(at('2026-03-03T10:00:00+01:00'))}`,
    ]);
    expect(h.fired[0]?.dueAt).toBe(utc(at('2026-03-03T02:00:00+01:00')));
    expect(h.notifications.map((n) => n.at)).toEqual([utc(at('2026-03-03T09:00:00+01:00'))]);

    // A breach at 02:00 is reported at 09:00 with its true due time.
    const night = await harness({
      start: '2026-03-02T20:00:00+01:00',
      policies: [{ ...p, warnBeforeMs: undefined, escalations: [], targets: { normal: { first_reply: 6 * 60 } } }],
      calendars: { office: berlinOffice },
    });
    await night.create({});
    await night.advanceTo('2026-03-03T12:00:00+01:00');
    expect(night.fired.map((event) => [event.at, event.dueAt])).toEqual([
      [utc(at('2026-03-03T09:00:00+01:00')), utc(at('2026-03-03T02:00:00+01:00'))],
    ]);
  });
});

describe('restart', () => {
  const p = policy({ calendarId: 'office', targets: { normal: { first_reply: 120 } } });

  it('in-process timing: a new monitor rebuilds its index from the open tickets and fires on time', async () => {
    const first = new SlaHarness({
      start: '2026-03-02T09:00:00+01:00',
      policies: [p],
      calendars: { office: berlinOffice },
    });
    await first.start();
    const story = await first.create({});
    const closed = await first.create({});
    await first.write(closed, { status: 'closed' });
    await first.advanceTo('2026-03-02T10:00:00+01:00');
    await first.stop();
    // A fresh monitor over the same stored tickets and clock.
    const restarted = new SlaHarness(
      { start: 0, policies: [p], calendars: { office: berlinOffice } },
      { stories: first.stories, clock: first.clock },
    );
    harnesses.push(restarted);
    await restarted.start();
    expect(restarted.monitor.size).toBe(1);
    await restarted.advanceTo('2026-03-02T12:00:00+01:00');
    expect(timeline(restarted)).toEqual([`ticket.sla_breached first_reply @ ${utc(at('2026-03-02T11:00:00+01:00'))}`]);
    expect(first.fired).toEqual([]);
    expect(story.history.filter((entry) => entry.kind === 'sla')).toHaveLength(1);
  });

  it('durable timers: alarms fire after a restart even without a rebuild, once', async () => {
    const storage = createMemoryStorage();
    const timers = (clock: ConstructorParameters<typeof TimerScheduler>[0]['clock']) =>
      new TimerScheduler({ storage, ...(clock ? { clock } : {}), pollIntervalMs: 60_000 });
    const first = new SlaHarness({
      start: '2026-03-02T09:00:00+01:00',
      policies: [p],
      calendars: { office: berlinOffice },
      timers,
    });
    await first.start();
    const story = await first.create({});
    expect(await storage.timers.get('ten_1', `sla.${story.ticket.id}`)).toMatchObject({
      kind: 'ticket.sla',
      dueAt: at('2026-03-02T11:00:00+01:00'),
    });
    await first.stop();
    const restarted = new SlaHarness(
      { start: 0, policies: [p], calendars: { office: berlinOffice }, timers, openTickets: () => [] },
      { stories: first.stories, clock: first.clock },
    );
    harnesses.push(restarted);
    await restarted.start();
    expect(restarted.monitor.size).toBe(0);
    await restarted.advanceTo('2026-03-02T12:00:00+01:00');
    expect(timeline(restarted)).toEqual([`ticket.sla_breached first_reply @ ${utc(at('2026-03-02T11:00:00+01:00'))}`]);
    expect(await storage.timers.get('ten_1', `sla.${story.ticket.id}`)).toBeUndefined();
    expect(story.history.filter((entry) => entry.kind === 'sla')).toHaveLength(1);
  });
});
