import { describe, expect, it } from 'vitest';
import { ManualTimers } from '../../test/helpers.js';
import { ClientError } from '../errors.js';
import { createRequests, type OutFrame } from './requests.js';

function setup(up = true) {
  const timers = new ManualTimers();
  const sent: OutFrame[] = [];
  const link = { up };
  const requests = createRequests((frame) => link.up && sent.push(frame) > 0, timers, 1000);
  return { timers, sent, link, requests };
}

describe('request manager', () => {
  it('gives each request its own id and settles it with the reply or error carrying it', async () => {
    const { requests, sent } = setup();
    requests.ready();
    const a = requests.request<string>({ type: 'history' });
    const b = requests.request<string>({ type: 'end' });
    expect(sent.map((f) => f['id'])).toEqual(['1', '2']);
    expect(requests.settle({ type: 'reply', re: '2', result: 'two' })).toBe(true);
    expect(requests.settle({ type: 'error', re: '1', code: 'NOT_FOUND', message: 'gone' } as never)).toBe(true);
    await expect(b).resolves.toBe('two');
    await expect(a).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // A second answer to the same id finds nothing pending.
    expect(requests.settle({ type: 'reply', re: '2', result: 'again' })).toBe(false);
  });

  it('times out a request that gets no reply, counted from the call', async () => {
    const { requests, timers } = setup();
    const pending = requests.request({ type: 'csat' });
    timers.advance(999);
    requests.ready();
    timers.advance(1);
    const error = await pending.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect(error).toMatchObject({ code: 'TIMEOUT', reason: 'request_timeout', retryable: true });
  });

  it('holds requests until the connection is ready, then sends them in order', () => {
    const { requests, sent } = setup();
    requests.request({ type: 'start' });
    requests.request({ type: 'send' });
    expect(sent).toEqual([]);
    requests.ready();
    expect(sent.map((f) => f.type)).toEqual(['start', 'send']);
  });

  it('on a drop fails what may have taken effect and resends what is safe to repeat', async () => {
    const { requests, sent } = setup();
    requests.ready();
    const once = requests.request({ type: 'accept' });
    const safe = requests.request({ type: 'history' }, { retry: true });
    requests.dropped();
    await expect(once).rejects.toMatchObject({ code: 'UNAVAILABLE', reason: 'connection_lost' });
    expect(sent).toHaveLength(2);
    requests.ready();
    expect(sent.map((f) => [f.type, f['id']])).toEqual([
      ['accept', '1'],
      ['history', '2'],
      ['history', '2'],
    ]);
    requests.settle({ type: 'reply', re: '2', result: 'ok' });
    await expect(safe).resolves.toBe('ok');
  });

  it('fails everything on close', async () => {
    const { requests } = setup();
    const pending = requests.request({ type: 'history' }, { retry: true });
    requests.failAll(new ClientError('UNAVAILABLE', 'closed', { reason: 'closed' }));
    await expect(pending).rejects.toMatchObject({ reason: 'closed' });
  });
});
