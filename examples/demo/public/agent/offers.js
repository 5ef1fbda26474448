/**
 * Incoming offers: one card per reservation with who is asking, from which queue, a
 * countdown to `expiresAt`, and Accept / Reject. A new offer chimes and is announced.
 */
import { errorText } from './api.js';
import { announce, fill, h, show, toast } from './dom.js';
import { label } from './format.js';
import { chime } from './sound.js';

/** Who is asking: the contact's name, else the name given in the pre-chat form. */
function offerName(offer) {
  return offer.contact?.name || offer.attributes?.prechat?.name || 'A visitor';
}

/**
 * @param {{ list: HTMLElement, empty: HTMLElement, count: HTMLElement, desk: import('/static/hotline-client.js').AgentDesk,
 *   queueName: (id?: string) => string, onAccepted: (conversationId: string) => void }} options
 */
export function createOffers({ list, empty, count, desk, queueName, onAccepted }) {
  const busy = new Set();
  /** Offers already on screen: only a new one animates in. */
  const rendered = new Set();

  function secondsLeft(offer) {
    return Math.max(0, Math.ceil((Date.parse(offer.expiresAt) - Date.now()) / 1000));
  }

  async function answer(offer, accept) {
    busy.add(offer.reservationId);
    render();
    try {
      if (accept) {
        const conversation = await desk.accept(offer.reservationId);
        onAccepted(conversation.id);
      } else {
        await desk.reject(offer.reservationId);
        toast('Offer rejected: the chat goes back in line.');
      }
    } catch (error) {
      toast(`Could not ${accept ? 'accept' : 'reject'} the offer: ${errorText(error)}`, 'error');
    } finally {
      busy.delete(offer.reservationId);
      render();
    }
  }

  function card(offer) {
    const attributes = offer.attributes ?? {};
    const who = offerName(offer);
    const details = [
      queueName(offer.queueId),
      offer.channel && label(offer.channel),
      attributes.language && `language ${attributes.language}`,
    ].filter(Boolean);
    const topic = attributes.prechat?.topic ?? attributes.page?.title ?? attributes.page?.url;
    const waiting = busy.has(offer.reservationId);
    const left = secondsLeft(offer);
    return h(
      'li',
      {
        class: rendered.has(offer.reservationId) ? 'offer' : 'offer offer-new',
        testid: 'offer',
        dataset: { reservationId: offer.reservationId, conversationId: offer.conversationId },
        'aria-label': `Chat offer from ${who}`,
      },
      h('p', { class: 'offer-who' }, who),
      h('p', { class: 'meta' }, details.join(' · ')),
      topic ? h('p', { class: 'meta offer-topic' }, String(topic)) : null,
      h(
        'p',
        { class: `countdown${left <= 10 ? ' urgent' : ''}`, testid: 'offer-countdown' },
        left > 0 ? `${left} s to answer` : 'Expiring…',
      ),
      h(
        'div',
        { class: 'row' },
        h(
          'button',
          {
            type: 'button',
            class: 'primary',
            testid: 'offer-accept',
            disabled: waiting,
            onclick: () => answer(offer, true),
          },
          'Accept',
        ),
        h(
          'button',
          { type: 'button', testid: 'offer-reject', disabled: waiting, onclick: () => answer(offer, false) },
          'Reject',
        ),
      ),
    );
  }

  /** Renders the offers; focus stays on the button it was on when the list is rebuilt. */
  function render() {
    const focused = document.activeElement;
    const focusKey = list.contains(focused)
      ? [focused.closest('[data-reservation-id]')?.dataset.reservationId, focused.dataset.testid]
      : undefined;
    const offers = desk.offers;
    fill(list, offers.map(card));
    rendered.clear();
    for (const offer of offers) rendered.add(offer.reservationId);
    show(empty, offers.length === 0);
    count.textContent = offers.length ? String(offers.length) : '';
    if (focusKey) {
      list
        .querySelector(`[data-reservation-id="${CSS.escape(focusKey[0] ?? '')}"] [data-testid="${focusKey[1]}"]`)
        ?.focus();
    }
  }

  /** Updates the countdowns in place (a full render every second would disturb screen readers). */
  function tick() {
    for (const offer of desk.offers) {
      const el = list.querySelector(`[data-reservation-id="${CSS.escape(offer.reservationId)}"] .countdown`);
      if (!el) continue;
      const left = secondsLeft(offer);
      el.textContent = left > 0 ? `${left} s to answer` : 'Expiring…';
      el.classList.toggle('urgent', left <= 10);
    }
  }

  desk.on('offer', (offer) => {
    render();
    chime();
    announce(`New chat offer from ${offerName(offer)}, ${queueName(offer.queueId)}.`);
  });
  desk.on('offer_ended', ({ reason }) => {
    render();
    if (reason === 'timeout') toast('An offer timed out.');
    if (reason === 'withdrawn' || reason === 'canceled')
      toast('An offer was withdrawn (the customer left or it went elsewhere).');
  });
  setInterval(tick, 1000);
  render();
  return { render };
}
