import type { Clock, Dispatcher, Hotline } from '@hotline/core';
import type { BlobStore } from '../blob/blob-store.js';
import type { DownloadUrls } from '../uploads/download-urls.js';
import type { AgentTokenVerifier } from './agent-tokens.js';
import type { ConnectionIndex } from './connection-index.js';
import type { DeliveryLedger } from './delivery-ledger.js';
import type { JtiStore } from './identity.js';
import type { WebchatLimits } from './limits.js';
import type { IpTable } from './rate-limit.js';
import type { SiteDirectory } from './sites.js';
import type { InternalErrorReporter } from './wire-errors.js';
import type { WireViews } from './wire-views.js';

/** Everything the sessions, the push hub and the upload handler share. */
export interface GatewayContext {
  hotline: Hotline;
  dispatcher: Dispatcher;
  clock: Clock;
  limits: WebchatLimits;
  heartbeatMs: number;
  sites: SiteDirectory;
  agentTokens: AgentTokenVerifier;
  jtis: JtiStore;
  index: ConnectionIndex;
  ledger: DeliveryLedger;
  views: WireViews;
  ips: IpTable;
  blobStore: BlobStore;
  urls: DownloadUrls;
  /** This gateway's id on the bus: events it published itself are already delivered here. */
  instanceId: string;
  /** Whether the bus reaches other processes (typing is then relayed through it). */
  crossProcess: boolean;
  report: InternalErrorReporter;
}
