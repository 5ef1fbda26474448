/**
 * Canned responses (`GET /api/v1/canned-responses`): type `/` and a shortcut in the reply
 * box, or open the list with its button; arrows move, Enter or Tab inserts, Escape closes.
 * `{{contact.name}}` and `{{agent.name}}` in a response are filled in.
 */
import { api, errorText, itemsOf } from './api.js';
import { fill, h, show, toast } from './dom.js';

/** The `/shortcut` being typed right before the caret, if any. */
function slashToken(textarea) {
  const before = textarea.value.slice(0, textarea.selectionStart);
  const match = /(^|\s)\/([\w-]*)$/.exec(before);
  return match ? { start: before.length - match[2].length - 1, query: match[2].toLowerCase() } : undefined;
}

/**
 * @param {{ list: HTMLElement, button: HTMLButtonElement, textarea: HTMLTextAreaElement,
 *   context: () => { language?: string, queueId?: string, vars: Record<string, string> } }} options
 */
export function createCanned({ list, button, textarea, context }) {
  let responses = [];
  let shown = [];
  let active = 0;
  /** Where the insertion goes: the `/token` typed, or the caret when opened with the button. */
  let range;

  async function load() {
    try {
      responses = itemsOf(await api('/canned-responses'));
    } catch (error) {
      responses = [];
      toast(`Canned responses did not load: ${errorText(error)}`, 'error');
    }
  }

  function matches(query) {
    const { language, queueId } = context();
    const q = query.toLowerCase();
    return responses
      .filter((r) => !r.queueIds?.length || !queueId || r.queueIds.includes(queueId))
      .filter(
        (r) => !q || r.shortcut.startsWith(q) || r.title.toLowerCase().includes(q) || r.text.toLowerCase().includes(q),
      )
      .sort((a, b) => rank(a) - rank(b) || a.shortcut.localeCompare(b.shortcut));
    function rank(r) {
      const base = language?.split('-')[0];
      if (!r.language || !base) return 1;
      return r.language.split('-')[0] === base ? 0 : 2;
    }
  }

  function isOpen() {
    return !list.hidden;
  }

  function setExpanded(open) {
    button.setAttribute('aria-expanded', String(open));
    if (!open) textarea.removeAttribute('aria-activedescendant');
  }

  function render() {
    fill(
      list,
      shown.length
        ? shown.map((r, i) =>
            h(
              'div',
              {
                id: `canned-${r.id}`,
                role: 'option',
                class: 'canned-item',
                testid: 'canned-item',
                dataset: { shortcut: r.shortcut, id: r.id },
                'aria-selected': String(i === active),
                onmousedown: (event) => event.preventDefault(), // keep the focus in the reply box
                onclick: () => pick(r),
              },
              h('span', { class: 'canned-shortcut' }, `/${r.shortcut}`),
              h('span', { class: 'canned-title' }, r.title),
              r.language ? h('span', { class: 'pill' }, r.language) : null,
              h('span', { class: 'canned-text' }, r.text),
            ),
          )
        : h('div', { class: 'empty', role: 'option', 'aria-disabled': 'true' }, 'No canned response matches.'),
    );
    const current = shown[active];
    if (current) {
      textarea.setAttribute('aria-activedescendant', `canned-${current.id}`);
      document.getElementById(`canned-${current.id}`)?.scrollIntoView({ block: 'nearest' });
    }
  }

  function open(query, at) {
    range = at;
    shown = matches(query);
    active = 0;
    show(list, true);
    setExpanded(true);
    render();
  }

  function close() {
    show(list, false);
    setExpanded(false);
  }

  function pick(response) {
    const vars = context().vars;
    const text = response.text.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (whole, key) => vars[key] ?? whole);
    const start = range?.start ?? textarea.selectionStart;
    const end = textarea.selectionStart;
    textarea.setRangeText(text, start, Math.max(start, end), 'end');
    textarea.dispatchEvent(new Event('input', { bubbles: true }));
    close();
    textarea.focus();
  }

  button.addEventListener('click', () => {
    if (isOpen()) close();
    else open('', undefined);
    textarea.focus();
  });
  textarea.addEventListener('input', () => {
    const token = slashToken(textarea);
    if (token) open(token.query, token);
    else if (range) close(); // the slash token was deleted
  });
  // Focus may move between the reply box and the list (Tab); the list closes when it leaves both.
  const closeUnlessFocused = () =>
    setTimeout(() => {
      if (document.activeElement !== textarea && !list.contains(document.activeElement)) close();
    }, 150);
  textarea.addEventListener('blur', closeUnlessFocused);
  list.addEventListener('focusout', closeUnlessFocused);
  list.addEventListener('keydown', (event) => {
    if (onKey(event)) event.preventDefault();
  });

  /** Handles a key in the reply box while the list is open; true when it used the key. */
  function onKey(event) {
    if (!isOpen()) return false;
    if (event.key === 'Escape') {
      close();
      return true;
    }
    if (event.key === 'ArrowDown' || event.key === 'ArrowUp') {
      if (!shown.length) return true;
      active = (active + (event.key === 'ArrowDown' ? 1 : shown.length - 1)) % shown.length;
      render();
      return true;
    }
    if ((event.key === 'Enter' && !event.shiftKey) || event.key === 'Tab') {
      if (!shown[active]) {
        close();
        return event.key === 'Enter' && Boolean(range);
      }
      pick(shown[active]);
      return true;
    }
    return false;
  }

  return { load, onKey, close };
}
