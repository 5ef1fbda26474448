/**
 * The load generator of the server benchmark, run in its own process so it does not
 * share the server's event loop: autocannon posting agent replies to the conversations it
 * is given, round robin, each with a fresh `clientMessageId`. Prints one JSON result.
 */
import autocannon from 'autocannon';

interface LoadConfig {
  url: string;
  token: string;
  conversationIds: string[];
  connections: number;
  durationSeconds: number;
  label: string;
}

const config = JSON.parse(process.argv[2] ?? '{}') as LoadConfig;
let sent = 0;

const result = await autocannon({
  url: config.url,
  connections: config.connections,
  duration: config.durationSeconds,
  requests: [
    {
      method: 'POST',
      headers: { authorization: `Bearer ${config.token}`, 'content-type': 'application/json' },
      setupRequest: (request) => {
        const n = sent++;
        const conversationId = config.conversationIds[n % config.conversationIds.length];
        return {
          ...request,
          path: `/api/v1/conversations/${conversationId}/messages`,
          body: JSON.stringify({ text: `reply ${n} from the bench`, clientMessageId: `${config.label}-${n}` }),
        };
      },
    },
  ],
});

process.stdout.write(
  `${JSON.stringify({
    requests: result.requests.total,
    requestsPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
  })}\n`,
);
