import { createMemoryStorage, SimulatedClock } from '@hotline/core';
import type { SlaPolicySet } from '@hotline/ticketing';
import { describe, expect, it } from 'vitest';
import { CannedResponseStore } from '../api/canned-responses.js';
import { queueDefinitionOf } from '../routing/queue-settings.js';
import { DEMO_AGENTS, DEMO_QUEUES, DEMO_SITE_ID, DEMO_TENANT_ID } from './demo-data.js';
import { seedDemo } from './demo-seed.js';
import { TenantConfig } from './tenant-config.js';

const SITE_SECRET = 's'.repeat(40);

describe('seedDemo', () => {
  it('creates the demo tenant once; a second run creates nothing and changes nothing', async () => {
    const storage = createMemoryStorage();
    const clock = new SimulatedClock(Date.parse('2026-03-02T09:00:00Z'));
    const first = await seedDemo(storage, { clock });
    expect(first.existing).toEqual([]);
    expect(first.created).toContain('tenant ten_demo');
    expect(first.created).toContain('queue que_support_zh');
    expect(first.created).toContain('agent agt_sam');
    expect(first.created).toContain('canned response /refund (zh)');
    const tenant = await storage.tenants.get(DEMO_TENANT_ID);
    const second = await seedDemo(storage, { clock });
    expect(second.created).toEqual([]);
    expect(second.existing).toEqual(first.created);
    expect(await storage.tenants.get(DEMO_TENANT_ID)).toEqual(tenant);
  });

  it('keeps what an operator changed and restores only what is missing', async () => {
    const storage = createMemoryStorage();
    await seedDemo(storage);
    const queue = await storage.queues.get(DEMO_TENANT_ID, 'que_sales_en');
    if (!queue) throw new Error('no queue');
    await storage.queues.update({ ...queue, name: 'Renamed' }, queue.version);
    const bo = await storage.agents.get(DEMO_TENANT_ID, 'agt_bo');
    if (!bo) throw new Error('no agent');
    await storage.agents.delete(DEMO_TENANT_ID, 'agt_bo', bo.version);
    const again = await seedDemo(storage);
    expect(again.created).toEqual(['agent agt_bo']);
    expect((await storage.queues.get(DEMO_TENANT_ID, 'que_sales_en'))?.name).toBe('Renamed');
  });

  it('gives each queue routing settings the server maps into the engine: skill and language', async () => {
    const storage = createMemoryStorage();
    await seedDemo(storage);
    const definitions = await Promise.all(
      DEMO_QUEUES.map(async (q) => queueDefinitionOf((await storage.queues.get(DEMO_TENANT_ID, q.id)) as never)),
    );
    expect(definitions.map((d) => [d.id, d.skills, d.languages, d.channels])).toEqual([
      ['que_sales_en', { sales: 1 }, ['en'], ['webchat']],
      ['que_sales_zh', { sales: 1 }, ['zh'], ['webchat']],
      ['que_support_en', { support: 1 }, ['en'], ['webchat']],
      ['que_support_zh', { support: 1 }, ['zh'], ['webchat']],
    ]);
    // Every queue has at least one agent who may take it; the supervisor takes none.
    for (const queue of DEMO_QUEUES) {
      const [skill] = Object.keys(queue.settings.skills);
      const able = DEMO_AGENTS.filter(
        (a) => a.webchat > 0 && (a.skills[skill as string] ?? 0) >= 1 && a.languages.includes(queue.language),
      );
      expect(able.length, queue.id).toBeGreaterThan(0);
    }
    const agents = (await storage.agents.list(DEMO_TENANT_ID)).items;
    expect(agents.map((a) => [a.id, a.attributes.roles, a.capacity])).toEqual([
      ['agt_ana', ['agent'], { webchat: 3 }],
      ['agt_bo', ['agent'], { webchat: 2 }],
      ['agt_chen', ['agent'], { webchat: 2 }],
      ['agt_sam', ['supervisor'], { webchat: 0 }],
    ]);
  });

  it('stores canned responses in both languages through the canned response store', async () => {
    const storage = createMemoryStorage();
    await seedDemo(storage);
    const store = new CannedResponseStore(storage, new SimulatedClock(0), { next: () => 'cnr_x' });
    const zh = await store.list(DEMO_TENANT_ID, { language: 'zh-CN', queueId: 'que_support_zh' });
    expect(zh.map((r) => r.shortcut)).toEqual(['hello', 'refund', 'shipping', 'thanks']);
    const salesEn = await store.list(DEMO_TENANT_ID, { language: 'en', queueId: 'que_sales_en' });
    expect(salesEn.map((r) => r.shortcut)).toEqual(['hello', 'shipping', 'thanks']);
  });

  it('leaves settings the server can load: the calendar, SLA policies and the web chat site', async () => {
    const storage = createMemoryStorage();
    await seedDemo(storage);
    const errors: string[] = [];
    const config = new TenantConfig({ storage, siteSecret: SITE_SECRET, onProblem: (m) => errors.push(m) });
    await config.reload();
    expect(errors).toEqual([]);
    const sla = config.sla(DEMO_TENANT_ID);
    expect(Object.keys(sla.calendars)).toEqual(['cal_demo_hours']);
    expect((sla.policies as SlaPolicySet).policies.map((p) => p.policy.id)).toEqual(['sla_vip', 'sla_standard']);
    const site = await config.site(DEMO_SITE_ID);
    expect(site).toMatchObject({ siteId: DEMO_SITE_ID, tenantId: DEMO_TENANT_ID, queueId: 'que_sales_en' });
    expect(site?.allowedQueueIds).toHaveLength(4);
  });
});
