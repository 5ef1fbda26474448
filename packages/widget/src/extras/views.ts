import type { Messages } from '../i18n/en.js';
import { pickText } from '../i18n/pick.js';
import type { Translator } from '../i18n/translator.js';
import type { PrechatField } from '../options.js';
import { renderEnded } from '../views/ended.js';
import { type FieldSpec, renderForm } from '../views/form.js';
import { note } from '../views/note.js';

/** What the widget hands a view of the extras: its texts, what it knows, and its actions. */
export interface ViewHost {
  tr: Translator;
  /** The pre-chat form's fields (`prechat.fields`). */
  fields: readonly PrechatField[];
  /** Known answers to prefill: the pre-chat form's over the identity's (`name`, `email`). */
  answers: Readonly<Record<string, string | undefined>>;
  /** Runs a form's action: a failure shows in the alert and keeps the form, success moves on. */
  guard<A extends unknown[]>(action: (...args: A) => Promise<unknown>): (...args: A) => Promise<void>;
  /** Starts the conversation with the pre-chat answers. */
  start(answers: Record<string, string>): Promise<unknown>;
  /** The offline message was left. */
  left: boolean;
  leave(message: { name: string | undefined; email: string; message: string }): Promise<unknown>;
  /** The conversation shown was rated. */
  rated: boolean;
  /** Where its transcript went, if it did. */
  transcriptTo: string;
  rate(score: number, comment: string | undefined): Promise<unknown>;
  transcript(email: string): Promise<unknown>;
  /** The visitor wants to write again after the end. */
  newChat(): void;
}

/** The pre-chat form: the host's fields, labelled in the visitor's language. */
export function prechatView(w: ViewHost): HTMLElement {
  const { tr } = w;
  const fields: FieldSpec[] = w.fields.map(({ name, label, type = 'text', required, options }) => ({
    name,
    label:
      pickText(tr.locale, label) || (/^(name|email|phone|message)$/.test(name) ? tr.t(name as keyof Messages) : name),
    type,
    required,
    options: options?.map((option) => ({ value: option.value, label: pickText(tr.locale, option.label) })),
    value: w.answers[name],
  }));
  return renderForm(
    { id: 'prechat', title: tr.t('prechatTitle'), fields, submit: tr.t('startChat'), onSubmit: w.guard(w.start) },
    tr,
  );
}

/** The offline form (no agent reachable), or its thanks once sent. */
export function offlineView(w: ViewHost): HTMLElement {
  const { tr } = w;
  if (w.left) return note(tr.t('offlineSent'), 'offline-sent');
  return renderForm(
    {
      id: 'offline',
      title: tr.t('offlineTitle'),
      intro: tr.t('offlineMessage'),
      fields: [
        { name: 'name', label: tr.t('name'), type: 'text', value: w.answers.name, max: 200 },
        { name: 'email', label: tr.t('email'), type: 'email', required: true, value: w.answers.email, max: 320 },
        { name: 'message', label: tr.t('message'), type: 'textarea', required: true, max: 5000 },
      ],
      submit: tr.t('send'),
      onSubmit: w.guard(({ name, email, message }) =>
        w.leave({ name, email: email as string, message: message as string }),
      ),
    },
    tr,
  );
}

/** The end of a conversation: rating, transcript, a new chat. */
export const endedView = (w: ViewHost): HTMLElement =>
  renderEnded({ ...w, email: w.answers.email ?? '', rate: w.guard(w.rate), transcript: w.guard(w.transcript) }, w.tr);
