import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManualTimers } from '../../test/helpers.js';
import type { ClientError } from '../errors.js';
import { createTransport, type TransportHooks } from './transport.js';
import type { ConnectionState, WebSocketConstructor } from './types.js';

/** A socket driven by the test: it plays the server. */
class FakeSocket {
  static all: FakeSocket[] = [];
  readyState = 0;
  sent: Record<string, unknown>[] = [];
  closed: number | 'terminated' | undefined;
  onopen: (() => void) | null = null;
  onmessage: ((event: { data: unknown }) => void) | null = null;
  onclose: ((event: { code?: number }) => void) | null = null;
  onerror: (() => void) | null = null;
  constructor(readonly url: string) {
    FakeSocket.all.push(this);
  }
  send(data: string) {
    this.sent.push(JSON.parse(data));
  }
  close(code?: number) {
    this.closed = code ?? 1000;
  }
  terminate() {
    this.closed = 'terminated';
  }
  // The server side:
  open() {
    this.readyState = 1;
    this.onopen?.();
  }
  push(frame: object) {
    this.onmessage?.({ data: JSON.stringify(frame) });
  }
  fail(code = 1006) {
    this.readyState = 3;
    this.onclose?.({ code });
  }
  answerHello(result: object = { heartbeatMs: 1000 }) {
    const hello = this.sent.find((f) => f['type'] === 'hello');
    this.push({ type: 'reply', re: hello?.['id'], result });
  }
}

const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

function setup(options: { random?: () => number; recover?: TransportHooks['recover'] } = {}) {
  FakeSocket.all = [];
  const timers = new ManualTimers();
  const states: ConnectionState[] = [];
  const errors: ClientError[] = [];
  const pushed: unknown[] = [];
  const transport = createTransport(
    {
      url: 'ws://test/hotline/webchat',
      WebSocket: FakeSocket as unknown as WebSocketConstructor,
      timers,
      random: options.random ?? (() => 0.5),
      reconnect: { initialDelayMs: 100, maxDelayMs: 1000, jitter: 0.5 },
      heartbeatTimeoutMs: 300,
      requestTimeoutMs: 5000,
    },
    {
      hello: () => ({ type: 'hello', v: 1 }),
      opened: () => {},
      push: (frame) => pushed.push(frame),
      state: (state) => states.push(state),
      error: (error) => errors.push(error),
      recover: options.recover,
    },
  );
  const last = () => FakeSocket.all[FakeSocket.all.length - 1] as FakeSocket;
  return { transport, timers, states, errors, pushed, last };
}

