import { Gauge, Histogram, Registry } from 'prom-client';
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
}

/**
 * Creates the metrics: `hotline_http_request_duration_seconds` (by method, route template
 * and status; templates, not raw paths, so ids do not explode the label set),
 * `hotline_websocket_connections` and `hotline_queue_waiting` (by tenant and queue).
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
  };
}
