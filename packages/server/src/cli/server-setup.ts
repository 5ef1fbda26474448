import { join } from 'node:path';
import { systemClock } from '@hotline/core';
import { createServerLog, jsonLinesLogger } from '../logging/logger.js';
import type { HotlineServerOptions, ServerLogger } from '../server-options.js';
import type { OpenedStorage } from './open-storage.js';
import type { HotlineSecrets } from './secrets.js';
import { TenantConfig } from './tenant-config.js';

/** What {@link prepareServerOptions} composes. */
export interface ServerSetupInput {
  /** From `openStorage`: the storage, and the ticket store in the same database. */
  opened: OpenedStorage;
  secrets: HotlineSecrets;
  /** Uploads go to `<dataDir>/uploads`. */
  dataDir: string;
  /** @default the server's default */
  logger?: ServerLogger;
}

/** Options for `createHotlineServer`, and the tenant configuration behind them. */
export interface ServerSetup {
  options: HotlineServerOptions;
  /** Calendars, SLA policies and web chat sites from tenant settings; `reload()` after changing them. */
  tenants: TenantConfig;
}

/**
 * The options `hotline serve` gives `createHotlineServer`, for hosts (like the demo) that
 * want the same server with their own routes around it: tickets in the same SQL database,
 * SLA policies, calendars and web chat sites read from tenant settings (see
 * `TenantConfig`), site secrets derived from `secrets.siteSecret`, uploads in the data
 * directory. Seed or change tenants before calling it, or call `tenants.reload()` after.
 *
 * @example
 * ```ts
 * const opened = await openStorage({ dataDir: './.hotline' });
 * const { secrets } = await loadSecrets('./.hotline');
 * const { options } = await prepareServerOptions({ opened, secrets, dataDir: './.hotline' });
 * const server = createHotlineServer(options);
 * await server.listen(8080, '0.0.0.0');
 * ```
 */
export async function prepareServerOptions(input: ServerSetupInput): Promise<ServerSetup> {
  const { opened, secrets, logger } = input;
  const log = createServerLog(logger ?? jsonLinesLogger, systemClock);
  const tenants = new TenantConfig({
    storage: opened.storage,
    siteSecret: secrets.siteSecret,
    onProblem: (message, error) => log.error(message, error),
  });
  await tenants.reload();
  const store = await opened.ticketStore();
  const options: HotlineServerOptions = {
    storage: opened.storage,
    jwtSecret: secrets.jwtSecret,
    webchat: {
      sites: tenants.site,
      agentSecret: secrets.agentSecret,
      uploadDir: join(input.dataDir, 'uploads'),
    },
    ticketing: {
      store,
      sla: {
        config: tenants.sla,
        // Escalations that notify someone: logged here; a host with a mailer passes its own.
        notify: async (ctx, notification) => log.info('SLA escalation', { tenantId: ctx.tenantId, notification }),
      },
      tenants: tenants.tenantIds,
    },
    ...(logger ? { logger } : {}),
  };
  return { options, tenants };
}
