/** What `h` accepts as a child: nodes, text (never parsed as HTML), or nothing. */
export type Child = Node | string | number | false | null | undefined;

/**
 * Attributes and listeners: `onClick` and friends become event listeners, anything else an
 * attribute (`true` an empty one); `false`, `null` and `undefined` are left out. There is
 * no `style` and no HTML string: nothing a strict CSP or Trusted Types would block.
 */
export type Props = Record<string, unknown>;

/** Creates an HTML element. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props?: Props | null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const key in props) {
    const value = props[key];
    if (value == null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2).toLowerCase(), value as EventListener);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  for (const child of children) if (child != null && child !== false) el.append(child as Node);
  return el;
}

/** A `type="button"` button (`part` and the click listener may be left out). */
export const button = (part: string | undefined, onClick: (() => unknown) | undefined, ...children: Child[]) =>
  h('button', { type: 'button', part, onClick }, ...children);

/** A 24×24 SVG icon from one path, hidden from assistive technology (its button has the label). */
export function icon(d: string): SVGSVGElement {
  const ns = 'http://www.w3.org/2000/svg';
  const svg = document.createElementNS(ns, 'svg');
  const path = document.createElementNS(ns, 'path');
  svg.setAttribute('viewBox', '0 0 24 24');
  svg.setAttribute('aria-hidden', 'true');
  svg.setAttribute('focusable', 'false');
  path.setAttribute('d', d);
  svg.append(path);
  return svg;
}

/** Material icon paths (Apache-2.0). */
export const ICONS = {
  chat: 'M20 2H4a2 2 0 0 0-2 2v18l4-4h14a2 2 0 0 0 2-2V4a2 2 0 0 0-2-2zM6 9h12v2H6zm8 5H6v-2h8zm4-6H6V6h12z',
  close: 'M19 6.4 17.6 5 12 10.6 6.4 5 5 6.4 10.6 12 5 17.6 6.4 19l5.6-5.6 5.6 5.6 1.4-1.4-5.6-5.6z',
  send: 'M2 21l21-9L2 3v7l15 2-15 2z',
  attach:
    'M16.5 6v11.5a4 4 0 0 1-8 0V5a2.5 2.5 0 0 1 5 0v10.5a1 1 0 0 1-2 0V6H10v9.5a2.5 2.5 0 0 0 5 0V5a4 4 0 0 0-8 0v12.5a5.5 5.5 0 0 0 11 0V6z',
} as const;
