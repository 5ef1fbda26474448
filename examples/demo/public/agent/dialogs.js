/**
 * The conversation dialogs (native `<dialog>`: focus is kept inside, Escape closes):
 * transfer to a queue or to an agent, wrap-up with a disposition and notes, and a ticket
 * from the conversation.
 */
import { api, errorText, itemsOf } from './api.js';
import { customerName, messageText } from './chats.js';
import { byId, fill, h, show, toast } from './dom.js';
import { label } from './format.js';
import { isSupervisor } from './session.js';

/** Dispositions offered at wrap-up (stored on the conversation as `attributes.disposition`). */
export const DISPOSITIONS = [
  ['solved', 'Solved'],
  ['information_given', 'Information given'],
  ['sale', 'Sale'],
  ['no_sale', 'No sale'],
  ['follow_up', 'Follow-up needed'],
  ['escalated', 'Escalated'],
  ['no_response', 'Customer stopped answering'],
  ['spam', 'Spam'],
];

/**
 * Wires a dialog's form: adds its error line and its Cancel and submit buttons (the submit's
 * text and test id from the form's `data-submit` and `data-submit-testid`), and keeps the
 * submit busy while it runs. Returns `open()`.
 */
function dialogForm(dialog, { prepare, submit }) {
  const form = dialog.querySelector('form');
  const error = h('p', { class: 'error', role: 'alert', hidden: true });
  const button = h(
    'button',
    { type: 'submit', class: 'primary', testid: form.dataset.submitTestid },
    form.dataset.submit,
  );
  form.append(
    error,
    h(
      'div',
      { class: 'dialog-actions' },
      h('button', { type: 'button', onclick: () => dialog.close() }, 'Cancel'),
      button,
    ),
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    show(error, false);
    button.disabled = true;
    try {
      await submit();
      dialog.close();
    } catch (err) {
      error.textContent = errorText(err);
      show(error, true);
    } finally {
      button.disabled = false;
    }
  });
  return async () => {
    show(error, false);
    form.reset();
    dialog.showModal();
    try {
      await prepare?.();
    } catch (err) {
      error.textContent = errorText(err);
      show(error, true);
    }
  };
}

/**
 * @param {{ desk: import('/static/hotline-client.js').AgentDesk, current: () => any, me: { id: string },
 *   queues: () => Array<{ id: string, name: string }>, onTransferred: (id: string) => void,
 *   onTicket: (conversationId: string, ticket: any) => void }} options
 */
export function createDialogs({ desk, current, me, queues, onTransferred, onTicket }) {
  const queueSelect = byId('transfer-queue');
  const agentSelect = byId('transfer-agent');
  const transferNote = byId('transfer-note');
  // Choosing one target clears the other: exactly one is sent.
  queueSelect.addEventListener('change', () => {
    if (queueSelect.value) agentSelect.value = '';
  });
  agentSelect.addEventListener('change', () => {
    if (agentSelect.value) queueSelect.value = '';
  });

  /**
   * The other agents with their activity: live figures from the reports API for those who may
   * read reports (supervisors), else the agent records (whose activity routing keeps current).
   */
  async function agentOptions() {
    const agents = isSupervisor(me)
      ? ((await api('/reports/agents'))?.agents ?? [])
      : itemsOf(await api('/agents', { query: { limit: 200 } })).map((a) => ({
          agentId: a.id,
          name: a.name,
          activity: a.activity,
          capacity: a.capacity?.webchat,
        }));
    return agents
      .filter((a) => a.agentId !== me.id)
      .sort((a, b) => Number(a.activity !== 'available') - Number(b.activity !== 'available'));
  }

  const openTransfer = dialogForm(byId('transfer-dialog'), {
    async prepare() {
      fill(
        queueSelect,
        h('option', { value: '' }, 'Choose a queue…'),
        queues().map((q) => h('option', { value: q.id }, q.name ?? q.id)),
      );
      fill(agentSelect, h('option', { value: '' }, 'Loading agents…'));
      const agents = await agentOptions();
      fill(
        agentSelect,
        h('option', { value: '' }, 'Choose an agent…'),
        agents.map((a) => {
          const load = a.active !== undefined ? `, ${a.active} of ${a.capacity ?? '?'} chats` : '';
          const state = a.activity ? ` (${label(a.activity)}${load})` : '';
          return h(
            'option',
            { value: a.agentId, disabled: a.activity === 'offline', dataset: { activity: a.activity ?? '' } },
            `${a.name ?? a.agentId}${state}`,
          );
        }),
      );
    },
    async submit() {
      const conversation = current();
      const queueId = queueSelect.value;
      const agentId = agentSelect.value;
      if (!conversation) throw new Error('No chat is open.');
      if (!queueId === !agentId) throw new Error('Choose a queue or an agent.');
      const target = queueId ? { queueId } : { agentId };
      const note = transferNote.value.trim();
      if (note) await desk.send(conversation.id, note, { note: true });
      if (typeof desk.transfer === 'function') await desk.transfer(conversation.id, target);
      else
        await api(`/conversations/${encodeURIComponent(conversation.id)}/transfer`, { method: 'POST', body: target });
      const to = queueId
        ? (queues().find((q) => q.id === queueId)?.name ?? queueId)
        : agentSelect.selectedOptions[0]?.textContent;
      toast(`Transferred ${customerName(conversation)} to ${to}.`);
      onTransferred(conversation.id);
    },
  });

  const disposition = byId('disposition');
  fill(
    disposition,
    h('option', { value: '' }, 'Choose…'),
    DISPOSITIONS.map(([value, text]) => h('option', { value }, text)),
  );
  const openWrapUp = dialogForm(byId('wrapup-dialog'), {
    async submit() {
      const conversation = current();
      if (!conversation) throw new Error('No chat is open.');
      const notes = byId('wrapup-notes').value.trim();
      const wrapUp = { disposition: disposition.value || undefined, notes: notes || undefined };
      const ended = conversation.status === 'wrap_up';
      await desk.end(conversation.id, wrapUp);
      toast(ended ? 'Wrap-up saved. Resolve when done.' : 'Chat ended. Resolve it when your wrap-up is done.');
    },
  });

  const subject = byId('ticket-subject');
  const openTicket = dialogForm(byId('ticket-dialog'), {
    prepare() {
      const conversation = current();
      const first = conversation && desk.messages(conversation.id).find((m) => m.author?.kind === 'contact');
      const text = first ? messageText(first).replace(/\s+/g, ' ').trim() : '';
      subject.value = text ? text.slice(0, 120) : `Chat with ${customerName(conversation)}`;
      subject.select();
    },
    async submit() {
      const conversation = current();
      if (!conversation) throw new Error('No chat is open.');
      const description = byId('ticket-description').value.trim();
      const ticket = await api('/tickets', {
        method: 'POST',
        body: {
          conversationId: conversation.id,
          requesterId: conversation.contact?.id,
          subject: subject.value.trim(),
          priority: byId('ticket-priority').value,
          ...(description ? { description, descriptionPublic: false, descriptionAuthor: 'agent' } : {}),
        },
      });
      toast(`Ticket #${ticket?.number ?? ''} created.`);
      onTicket(conversation.id, ticket);
    },
  });

  return { openTransfer, openWrapUp, openTicket };
}
