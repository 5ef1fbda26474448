import { createMemoryStorage, type JsonValue, SimulatedClock, type Storage } from '@hotline/core';
import { describe, expect, it } from 'vitest';
import { siteTokenSecret } from './secrets.js';
import { TenantConfig } from './tenant-config.js';

const SITE_SECRET = 'k'.repeat(40);

async function tenant(storage: Storage, id: string, settings: Record<string, JsonValue>) {
  const at = '2026-01-01T00:00:00.000Z';
  await storage.tenants.create({
    id,
    name: id,
    status: 'active',
    timeZone: 'UTC',
    settings,
    version: 1,
    createdAt: at,
    updatedAt: at,
  });
}

const policy = { id: 'sla_std', name: 'Standard', targets: { normal: { first_reply: 60 } }, calendarId: 'cal_x' };
const calendar = { timeZone: 'Europe/Berlin', weekly: { mon: [['09:00', '17:00']] } };

describe('TenantConfig', () => {
  it("serves each tenant's SLA policies and calendars, and nothing for a tenant without them", async () => {
    const storage = createMemoryStorage();
    await tenant(storage, 'ten_a', { sla: { policies: [policy] }, calendars: { cal_x: calendar } });
    await tenant(storage, 'ten_b', {});
    const config = new TenantConfig({ storage, siteSecret: SITE_SECRET });
    await config.reload();
    expect(config.tenantIds()).toEqual(['ten_a', 'ten_b']);
    expect(Object.keys(config.sla('ten_a').calendars)).toEqual(['cal_x']);
    // Monday 10:00 in Berlin is open.
    expect(
      (config.sla('ten_a').calendars as Record<string, { isOpen(at: number): boolean }>).cal_x?.isOpen(
        Date.parse('2026-03-02T09:00:00Z'),
      ),
    ).toBe(true);
    expect(config.sla('ten_b')).toEqual({ policies: [], calendars: {} });
    expect(config.sla('ten_unknown')).toBe(config.sla('ten_b'));
  });

  it('leaves out settings that do not parse, reporting them, and serves the rest', async () => {
    const storage = createMemoryStorage();
    await tenant(storage, 'ten_bad', {
      sla: { policies: [{ ...policy, calendarId: 'cal_missing' }] },
      calendars: { cal_x: calendar },
      webchat: { sites: [{ siteId: 'site_ok' }] },
    });
    await tenant(storage, 'ten_worse', {
      webchat: { sites: [{ siteId: 'site_x', tokenSecret: 'stored secrets are refused' }] },
    });
    const errors: string[] = [];
    const config = new TenantConfig({ storage, siteSecret: SITE_SECRET, onProblem: (m) => errors.push(m) });
    await config.reload();
    expect(errors).toEqual([
      'tenant ten_bad: settings.sla is invalid and is ignored',
      'tenant ten_worse: settings.webchat is invalid and is ignored',
    ]);
    expect(config.sla('ten_bad').policies).toEqual([]);
    expect(await config.site('site_ok')).toMatchObject({ tenantId: 'ten_bad' });
  });

  it('resolves sites with a derived secret; a site id taken by two tenants stays with the first', async () => {
    const storage = createMemoryStorage();
    await tenant(storage, 'ten_a', { webchat: { sites: [{ siteId: 'site_shop', queueId: 'que_x' }] } });
    await tenant(storage, 'ten_b', { webchat: { sites: [{ siteId: 'site_shop' }] } });
    const errors: string[] = [];
    const config = new TenantConfig({ storage, siteSecret: SITE_SECRET, onProblem: (m) => errors.push(m) });
    await config.reload();
    expect(await config.site('site_shop')).toEqual({
      siteId: 'site_shop',
      tenantId: 'ten_a',
      queueId: 'que_x',
      tokenSecret: siteTokenSecret(SITE_SECRET, 'site_shop'),
    });
    expect(errors).toEqual(['tenant ten_b: web chat site site_shop is taken by another tenant']);
  });

  it('finds a site added later on its first visitor, reloading at most every reloadMs', async () => {
    const storage = createMemoryStorage();
    const clock = new SimulatedClock(1_000_000);
    const config = new TenantConfig({ storage, siteSecret: SITE_SECRET, clock, reloadMs: 30_000 });
    await config.reload();
    await tenant(storage, 'ten_new', { webchat: { sites: [{ siteId: 'site_new' }] } });
    expect(await config.site('site_new')).toBeUndefined(); // loaded just now: no reload yet
    await clock.advance(30_000);
    expect(await config.site('site_new')).toMatchObject({ tenantId: 'ten_new' });
    expect(config.tenantIds()).toEqual(['ten_new']);
  });
});
