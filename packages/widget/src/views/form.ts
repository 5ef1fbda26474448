import { h } from '../dom/h.js';
import type { Translator } from '../i18n/translator.js';

/** One field of a form the widget renders. */
export interface FieldSpec {
  name: string;
  label: string;
  type: 'text' | 'email' | 'tel' | 'select' | 'textarea';
  required?: boolean | undefined;
  options?: { value: string; label: string }[] | undefined;
  value?: string | undefined;
  /** Longest answer. @default 2000 */
  max?: number;
}

/** A plausible address; the server validates for real. */
export const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const AUTOCOMPLETE: Record<string, string> = { name: 'name', email: 'email', phone: 'tel' };

/** The error for one (trimmed) answer, or `''`. */
export function fieldError(field: FieldSpec, value: string, t: Translator): string {
  if (!value) return field.required ? t.t('required') : '';
  return field.type === 'email' && !EMAIL.test(value) ? t.t('invalidEmail') : '';
}

/** What a form is made of. */
export interface FormSpec {
  /** Part name of the form and prefix of its ids (`prechat` → `#prechat-email`). */
  id: string;
  title?: string;
  intro?: string;
  fields: FieldSpec[];
  submit: string;
  /** Called with the trimmed answers once every field is valid; the button is disabled meanwhile. */
  onSubmit(values: Record<string, string>): Promise<void>;
}

/**
 * A form the widget validates in the visitor's language (`novalidate`: no browser bubbles
 * in another language). Each error is tied to its field by `aria-describedby`, and the
 * first invalid field takes the focus.
 */
export function renderForm(spec: FormSpec, t: Translator): HTMLFormElement {
  const submit = h('button', { type: 'submit', part: 'submit' }, spec.submit);
  const controls = spec.fields.map((field, index) => {
    const { name, type } = field;
    const id = `${spec.id}-${name}`;
    const error = h('span', { part: 'error', id: `${id}-error` });
    const control = h(type === 'select' || type === 'textarea' ? type : 'input', {
      id,
      name,
      type,
      required: field.required,
      autocomplete: AUTOCOMPLETE[name],
      maxlength: field.max ?? 2000,
      'aria-describedby': error.id,
      'data-autofocus': !index,
    });
    if (type === 'select') {
      control.append(
        h('option', { value: '' }, t.t('choose')),
        ...(field.options ?? []).map((option) => h('option', { value: option.value }, option.label)),
      );
    }
    if (field.value) control.value = field.value;
    return [field, control, error] as const;
  });
  return h(
    'form',
    {
      part: `form ${spec.id}`,
      novalidate: true,
      'aria-label': spec.title,
      onSubmit: async (event: Event) => {
        event.preventDefault();
        if (submit.disabled) return;
        const values: Record<string, string> = {};
        let invalid: HTMLElement | undefined;
        for (const [field, control, error] of controls) {
          const value = control.value.trim();
          const message = fieldError(field, value, t);
          error.textContent = message;
          control.setAttribute('aria-invalid', `${!!message}`);
          if (message) invalid ??= control;
          if (value) values[field.name] = value;
        }
        if (invalid) return invalid.focus();
        submit.disabled = true;
        try {
          await spec.onSubmit(values);
        } finally {
          submit.disabled = false;
        }
      },
    },
    spec.title && h('h3', null, spec.title),
    spec.intro && h('p', null, spec.intro),
    ...controls.map(([field, control, error]) =>
      h(
        'label',
        null,
        h('span', null, field.label, field.required && h('span', { 'aria-hidden': 'true' }, ' *')),
        control,
        error,
      ),
    ),
    submit,
  );
}
