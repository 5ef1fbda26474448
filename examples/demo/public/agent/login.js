/**
 * The sign-in form both pages share, built into the page's `#login-view`: the seeded agents
 * come from `/demo/config`; the demo login takes the password `demo`.
 */
import { byId, fill, h, show } from './dom.js';
import { loadConfig, login } from './session.js';

function buildForm(view, { product, who, note }) {
  const form = h(
    'form',
    { class: 'card login-card', 'aria-labelledby': 'login-title' },
    h('h1', { id: 'login-title' }, 'Hotline ', h('span', { class: 'brand-sub' }, product)),
    h('p', { class: 'demo-note' }, note, h('code', {}, 'demo'), '.'),
    h('label', { for: 'login-agent' }, who),
    h('select', { id: 'login-agent', testid: 'login-agent', required: true }),
    h('label', { for: 'login-password' }, 'Password'),
    h('input', {
      id: 'login-password',
      testid: 'login-password',
      type: 'password',
      autocomplete: 'current-password',
      required: true,
    }),
    h('p', { id: 'login-error', class: 'error', role: 'alert', hidden: true }),
    h('button', { type: 'submit', class: 'primary', testid: 'login-submit' }, 'Sign in'),
  );
  fill(view, form);
  return form;
}

/**
 * Shows the sign-in form and resolves with the session once an agent signed in.
 * `product` and `who` name the page and the person signing in; `prefer(agent)` picks the
 * agent selected first (the wallboard prefers a supervisor); `notice` is shown above the
 * button (why the user has to sign in again).
 */
export async function signIn({
  product = 'Agent desk',
  who = 'Agent',
  note = "Demo only: every seeded agent's password is ",
  prefer,
  notice,
} = {}) {
  const view = byId('login-view');
  const form = buildForm(view, { product, who, note });
  const select = byId('login-agent');
  const password = byId('login-password');
  const error = byId('login-error');
  show(view, true);
  error.textContent = notice ?? '';
  show(error, Boolean(notice));
  try {
    const { agents } = await loadConfig();
    const first = agents.find((agent) => prefer?.(agent)) ?? agents[0];
    fill(
      select,
      agents.map((agent) => {
        const roles = (agent.roles ?? []).filter((role) => role !== 'agent');
        const text = `${agent.name ?? agent.id}${roles.length ? ` (${roles.join(', ')})` : ''}`;
        return h('option', { value: agent.id, selected: agent.id === first?.id }, text);
      }),
    );
  } catch (err) {
    error.textContent = `${err.message}. Is the demo server running?`;
    show(error, true);
  }
  select.focus();
  return new Promise((resolve) => {
    const submit = async (event) => {
      event.preventDefault();
      const button = form.querySelector('button[type="submit"]');
      button.disabled = true;
      show(error, false);
      try {
        const session = await login(select.value, password.value);
        form.removeEventListener('submit', submit);
        password.value = '';
        show(view, false);
        resolve(session);
      } catch (err) {
        error.textContent = err.message;
        show(error, true);
        password.select();
      } finally {
        button.disabled = false;
      }
    };
    form.addEventListener('submit', submit);
  });
}
