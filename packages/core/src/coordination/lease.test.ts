import { describe, expect, it } from 'vitest';
import { InMemoryLeaseManager } from './lease.js';

describe('InMemoryLeaseManager', () => {
  it('has at most one holder per name; release lets the next one in', async () => {
    const registry = new Map<string, object>();
    const a = new InMemoryLeaseManager({ registry });
    const b = new InMemoryLeaseManager({ registry });
    const lease = await a.tryAcquire('routing:acme');
    expect(lease?.held).toBe(true);
    expect(await b.tryAcquire('routing:acme')).toBeUndefined();
    const waiting = b.acquire('routing:acme', { pollMs: 5 });
    await lease?.release();
    expect(lease?.held).toBe(false);
    expect((await waiting).held).toBe(true);
    await b.close();
    expect(await a.tryAcquire('routing:acme')).toBeDefined();
  });

  it('stops waiting when aborted', async () => {
    const registry = new Map<string, object>();
    await new InMemoryLeaseManager({ registry }).tryAcquire('x');
    const controller = new AbortController();
    const waiting = new InMemoryLeaseManager({ registry }).acquire('x', { signal: controller.signal, pollMs: 5 });
    controller.abort(new Error('shutting down'));
    await expect(waiting).rejects.toThrow('shutting down');
  });
});
