// offers.js — conversations offered to me: a panel per offer with the customer, the inbox,
// the time since it arrived and the time left, and Accept / Decline.

import { html, useState, useEffect } from '/common/html.js';
import { api } from '/common/api.js';
import { t } from '/common/i18n.js';
import { duration } from '/common/format.js';
import { describe } from '/common/problem.js';
import { now } from './clock.js';
import * as s from './state.js';

/** The customer's first messages, so the agent knows what the conversation is about. */
function FirstMessages({ id }) {
  const [lines, setLines] = useState([]);
  useEffect(() => {
    api('GET', `/api/v1/conversations/${id}/timeline?limit=6`).then(
      (p) => setLines(p.items.filter((m) => m.kind === 'customer').slice(0, 2)),
      () => setLines([]),
    );
  }, [id]);
  return lines.length > 0 && html`<ul class="offer-lines">${lines.map((m) => html`<li>${m.text}</li>`)}</ul>`;
}

function Offer({ c }) {
  const [error, setError] = useState('');
  const inbox = s.directory.value.inboxes[c.inbox_id];
  const left = c.offer?.deadline ? Date.parse(c.offer.deadline) - now.value : 0;
  const answer = (path) => async () => {
    try {
      await s.act(c.id, path);
      s.offers.value = s.offers.value.filter((o) => o.id !== c.id);
      if (path === 'accept') s.open(c.id);
    } catch (err) {
      setError(describe(err));
    }
  };
  return html`<div class="offer card" role="alertdialog" aria-labelledby=${`offer-${c.id}`}>
    <div>
      <h2 id=${`offer-${c.id}`}>${t('offer.title', { name: c.contact?.name || t('contact.unnamed') })}</h2>
      <p class="muted">${[inbox?.name || '', t('offer.waiting', { time: duration(now.value - Date.parse(c.created_at)) })].join(' · ')}
        ${' · '}<strong>${t('offer.left', { time: duration(left) })}</strong></p>
      <${FirstMessages} id=${c.id} />
      ${c.offer?.note && html`<p class="offer-note">${t('offer.note', { note: c.offer.note })}</p>`}
      ${error && html`<p class="action-error" role="alert">${error}</p>`}
    </div>
    <div class="row">
      <button class="btn btn-primary" type="button" onClick=${answer('accept')}>${t('offer.accept')}</button>
      <button class="btn btn-secondary" type="button" onClick=${answer('decline')}>${t('offer.decline')}</button>
    </div>
  </div>`;
}

function Invitation({ c }) {
  return html`<div class="offer card" role="alertdialog" aria-labelledby=${`invite-${c.id}`}>
    <h2 id=${`invite-${c.id}`}>${t('conference.invited', { name: c.contact?.name || t('contact.unnamed') })}</h2>
    <button class="btn btn-primary" type="button" onClick=${() => s.open(c.id)}>${t('conference.open')}</button>
  </div>`;
}

export function Offers() {
  const list = s.offers.value;
  const invites = s.invitations.value;
  if (!list.length && !invites.length) return null;
  return html`<div class="offers">
    ${list.map((c) => html`<${Offer} key=${c.id} c=${c} />`)}
    ${invites.map((c) => html`<${Invitation} key=${c.id} c=${c} />`)}
  </div>`;
}
