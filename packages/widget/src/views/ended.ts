import { button, h } from '../dom/h.js';
import type { Translator } from '../i18n/translator.js';
import { renderForm } from './form.js';
import { note } from './note.js';

/** What the end-of-chat screen needs from the widget. */
export interface EndedSpec {
  /** The rating was sent. */
  rated: boolean;
  /** Where a transcript was sent, if one was. */
  transcriptTo: string;
  /** Prefills the transcript address. */
  email: string;
  rate(score: number, comment: string | undefined): Promise<void>;
  transcript(email: string): Promise<void>;
  newChat(): void;
}

/**
 * The rating (five radio buttons: arrow keys move between them) with an optional comment,
 * the transcript request, and the way back to a new chat.
 */
export function renderEnded(spec: EndedSpec, t: Translator): HTMLElement {
  const error = h('span', { part: 'error', id: 'csat-error' });
  const stars: HTMLFieldSetElement = h(
    'fieldset',
    { part: 'stars', 'aria-describedby': error.id },
    h('legend', null, t.t('rateTitle')),
    ...[1, 2, 3, 4, 5].map((score) =>
      h(
        'label',
        null,
        // Visually hidden (`sr`): the star after it shows the choice and its focus.
        h('input', {
          class: 'sr',
          type: 'radio',
          name: 'score',
          value: score,
          id: `csat-${score}`,
          'data-autofocus': score === 1,
          onChange: () => {
            error.textContent = '';
            stars.querySelectorAll('label').forEach((label, i) => {
              label.classList.toggle('on', i < score);
            });
          },
        }),
        h('span', { 'aria-hidden': 'true' }, '★'),
        h('span', { class: 'sr' }, t.t('rateScore', { score })),
      ),
    ),
  );
  let rating: HTMLElement = note(t.t('rateThanks'), 'csat-thanks');
  if (!spec.rated) {
    rating = renderForm(
      {
        id: 'csat',
        fields: [{ name: 'comment', label: t.t('rateComment'), type: 'textarea' }],
        submit: t.t('send'),
        onSubmit: async (values) => {
          const checked = stars.querySelector<HTMLInputElement>(':checked');
          if (checked) return spec.rate(+checked.value, values.comment);
          error.textContent = t.t('required');
          stars.querySelector('input')?.focus();
        },
      },
      t,
    );
    rating.prepend(stars, error);
  }
  return h(
    'section',
    { part: 'ended' },
    h('p', { part: 'form hint ended-note' }, t.t('ended')),
    rating,
    spec.transcriptTo
      ? note(t.t('transcriptSent', { email: spec.transcriptTo }), 'transcript-sent')
      : renderForm(
          {
            id: 'transcript',
            fields: [
              { name: 'email', label: t.t('transcriptLabel'), type: 'email', required: true, value: spec.email },
            ],
            submit: t.t('send'),
            onSubmit: (values) => spec.transcript(values.email as string),
          },
          t,
        ),
    h('p', { part: 'form' }, button('new-chat', spec.newChat, t.t('newChat'))),
  );
}
