/**
 * A few DOM helpers for the demo pages. Text always goes in as text nodes (never HTML), so
 * whatever a customer types is shown, not run; no inline style or script is ever written,
 * which keeps a strict Content-Security-Policy working.
 */

/**
 * Creates an element. `props`: `class`, `text`, `testid` (→ `data-testid`), `dataset`,
 * `on<event>` listeners, booleans (`disabled: true`), anything else as an attribute.
 */
export function h(tag, props = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (key === 'testid') el.dataset.testid = value;
    else if (key === 'dataset') Object.assign(el.dataset, value);
    else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children.flat(3)) {
    if (child === undefined || child === null || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** `document.getElementById` that throws when the page lacks the element (a broken page shows at once). */
export function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`#${id} is missing from the page`);
  return el;
}

/** Shows or hides an element with the `hidden` attribute. */
export function show(el, visible) {
  el.hidden = !visible;
}

let toastTimer;

/**
 * A short notice in the page's `#toast` status region (announced by screen readers).
 * `kind`: `info` or `error` (errors use the assertive region).
 */
export function toast(text, kind = 'info') {
  const el = document.getElementById('toast');
  if (!el) return;
  el.textContent = text;
  el.dataset.kind = kind;
  el.setAttribute('role', kind === 'error' ? 'alert' : 'status');
  el.hidden = false;
  clearTimeout(toastTimer);
  toastTimer = setTimeout(() => {
    el.hidden = true;
  }, 6000);
}

/** Says `text` to screen readers only (the page's `#announcer`, a polite live region). */
export function announce(text) {
  const el = document.getElementById('announcer');
  if (!el) return;
  // Clearing first makes the same sentence twice in a row be read twice.
  el.textContent = '';
  setTimeout(() => {
    el.textContent = text;
  }, 50);
}
