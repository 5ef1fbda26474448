import { ValidationError } from '@hotline/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type PreflightSocket, runPreflight } from './preflight.js';

/** Sockets whose fate is set per URL: open after a delay, error, or hang. */
function fakeSockets(fates: Record<string, 'open' | 'error' | 'hang'>) {
  const opened: { url: string; protocols: unknown; closed: boolean }[] = [];
  class FakeSocket implements PreflightSocket {
    onopen: ((event: unknown) => void) | null = null;
    onerror: ((event: unknown) => void) | null = null;
    private readonly record: { url: string; protocols: unknown; closed: boolean };
    constructor(url: string, protocols?: string | string[]) {
      this.record = { url, protocols, closed: false };
      opened.push(this.record);
      const fate = fates[url];
      if (fate === 'open') setTimeout(() => this.onopen?.({}), 30);
      if (fate === 'error') setTimeout(() => this.onerror?.({}), 10);
    }
    close(): void {
      this.record.closed = true;
    }
  }
  return { FakeSocket, opened };
}

const stream = (stop = vi.fn()) => ({ getTracks: () => [{ stop }] }) as unknown as MediaStream;

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('runPreflight', () => {
  it('passes with a working microphone and the first reachable server', async () => {
    const stop = vi.fn();
    const { FakeSocket, opened } = fakeSockets({ 'ws://down:1': 'error', 'ws://up:2': 'open' });
    const report = runPreflight({
      wsServers: ['ws://down:1', 'ws://up:2'],
      getUserMedia: async () => stream(stop),
      WebSocket: FakeSocket,
    });
    await vi.advanceTimersByTimeAsync(100);
    await expect(report).resolves.toEqual({
      ok: true,
      microphone: { status: 'ok' },
      server: { status: 'ok', url: 'ws://up:2', latencyMs: 30 },
    });
    expect(stop).toHaveBeenCalled();
    expect(opened.map((socket) => [socket.protocols, socket.closed])).toEqual([
      ['sip', true],
      ['sip', true],
    ]);
  });

  it('reports a denied microphone and an unreachable server without throwing', async () => {
    const { FakeSocket } = fakeSockets({ 'ws://slow:1': 'hang' });
    const denied = Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' });
    const report = runPreflight({
      wsServers: 'ws://slow:1',
      timeoutMs: 1000,
      getUserMedia: async () => {
        throw denied;
      },
      WebSocket: FakeSocket,
    });
    await vi.advanceTimersByTimeAsync(1000);
    await expect(report).resolves.toEqual({
      ok: false,
      microphone: { status: 'denied', error: 'Permission denied' },
      server: { status: 'unreachable', error: 'ws://slow:1: timed out' },
    });
  });

  it('tells a missing device apart from other failures', async () => {
    const { FakeSocket } = fakeSockets({ 'ws://up:1': 'open' });
    const missing = Object.assign(new Error('none'), { name: 'NotFoundError' });
    const report = runPreflight({
      wsServers: 'ws://up:1',
      getUserMedia: () => Promise.reject(missing),
      WebSocket: FakeSocket,
    });
    await vi.advanceTimersByTimeAsync(100);
    expect((await report).microphone).toEqual({ status: 'not_found', error: 'none' });
  });

  it('rejects invalid options', async () => {
    await expect(runPreflight({ wsServers: 'http://x' })).rejects.toBeInstanceOf(ValidationError);
  });
});
