/**
 * The reply box: Enter sends (Shift+Enter for a new line; never in the middle of an IME
 * composition), typing is told to the customer, a draft is kept per chat, "Internal note"
 * sends a note the customer never sees. A send that fails keeps its `clientMessageId`, so
 * Retry can never store it twice.
 */
import { errorText } from './api.js';
import { toast } from './dom.js';

/** A random id (crypto.randomUUID needs a secure context; plain http on a LAN address is not one). */
export function randomId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  return Array.from(crypto.getRandomValues(new Uint8Array(16)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * @param {{ form: HTMLFormElement, textarea: HTMLTextAreaElement, note: HTMLInputElement,
 *   desk: import('/static/hotline-client.js').AgentDesk, thread: ReturnType<typeof import('./thread.js').createThread>,
 *   canned: ReturnType<typeof import('./canned.js').createCanned> }} options
 */
export function createComposer({ form, textarea, note, desk, thread, canned }) {
  const drafts = new Map();
  let conversationId;

  function send(id, text, asNote, clientMessageId = randomId()) {
    thread.pending(clientMessageId, text, asNote);
    desk.send(id, text, { note: asNote, clientMessageId }).catch((error) => {
      thread.failed(clientMessageId, () => send(id, text, asNote, clientMessageId));
      toast(`Message not sent: ${errorText(error)}`, 'error');
    });
  }

  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const text = textarea.value.trim();
    if (!conversationId || !text) return;
    const asNote = note.checked;
    textarea.value = '';
    drafts.delete(conversationId);
    if (!asNote) desk.setTyping(conversationId, false);
    send(conversationId, text, asNote);
    textarea.focus();
  });

  textarea.addEventListener('keydown', (event) => {
    if (event.isComposing || event.keyCode === 229) return;
    if (canned.onKey(event)) {
      event.preventDefault();
      return;
    }
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  textarea.addEventListener('input', () => {
    if (!conversationId) return;
    drafts.set(conversationId, textarea.value);
    if (!note.checked) desk.setTyping(conversationId, textarea.value.trim().length > 0);
  });

  note.addEventListener('change', () => {
    form.classList.toggle('as-note', note.checked);
    textarea.placeholder = note.checked ? 'Internal note: only agents see it' : textarea.dataset.placeholder;
  });
  textarea.dataset.placeholder = textarea.placeholder;

  return {
    /** Switches to another chat, keeping the draft of the one left. */
    switchTo(id) {
      if (conversationId === id) return;
      if (conversationId) {
        drafts.set(conversationId, textarea.value);
        desk.setTyping(conversationId, false);
      }
      conversationId = id;
      textarea.value = (id && drafts.get(id)) ?? '';
      canned.close();
    },
    /** Forgets the draft of a chat that is gone. */
    forget(id) {
      drafts.delete(id);
    },
  };
}
