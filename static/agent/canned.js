// canned.js — canned responses in the composer: typing `/` at the start opens the list,
// filtered by shortcut and title as one types; arrows move, Enter or Tab picks, Escape
// closes. A picked response is sent by id, so the server fills its placeholders
// ({{contact.name}}, {{conversation.number}} …).

import { html, signal } from '/common/html.js';
import { api } from '/common/api.js';
import { t } from '/common/i18n.js';

/** The caller's canned responses, loaded once. */
const all = signal(null);

export function loadCanned() {
  if (all.value) return;
  all.value = [];
  api('GET', '/api/v1/canned-responses').then(
    (list) => (all.value = list.items || []),
    () => (all.value = null),
  );
}

/** The responses matching what follows the `/` of `text`, or null when no list is open. */
export function matches(text) {
  if (!text.startsWith('/') || text.includes('\n')) return null;
  const q = text.slice(1).toLowerCase();
  return (all.value || []).filter((c) => c.shortcut.toLowerCase().includes(q) || c.title.toLowerCase().includes(q)).slice(0, 8);
}

export function CannedList({ items, active, onPick }) {
  if (!items) return null;
  return html`<div class="canned" role="listbox" id="canned-list" aria-label=${t('canned.label')}>
    ${items.length === 0 && html`<p class="muted canned-empty">${t('canned.none')}</p>`}
    ${items.map((c, i) => html`<div role="option" id=${`canned-${c.id}`} aria-selected=${String(i === active)}
      class=${`canned-item${i === active ? ' is-active' : ''}`}
      onMouseDown=${(e) => { e.preventDefault(); onPick(c); }}>
      <span class="canned-shortcut">/${c.shortcut}</span>
      <span class="canned-title">${c.title}</span>
      <span class="canned-body muted">${c.body}</span>
    </div>`)}
  </div>`;
}

/** The picked response, waiting to be sent. */
export function CannedChosen({ c, onDrop }) {
  return html`<div class="canned-chosen" role="status">
    <span class="chip chip-label">/${c.shortcut}</span>
    <span class="canned-body">${c.body}</span>
    <button type="button" class="btn btn-link" onClick=${onDrop}>${t('canned.drop')}</button>
  </div>`;
}
