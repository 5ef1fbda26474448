import { HotlineError, SimulatedClock } from '@hotline/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createServerLog, maskForLog } from './logging/logger.js';
import { startTestServer, TENANT_A, type TestServer } from './test-kit.js';

const lines: { level: string; line: string }[] = [];
const logger = {
  info: (line: string) => lines.push({ level: 'info', line }),
  warn: (line: string) => lines.push({ level: 'warn', line }),
  error: (line: string) => lines.push({ level: 'error', line }),
};
const parsed = () => lines.map(({ line }) => JSON.parse(line));

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ logger });
});
afterAll(() => t.stop());

describe('structured logs', () => {
  it('writes one JSON line per request with its id, tenant, route, status and time', async () => {
    lines.length = 0;
    const token = await t.token(['agent']);
    const res = await fetch(`${t.base}/api/v1/agents/agt_ann`, {
      headers: { authorization: `Bearer ${token}`, 'x-request-id': 'req-from-proxy-1' },
    });
    expect(res.headers.get('x-request-id')).toBe('req-from-proxy-1');
    await fetch(`${t.base}/api/v1/agents`);
    const own = await fetch(`${t.base}/healthz`, { headers: { 'x-request-id': 'bad id with spaces' } });
    expect(own.headers.get('x-request-id')).toMatch(/^req_/);
    const [ok, unauthenticated, health] = parsed();
    expect(ok).toEqual({
      level: 'info',
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      msg: 'request',
      reqId: 'req-from-proxy-1',
      tenantId: TENANT_A,
      route: '/api/v1/agents/{agentId}',
      method: 'GET',
      status: 200,
      ms: expect.any(Number),
    });
    expect(unauthenticated).toMatchObject({ route: '/api/v1/agents', status: 401 });
    expect(unauthenticated.tenantId).toBeUndefined();
    expect(health).toMatchObject({ route: '/healthz', status: 200 });
  });

  it('logs a failed request at error level with the cause, PII masked, and answers a bare INTERNAL', async () => {
    lines.length = 0;
    const agents = t.storage.agents;
    const list = agents.list;
    agents.list = async () => {
      throw new Error('lost connection while reading ada.lovelace@example.com, +86 138 1234 5678');
    };
    try {
      const res = await t.call('GET', '/api/v1/agents', { auth: await t.token(['admin']) });
      expect(res.status).toBe(500);
      expect(JSON.stringify(res.body)).not.toContain('lovelace');
    } finally {
      agents.list = list;
    }
    const [entry] = parsed();
    expect(entry).toMatchObject({ level: 'error', msg: 'request failed', status: 500, route: '/api/v1/agents' });
    expect(entry.error.message).toContain('a***@example.com');
    expect(entry.error.message).toContain('+86 *** **** 5678');
    expect(lines[0]?.line).not.toContain('lovelace');
    expect(lines[0]?.line).not.toContain('1234 5678');
  });
});

describe('masking', () => {
  it('masks every string of a log record, however deep, and bounds its size', () => {
    const masked = maskForLog({
      note: 'card 4111 1111 1111 1111',
      nested: [{ email: 'bob@example.org' }],
      error: new HotlineError('CONFLICT', 'phone +14155550100 taken', { details: { address: '+14155550100' } }),
      big: 'x'.repeat(10_000),
    }) as Record<string, unknown>;
    const text = JSON.stringify(masked);
    expect(text).not.toContain('4111 1111 1111 1111');
    expect(text).not.toContain('bob@');
    expect(text).not.toContain('4155550100');
    expect(text).toContain('CONFLICT');
    expect((masked.big as string).length).toBeLessThan(4100);
  });

  it('never throws from a logger that throws, and skips missing levels', () => {
    const clock = new SimulatedClock(Date.UTC(2026, 0, 1));
    const calls: string[] = [];
    const log = createServerLog(
      {
        error: (line) => {
          calls.push(line);
          throw new Error('disk full');
        },
      },
      clock,
    );
    expect(() => log.error('boom', new Error('x'))).not.toThrow();
    log.info('not written');
    expect(calls).toHaveLength(1);
    expect(JSON.parse(calls[0] as string)).toMatchObject({
      level: 'error',
      time: '2026-01-01T00:00:00.000Z',
      msg: 'boom',
    });
  });
});
