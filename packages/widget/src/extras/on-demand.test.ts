import { describe, expect, it, vi } from 'vitest';
import { flush, q, shows, submit, type } from '../../test/dom.js';
import { deferred } from '../../test/fake-chat.js';
import { mount } from '../../test/mount.js';
import { EXTRA_LOCALE } from '../i18n/translator.js';
import { type Extras, extras } from './extras.js';

/** A loader as the one-script-tag build has: each call a pending load the test settles. */
function onDemand() {
  const loads: ReturnType<typeof deferred<Extras>>[] = [];
  const load = vi.fn((_url?: string) => {
    const load = deferred<Extras>();
    loads.push(load);
    return load.promise;
  });
  return { load, loads };
}

/** After a failed load, the need just triggered loads again, and once it arrives `part` shows. */
async function loadsAgainAndShows(
  { load, loads }: ReturnType<typeof onDemand>,
  widget: ReturnType<typeof mount>['widget'],
  part: string,
): Promise<void> {
  await flush();
  expect(load).toHaveBeenCalledTimes(2);
  loads[1]?.resolve(extras);
  await flush();
  expect(shows(widget, part)).toBe(true);
}

const UNAVAILABLE = Object.assign(new Error('could not load'), { code: 'UNAVAILABLE' });
const PRECHAT = { fields: [{ name: 'email', type: 'email' as const, required: true }] };

describe('extras loaded on demand', () => {
  it('are not loaded for the launcher and the conversation in English', async () => {
    const { load } = onDemand();
    const { widget } = mount({}, undefined, load);
    widget.open();
    await flush();
    expect(shows(widget, 'composer')).toBe(true);
    expect(load).not.toHaveBeenCalled();
  });

  it('load when the pre-chat form is due, from extrasUrl, and show it once there', async () => {
    const { load, loads } = onDemand();
    const { widget } = mount({ prechat: PRECHAT, extrasUrl: '/assets/extras.js' }, undefined, load);
    widget.open();
    await flush();
    expect(load).toHaveBeenCalledWith('/assets/extras.js');
    expect(shows(widget, 'connecting')).toBe(true);
    expect(shows(widget, 'composer')).toBe(false);
    loads[0]?.resolve(extras);
    await flush();
    expect(shows(widget, 'prechat')).toBe(true);
    expect(q(widget, 'prechat').textContent).toContain('Before we start');
    expect(widget.element.shadowRoot?.adoptedStyleSheets).toHaveLength(2);
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('without them the chat goes on without the pre-chat form; the next open tries again', async () => {
    const loader = onDemand();
    const { load, loads } = loader;
    const { widget, chats } = mount({ prechat: PRECHAT }, undefined, load);
    const errors = vi.fn();
    widget.on('error', errors);
    widget.open();
    await flush();
    loads[0]?.reject(UNAVAILABLE);
    await flush();
    expect(errors).toHaveBeenCalledWith(UNAVAILABLE);
    expect(shows(widget, 'composer')).toBe(true);
    expect(shows(widget, 'prechat')).toBe(false);
    // Updates while the panel stays open do not hammer the server.
    chats[0]?.emit('queue', { open: true });
    await flush();
    expect(load).toHaveBeenCalledTimes(1);

    widget.close();
    widget.open();
    await loadsAgainAndShows(loader, widget, 'prechat');
  });

  it('without them the offline form shows a retry, which loads them again', async () => {
    const loader = onDemand();
    const { load, loads } = loader;
    const { widget } = mount(
      {},
      (chat) => {
        chat.queueOpen = false;
      },
      load,
    );
    widget.open();
    await flush();
    loads[0]?.reject(UNAVAILABLE);
    await flush();
    expect(shows(widget, 'failed')).toBe(true);
    q(widget, 'reconnect-button').click();
    await loadsAgainAndShows(loader, widget, 'offline');
  });

  it('without them an ended conversation keeps the composer, and writing goes on', async () => {
    const { load, loads } = onDemand();
    const { widget, chats } = mount({}, undefined, load);
    widget.open();
    await flush();
    const chat = chats[0];
    await chat?.start();
    chat?.setStatus('resolved');
    await flush();
    expect(load).toHaveBeenCalledTimes(1);
    loads[0]?.reject(UNAVAILABLE);
    await flush();
    expect(shows(widget, 'ended')).toBe(false);
    type(q(widget, 'input'), 'One more thing');
    submit(q(widget, 'composer'));
    expect(chat?.called('send')).toEqual([['One more thing']]);
  });

  it('for Simplified Chinese, put the widget on the page once the texts are there', async () => {
    const { load, loads } = onDemand();
    const { widget } = mount({ locale: 'zh-Hans' }, undefined, load);
    const ready = vi.fn();
    widget.on('ready', ready);
    await flush();
    expect(load).toHaveBeenCalledTimes(1);
    expect(widget.element.isConnected).toBe(false);
    expect(ready).not.toHaveBeenCalled();
    loads[0]?.resolve(extras);
    await flush();
    expect(widget.element.isConnected).toBe(true);
    expect(ready).toHaveBeenCalledTimes(1);
    expect(q(widget, 'launcher').getAttribute('aria-label')).toBe('打开聊天');
  });

  it('for Simplified Chinese, fall back to English when they fail, and switch once a later open loads them', async () => {
    const { load, loads } = onDemand();
    const { widget } = mount({ locale: 'zh-CN' }, undefined, load);
    loads[0]?.reject(UNAVAILABLE);
    await flush();
    expect(widget.element.isConnected).toBe(true);
    expect(q(widget, 'launcher').getAttribute('aria-label')).toBe('Open chat');
    widget.open();
    loads[1]?.resolve(extras);
    await flush();
    expect(q(widget, 'title').textContent).toBe('在线客服');
  });

  it('carry the dictionary of the locale the main bundle waits for, and all of English', () => {
    expect(Object.keys(extras.locales)).toEqual(['en', EXTRA_LOCALE]);
  });
});
