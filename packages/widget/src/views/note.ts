import { h } from '../dom/h.js';

/** A note in place of a form or a view (sent, connecting…): announced, and it takes the focus. */
export const note = (text: string, part: string): HTMLElement =>
  h('p', { part: `form hint ${part}`, role: 'status', tabindex: '-1', 'data-autofocus': true }, text);
