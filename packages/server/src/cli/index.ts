/**
 * `@hotline/server/cli`: the `hotline` command line and its building blocks, for hosts that
 * want what `hotline serve` does with routes of their own around it (the demo does):
 * storage on PostgreSQL or PGlite (`@hotline/storage-postgres`, an optional peer
 * dependency loaded on demand), secrets kept in the data directory, calendars, SLA
 * policies and web chat sites read from tenant settings, and the demo tenant's seed.
 *
 * @packageDocumentation
 */
export { runCli, EXIT_CODES } from './run-cli.js';
export { parseCli, usage, CLI_COMMANDS, DEFAULT_DATA_DIR, DEFAULT_HOST, DEFAULT_PORT } from './cli-args.js';
export { openStorage } from './open-storage.js';
export { lockDataDir, LOCK_FILE } from './data-dir-lock.js';
export { loadSecrets, siteTokenSecret, SECRET_ENV, SECRETS_FILE } from './secrets.js';
export { prepareServerOptions } from './server-setup.js';
export {
  TenantConfig,
  slaConfigOf,
  sitesOf,
  storedSiteSchema,
  CALENDARS_SETTING,
  SLA_SETTING,
  WEBCHAT_SETTING,
} from './tenant-config.js';
export { seedDemo } from './demo-seed.js';
export {
  DEMO_AGENTS,
  DEMO_CALENDAR,
  DEMO_CALENDAR_ID,
  DEMO_CANNED_RESPONSES,
  DEMO_QUEUES,
  DEMO_SITE,
  DEMO_SITE_ID,
  DEMO_SLA_POLICIES,
  DEMO_TENANT,
  DEMO_TENANT_ID,
} from './demo-data.js';

export type { CliCommand, CliConfig, CliRequest } from './cli-args.js';
export type { CliIo } from './serve.js';
export type { OpenedStorage, StorageTarget } from './open-storage.js';
export type { DataDirLock } from './data-dir-lock.js';
export type { HotlineSecrets, LoadedSecrets } from './secrets.js';
export type { ServerSetup, ServerSetupInput } from './server-setup.js';
export type { StoredSite, TenantConfigOptions } from './tenant-config.js';
export type { DemoSeedOptions, DemoSeedReport } from './demo-seed.js';
export type { DemoAgent, DemoCannedResponse, DemoQueue } from './demo-data.js';
