// users.js — what only users have in the admin pages: an invitation with a one-time password
// (shown once, to hand over; the user must choose their own at first sign-in), a password
// reset that works the same way, and the secret's box with a copy button.

import { html, useState } from '/common/html.js';
import { api } from '/common/api.js';
import { t } from '/common/i18n.js';
import { describe } from '/common/problem.js';
import { oneTimePassword } from './state.js';

/** Creates the user of `body` with a one-time password; resolves to that password. */
export async function createUser(body) {
  const password = oneTimePassword();
  await api('POST', '/api/v1/users', { ...body, password, must_change_password: true });
  return password;
}

/** A button that copies `value`; `label` names what it copies for screen readers. */
export function CopyButton({ value, label }) {
  const [state, setState] = useState(''); // '', 'copied' or 'failed'
  const copy = () => {
    const done = navigator.clipboard ? navigator.clipboard.writeText(value) : Promise.reject(new Error('no clipboard'));
    done.then(() => setState('copied'), () => setState('failed'));
  };
  const text = state === 'copied' ? t('admin.copied') : state === 'failed' ? t('admin.copy_by_hand') : t('admin.copy');
  return html`<button type="button" class="btn btn-secondary btn-sm" aria-label=${label ? `${text}: ${label}` : undefined}
    onClick=${copy}>${text}</button>`;
}

/** A secret shown once, with a button that copies it. */
export function Secret({ label, value, hint }) {
  return html`<div class="secret">
    <span class="secret-label">${label}</span>
    <code class="secret-value">${value}</code>
    <${CopyButton} value=${value} label=${label} />
    <p class="hint">${hint || t('admin.shown_once')}</p>
  </div>`;
}

/** A user row's own action: a new one-time password. `onSaid(ok, text, secret)`. */
export function UserActions({ u, onSaid }) {
  if (!u.active) return null;
  async function reset() {
    const password = oneTimePassword();
    try {
      await api('PATCH', `/api/v1/users/${u.id}`, { password, must_change_password: true });
      onSaid(true, t('admin.password_reset', { name: u.name }), password);
    } catch (err) {
      onSaid(false, describe(err), null);
    }
  }
  return html`<button type="button" class="btn btn-secondary btn-sm" aria-label=${t('admin.reset_of', { name: u.name })}
    onClick=${reset}>${t('admin.reset_password')}</button>`;
}
