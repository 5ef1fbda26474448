import {
  type Agent,
  AlreadyExistsError,
  agentSchema,
  type Clock,
  createIdGenerator,
  isoNow,
  type Queue,
  queueSchema,
  type Storage,
  systemClock,
} from '@hotline/core';
import { CannedResponseStore } from '../api/canned-responses.js';
import { updateTenantSetting } from '../api/tenant-settings.js';
import {
  DEMO_AGENTS,
  DEMO_CALENDAR,
  DEMO_CALENDAR_ID,
  DEMO_CANNED_RESPONSES,
  DEMO_QUEUES,
  DEMO_SITE,
  DEMO_SLA_POLICIES,
  DEMO_TENANT,
  DEMO_TENANT_ID,
} from './demo-data.js';
import { CALENDARS_SETTING, SLA_SETTING, WEBCHAT_SETTING } from './tenant-config.js';

/** What {@link seedDemo} did: one line per record, e.g. `queue que_sales_en`. */
export interface DemoSeedReport {
  tenantId: string;
  created: string[];
  /** Already there, left as they were. */
  existing: string[];
}

/** Options of {@link seedDemo}. */
export interface DemoSeedOptions {
  /** @default systemClock */
  clock?: Clock;
}

/** Creates unless present; a concurrent seed that wins the race counts as present. */
async function ensure(
  report: DemoSeedReport,
  label: string,
  exists: () => Promise<boolean>,
  create: () => Promise<unknown>,
): Promise<void> {
  if (await exists()) {
    report.existing.push(label);
    return;
  }
  try {
    await create();
    report.created.push(label);
  } catch (error) {
    if (!(error instanceof AlreadyExistsError)) throw error;
    report.existing.push(label);
  }
}

/** What every new record of the demo tenant starts with. */
const fresh = (id: string, at: string) => ({ id, tenantId: DEMO_TENANT_ID, version: 1, createdAt: at, updatedAt: at });

function demoQueue(queue: (typeof DEMO_QUEUES)[number], at: string): Queue {
  return queueSchema.parse({
    ...fresh(queue.id, at),
    name: queue.name,
    description: queue.description,
    channels: ['webchat'],
    language: queue.language,
    serviceLevelSeconds: queue.serviceLevelSeconds,
    attributes: {},
    settings: queue.settings,
  });
}

function demoAgent(agent: (typeof DEMO_AGENTS)[number], at: string): Agent {
  return agentSchema.parse({
    ...fresh(agent.id, at),
    name: agent.name,
    email: agent.email,
    skills: agent.skills,
    languages: agent.languages,
    capacity: { webchat: agent.webchat },
    activity: 'offline',
    activityChangedAt: at,
    attributes: { roles: agent.roles },
  });
}

/**
 * Seeds the demo tenant "Demo Shop" (`ten_demo`): four web chat queues (sales and
 * support, English and Chinese) with routing settings by skill and language, three
 * agents with different skills, languages and capacities and a supervisor (roles in
 * `agent.attributes.roles`), a business calendar and SLA policies, canned responses in
 * English and Chinese, and the web chat site `site_demo` (the last three in tenant
 * settings, where `hotline serve` reads them).
 *
 * Idempotent: what exists is left as it is (an edited queue keeps its edits), what is
 * missing is created, so a second run creates nothing and an interrupted one is finished
 * by the next. A server already running picks new queues up when it restarts.
 *
 * @example
 * ```ts
 * const report = await seedDemo(storage);
 * console.log(report.created.length, 'created', report.existing.length, 'already there');
 * ```
 */
export async function seedDemo(storage: Storage, options: DemoSeedOptions = {}): Promise<DemoSeedReport> {
  const clock = options.clock ?? systemClock;
  const at = isoNow(clock);
  const tenantId = DEMO_TENANT_ID;
  const report: DemoSeedReport = { tenantId, created: [], existing: [] };

  await ensure(
    report,
    `tenant ${tenantId}`,
    async () => (await storage.tenants.get(tenantId)) !== undefined,
    () =>
      storage.tenants.create({
        ...DEMO_TENANT,
        status: 'active',
        settings: {},
        version: 1,
        createdAt: at,
        updatedAt: at,
      }),
  );
  const settings: [string, string, unknown][] = [
    [CALENDARS_SETTING, `calendar ${DEMO_CALENDAR_ID}`, { [DEMO_CALENDAR_ID]: DEMO_CALENDAR }],
    [SLA_SETTING, `SLA policies ${DEMO_SLA_POLICIES.map((p) => p.id).join(', ')}`, { policies: DEMO_SLA_POLICIES }],
    [WEBCHAT_SETTING, `web chat site ${DEMO_SITE.siteId}`, { sites: [DEMO_SITE] }],
  ];
  for (const [key, label, value] of settings) {
    await ensure(
      report,
      label,
      async () => (await storage.tenants.get(tenantId))?.settings[key] !== undefined,
      async () => {
        const created = await updateTenantSetting(storage, clock, tenantId, key, (current) =>
          current === undefined ? { value, result: true } : { value: current, result: false },
        );
        if (!created) throw new AlreadyExistsError('tenant setting', key);
      },
    );
  }
  for (const queue of DEMO_QUEUES) {
    await ensure(
      report,
      `queue ${queue.id}`,
      async () => (await storage.queues.get(tenantId, queue.id)) !== undefined,
      () => storage.queues.create(demoQueue(queue, at)),
    );
  }
  for (const agent of DEMO_AGENTS) {
    await ensure(
      report,
      `agent ${agent.id}`,
      async () => (await storage.agents.get(tenantId, agent.id)) !== undefined,
      () => storage.agents.create(demoAgent(agent, at)),
    );
  }
  const canned = new CannedResponseStore(storage, clock, createIdGenerator({ now: () => clock.now() }));
  const present = await canned.list(tenantId, {});
  for (const response of DEMO_CANNED_RESPONSES) {
    await ensure(
      report,
      `canned response /${response.shortcut} (${response.language})`,
      async () => present.some((r) => r.shortcut === response.shortcut && r.language === response.language),
      () => canned.create(tenantId, response),
    );
  }
  return report;
}
