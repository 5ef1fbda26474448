import type { WidgetApi } from '../src/widget.js';

/** `#id` or a `part` name, as a selector inside the shadow root. */
const selector = (key: string): string => (key.startsWith('#') ? key : `[part~="${key}"]`);

/** An element inside the widget's shadow root by `#id` or `part` name; throws when missing. */
export function q<T extends HTMLElement = HTMLElement>(widget: WidgetApi, key: string): T {
  const el = widget.element.shadowRoot?.querySelector<T>(selector(key));
  if (!el) throw new Error(`no ${selector(key)} in the widget`);
  return el;
}

/** Every element with that `part` name. */
export function all(widget: WidgetApi, key: string): HTMLElement[] {
  return [...(widget.element.shadowRoot?.querySelectorAll<HTMLElement>(selector(key)) ?? [])];
}

/** Whether an element is rendered and not hidden. */
export function shows(widget: WidgetApi, key: string): boolean {
  const el = widget.element.shadowRoot?.querySelector<HTMLElement>(selector(key));
  return !!el && el.isConnected && !el.closest('[hidden]');
}

/** Lets promise callbacks (connect, form actions) run. */
export const flush = async (): Promise<void> => {
  for (let i = 0; i < 5; i++) await new Promise((resolve) => setTimeout(resolve, 0));
};

/** The focused element inside the widget. */
export const focused = (widget: WidgetApi): Element | null => widget.element.shadowRoot?.activeElement ?? null;

/** Presses a key on an element, as a keyboard would. */
export function press(el: Element, key: string, init: KeyboardEventInit = {}): KeyboardEvent {
  const event = new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true, ...init });
  el.dispatchEvent(event);
  return event;
}

/** Types into a field and fires `input`. */
export function type(
  el: HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement | HTMLElement,
  value: string,
): void {
  (el as HTMLInputElement).value = value;
  el.dispatchEvent(new Event('input', { bubbles: true }));
}

/** Submits a form the way its submit button would. */
export function submit(form: HTMLElement): void {
  form.dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
}
