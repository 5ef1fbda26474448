import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { ServerLog } from '../logging/logger.js';
import type { QueueDepth } from '../routing/tenant-routing.js';

/** What the gauges read when scraped. */
export interface MetricsSources {
  connections: () => number;
  queueDepths: () => QueueDepth[];
}

/** The server's Prometheus metrics, on a registry of its own (several servers in one process do not clash). */
export interface ServerMetrics {
  readonly registry: Registry;
  /** Records one finished HTTP request. */
  observeRequest(method: string, route: string, status: number, seconds: number): void;
  /** Records one storage call (`repository` is `storage` for a whole transaction). */
  observeStorage(repository: string, method: string, seconds: number): void;
  /** Records one routing operation (a dispatcher call: enqueue, accept, transfer…). */
  observeRouting(target: string, operation: string, seconds: number): void;
  /** Counts one error the server logged, by its log message (a fixed text per kind). */
  countError(kind: string): void;
}

/**
 * Creates the metrics: `hotline_http_request_duration_seconds` (by method, route template
 * and status; templates, not raw paths, so ids do not explode the label set),
 * `hotline_storage_operation_seconds` (by repository and method),
 * `hotline_routing_operation_seconds` (by dispatcher operation), `hotline_errors_total` (by
 * kind), `hotline_websocket_connections` and `hotline_queue_waiting` (by tenant and queue).
 * Every label takes values from a fixed set.
 */
export function createServerMetrics(sources: MetricsSources): ServerMetrics {
  const registry = new Registry();
  const duration = new Histogram({
    name: 'hotline_http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const storage = new Histogram({
    name: 'hotline_storage_operation_seconds',
    help: 'Storage call duration in seconds, by repository and method (repository "storage": a whole transaction).',
    labelNames: ['repository', 'method'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const routing = new Histogram({
    name: 'hotline_routing_operation_seconds',
    help: 'Routing operation duration in seconds (enqueue, accept, reject, transfer, end, resolve…), decisions and their storage writes included.',
    labelNames: ['operation'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'hotline_errors_total',
    help: 'Errors the server logged, by kind.',
    labelNames: ['kind'] as const,
    registers: [registry],
  });
  new Gauge({
    name: 'hotline_websocket_connections',
    help: 'Open web chat WebSocket connections (customers and agents).',
    registers: [registry],
    collect() {
      this.set(sources.connections());
    },
  });
  new Gauge({
    name: 'hotline_queue_waiting',
    help: 'Conversations waiting for an agent, by tenant and queue.',
    labelNames: ['tenant', 'queue'] as const,
    registers: [registry],
    collect() {
      this.reset();
      for (const depth of sources.queueDepths())
        this.set({ tenant: depth.tenantId, queue: depth.queueId }, depth.waiting);
    },
  });
  return {
    registry,
    observeRequest: (method, route, status, seconds) =>
      duration.observe({ method, route, status: String(status) }, seconds),
    observeStorage: (repository, method, seconds) => storage.observe({ repository, method }, seconds),
    observeRouting: (_target, operation, seconds) => routing.observe({ operation }, seconds),
    countError: (kind) => errors.inc({ kind }),
  };
}

/** The log, counting each error it writes in `hotline_errors_total` (when metrics are on). */
export function countErrors(log: ServerLog, metrics: ServerMetrics | undefined): ServerLog {
  if (!metrics) return log;
  return {
    ...log,
    error: (msg, error, fields) => {
      metrics.countError(msg);
      log.error(msg, error, fields);
    },
  };
}
