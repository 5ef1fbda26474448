/** When an endpoint's circuit opens and for how long. */
export interface WebhookCircuitBreakerOptions {
  /** Consecutive failed deliveries to one endpoint that open its circuit. @default 5 */
  failureThreshold?: number;
  /** How long an open circuit stays open before one trial delivery is let through, in ms. @default 60000 */
  coolDownMs?: number;
}

/** The defaults of {@link WebhookCircuitBreakerOptions}. */
export const DEFAULT_WEBHOOK_CIRCUIT_BREAKER: Readonly<Required<WebhookCircuitBreakerOptions>> = {
  failureThreshold: 5,
  coolDownMs: 60_000,
};

/** An endpoint's circuit as the relay sees it. */
export interface WebhookCircuitState {
  state: 'closed' | 'open' | 'half_open';
  consecutiveFailures: number;
  /** While open: when a trial delivery will be let through (ms since the epoch). */
  openUntil?: number;
}

interface Circuit {
  failures: number;
  openUntil?: number;
  trial: boolean;
}

/** How long others wait while a half-open circuit's trial delivery is in flight. */
const TRIAL_WAIT_MS = 1000;

/**
 * Per-endpoint circuit breakers: after `failureThreshold` consecutive failures an endpoint
 * gets nothing for `coolDownMs`; then one trial delivery decides (success closes the
 * circuit, failure opens it again). State is per relay process and starts closed.
 */
export class CircuitBreakers {
  private readonly circuits = new Map<string, Circuit>();
  private readonly options: Readonly<Required<WebhookCircuitBreakerOptions>>;

  constructor(options: WebhookCircuitBreakerOptions = {}) {
    this.options = { ...DEFAULT_WEBHOOK_CIRCUIT_BREAKER, ...options };
  }

  /** Whether a delivery to `endpoint` may go now; if not, when to try again. */
  admit(endpoint: string, now: number): { allowed: true } | { allowed: false; retryAt: number } {
    const circuit = this.circuits.get(endpoint);
    if (circuit?.openUntil === undefined) return { allowed: true };
    if (now < circuit.openUntil) return { allowed: false, retryAt: circuit.openUntil };
    if (circuit.trial) return { allowed: false, retryAt: now + TRIAL_WAIT_MS };
    circuit.trial = true;
    return { allowed: true };
  }

  success(endpoint: string): void {
    this.circuits.delete(endpoint);
  }

  failure(endpoint: string, now: number): void {
    const circuit = this.circuits.get(endpoint) ?? { failures: 0, trial: false };
    circuit.failures += 1;
    if (circuit.trial || circuit.failures >= this.options.failureThreshold) {
      circuit.openUntil = now + this.options.coolDownMs;
      circuit.trial = false;
    }
    this.circuits.set(endpoint, circuit);
  }

  state(endpoint: string, now: number): WebhookCircuitState {
    const circuit = this.circuits.get(endpoint);
    if (!circuit) return { state: 'closed', consecutiveFailures: 0 };
    if (circuit.openUntil === undefined) return { state: 'closed', consecutiveFailures: circuit.failures };
    return {
      state: now < circuit.openUntil ? 'open' : 'half_open',
      consecutiveFailures: circuit.failures,
      openUntil: circuit.openUntil,
    };
  }
}

/** The circuit key of a URL: scheme, host, port and path (a query is not another endpoint). */
export function endpointOf(url: string): string {
  const parsed = new URL(url);
  return `${parsed.origin}${parsed.pathname}`;
}