/** Opens the newest socket and answers its hello. */
async function bringUp(last: () => FakeSocket) {
  last().open();
  last().answerHello();
  await flush();
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('transport', () => {
  it('reconnects with exponential backoff inside the jitter bounds, and resets after a success', async () => {
    for (const [random, share] of [
      [() => 0, 0],
      [() => 0.999_999, 0.999_999],
    ] as const) {
      const { transport, timers, last } = setup({ random });
      void transport.connect();
      const waits: number[] = [];
      for (let attempt = 0; attempt < 6; attempt++) {
        last().fail();
        // The open deadline was cleared with the socket: the reconnect wait is the only timer.
        expect(timers.pending()).toHaveLength(1);
        const wait = timers.pending()[0] as number;
        waits.push(wait);
        const ceiling = Math.min(1000, 100 * 2 ** attempt);
        expect(wait).toBe(Math.round(ceiling * (1 - 0.5 * share)));
        timers.advance(wait);
      }
      expect(waits.length).toBe(6);
      await bringUp(last);
      expect(transport.state).toBe('open');
      last().fail();
      expect(timers.pending()).toEqual([Math.round(100 * (1 - 0.5 * share))]);
      transport.close();
    }
  });

  it('reports states: connecting, open, reconnecting, open, closed', async () => {
    const { transport, states, timers, last } = setup();
    const connected = transport.connect();
    await bringUp(last);
    await connected;
    last().fail();
    timers.advance(100);
    await bringUp(last);
    transport.close();
    expect(states).toEqual(['connecting', 'open', 'reconnecting', 'open', 'closed']);
    expect(last().closed).toBe(1000);
  });

  it('detects one-way loss: a ping without any answer replaces the connection', async () => {
    const { transport, timers, last } = setup();
    void transport.connect();
    await bringUp(last);
    const first = last();
    timers.advance(1000);
    expect(first.sent.at(-1)).toEqual({ type: 'ping' });
    first.push({ type: 'pong' });
    timers.advance(1000);
    expect(transport.state).toBe('open');
    // Now the server goes silent: the next ping gets nothing back.
    timers.advance(300);
    expect(transport.state).toBe('reconnecting');
    expect(first.closed).toBe('terminated');
    timers.advance(100);
    expect(FakeSocket.all).toHaveLength(2);
  });

  it('gives up a socket that never opens after the request timeout', () => {
    const { transport, timers } = setup();
    void transport.connect();
    timers.advance(5000);
    expect(transport.state).toBe('connecting');
    expect(FakeSocket.all[0]?.closed).toBe('terminated');
  });

  it('reconnects at once when the page comes back online or visible, and probes an open socket', async () => {
    const win = new EventTarget();
    const doc = Object.assign(new EventTarget(), { visibilityState: 'visible' });
    vi.stubGlobal('window', win);
    vi.stubGlobal('document', doc);
    const { transport, timers, last } = setup();
    void transport.connect();
    await bringUp(last);
    last().fail();
    expect(timers.pending()).toEqual([75]);
    win.dispatchEvent(new Event('online'));
    expect(FakeSocket.all).toHaveLength(2);
    await bringUp(last);
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(last().sent.at(-1)).toEqual({ type: 'ping' });
    timers.advance(300);
    expect(transport.state).toBe('reconnecting');
    doc.visibilityState = 'hidden';
    doc.dispatchEvent(new Event('visibilitychange'));
    expect(FakeSocket.all).toHaveLength(2);
    win.dispatchEvent(new Event('pageshow'));
    expect(FakeSocket.all).toHaveLength(3);
    transport.close();
    // Closed: the listeners are gone.
    win.dispatchEvent(new Event('online'));
    expect(FakeSocket.all).toHaveLength(3);
  });

  it('waits what a bye asks for, plus the backoff', async () => {
    const { transport, timers, last } = setup();
    void transport.connect();
    await bringUp(last);
    last().push({ type: 'bye', reason: 'shutdown', retryAfterMs: 2000 });
    last().fail(1001);
    expect(timers.pending()).toEqual([2075]);
  });

  it('closes on a fatal refusal of hello, unless the client recovers', async () => {
    const refused = setup();
    const connected = refused.transport.connect();
    refused.last().open();
    const hello = refused.last().sent[0];
    refused.last().push({
      type: 'error',
      re: hello?.['id'],
      code: 'UNAUTHENTICATED',
      reason: 'origin_not_allowed',
      message: 'no',
      fatal: true,
    });
    await expect(connected).rejects.toMatchObject({ code: 'UNAUTHENTICATED', reason: 'origin_not_allowed' });
    expect(refused.transport.state).toBe('closed');
    expect(refused.errors.map((e) => e.reason)).toEqual(['origin_not_allowed']);

    const recover = vi.fn(() => true);
    const recovering = setup({ recover });
    void recovering.transport.connect();
    recovering.last().open();
    recovering.last().push({
      type: 'error',
      re: recovering.last().sent[0]?.['id'],
      code: 'UNAUTHENTICATED',
      reason: 'token_expired',
      message: 'old',
      fatal: true,
    });
    await flush();
    expect(recover).toHaveBeenCalledOnce();
    // Reconnects at once (a zero wait), not after a backoff.
    expect(recovering.timers.pending()).toEqual([0]);
  });

  it('closes when the server closes with 4401 or 4400, and keeps retrying after 4429', async () => {
    const { transport, last, timers } = setup();
    void transport.connect();
    await bringUp(last);
    last().fail(4429);
    expect(transport.state).toBe('reconnecting');
    timers.advance(100);
    const connected = transport.connect();
    last().fail(4401);
    await expect(connected).rejects.toMatchObject({ code: 'UNAUTHENTICATED', fatal: true });
    expect(transport.state).toBe('closed');
  });

  it('reports unreadable frames and passes pushes on', async () => {
    const { transport, last, errors, pushed } = setup();
    void transport.connect();
    await bringUp(last);
    last().onmessage?.({ data: '{oops' });
    last().push({ type: 'typing', conversationId: 'c', author: { kind: 'agent' }, on: true });
    last().push({ type: 'error', code: 'RATE_LIMITED', message: 'slow down', retryAfterMs: 10 });
    expect(errors.map((e) => e.reason ?? e.code)).toEqual(['invalid_frame', 'RATE_LIMITED']);
    expect(pushed).toHaveLength(1);
    expect(transport.state).toBe('open');
  });

  it('fails with a clear error when there is no WebSocket constructor', async () => {
    vi.stubGlobal('WebSocket', undefined);
    const timers = new ManualTimers();
    const transport = createTransport(
      { url: 'ws://x', timers },
      { hello: () => ({ type: 'hello' }), opened() {}, push() {}, state() {}, error() {} },
    );
    await expect(transport.connect()).rejects.toMatchObject({ code: 'VALIDATION_FAILED', reason: 'no_socket' });
  });
});
