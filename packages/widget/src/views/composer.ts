import type { WireLimits } from '@hotline/core';
import { button, h, ICONS, icon } from '../dom/h.js';
import type { Translator } from '../i18n/translator.js';

/** What the composer reports. */
export interface ComposerHandlers {
  /** The visitor sent `text` (trimmed, not empty); false when it did not go out. */
  send(text: string): boolean;
  file(file: File): void;
  /** The visitor typed (throttling is the caller's). */
  draft(): void;
}

/** The message box with its send and attach buttons. */
export interface Composer {
  readonly el: HTMLFormElement;
  readonly input: HTMLTextAreaElement;
  setTexts(t: Translator): void;
  setLimits(limits: WireLimits | undefined): void;
}

/** Enter sends, Shift+Enter breaks the line; a draft that failed to send comes back. */
export function createComposer(handlers: ComposerHandlers): Composer {
  const submit = (): void => {
    const text = input.value.trim();
    if (text && handlers.send(text)) input.value = '';
  };
  const input = h('textarea', {
    part: 'input',
    rows: 2,
    'data-autofocus': true,
    onKeydown: (event: KeyboardEvent) => {
      // Enter while an IME composes (Chinese, Japanese…) picks a candidate: it must not send.
      if (event.key === 'Enter' && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        submit();
      }
    },
    onInput: handlers.draft,
  });
  const file = h('input', {
    type: 'file',
    part: 'file',
    hidden: true,
    onChange: () => {
      const picked = file.files?.[0];
      file.value = '';
      if (picked) handlers.file(picked);
    },
  });
  const attach = button('attach-button', () => file.click(), icon(ICONS.attach));
  const send = h('button', { type: 'submit', part: 'send-button' }, icon(ICONS.send));
  const el = h(
    'form',
    {
      part: 'composer',
      onSubmit: (event: Event) => {
        event.preventDefault();
        submit();
      },
    },
    input,
    file,
    attach,
    send,
  );
  return {
    el,
    input,
    setTexts(t) {
      input.placeholder = t.t('placeholder');
      input.setAttribute('aria-label', t.t('message'));
      attach.setAttribute('aria-label', t.t('attach'));
      send.setAttribute('aria-label', t.t('send'));
    },
    setLimits(limits) {
      // Uploads are off when the server allows no bytes.
      attach.hidden = !limits?.maxUploadBytes;
      file.accept = limits?.allowedMimeTypes.join(',') ?? '';
      if (limits?.maxTextLength) input.maxLength = limits.maxTextLength;
    },
  };
}
