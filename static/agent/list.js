// list.js — the conversation list of a view: customer, inbox, subject, a ticking waiting
// timer, unread badge, labels and assignee; sorted as chosen, paged by cursor as it
// scrolls, refreshed live by state.js. Arrow keys move through it (a listbox).

import { html, useEffect, useRef, useState } from '/common/html.js';
import { t, currentLang } from '/common/i18n.js';
import { duration, when } from '/common/format.js';
import { now } from './clock.js';
import * as s from './state.js';
import { Filters } from './filters.js';

const SORTS = ['waiting', 'updated', 'created'];

// The ticking parts read the clock in their own small components, so a tick renders them and
// not the whole list.
function When({ at }) {
  return html`<span class="conv-time">${when(at, now.value, currentLang())}</span>`;
}

function Waiting({ since }) {
  return html`<span class="chip chip-wait" title=${t('list.waiting')}>
    <svg class="chip-icon" viewBox="0 0 16 16" aria-hidden="true"><circle cx="8" cy="8" r="6.25" /><path d="M8 4.5V8l2.5 1.5" /></svg>
    ${duration(now.value - Date.parse(since))}</span>`;
}

/** The latest message, said as who wrote it; the subject or number before there is one. */
function preview(c) {
  const m = c.last_message;
  if (!m) return c.subject || `#${c.number}`;
  if (m.kind === 'agent') return t('list.you_wrote', { text: m.text });
  if (m.kind === 'note') return t('list.note', { text: m.text });
  return m.text;
}

function Item({ c, selected }) {
  const dir = s.directory.value;
  const inbox = dir.inboxes[c.inbox_id];
  const assignee = c.assignee_id ? dir.users[c.assignee_id]?.name : '';
  const waiting = c.waiting_since && c.status !== 'closed';
  return html`<li role="option" id=${`conv-${c.id}`} aria-selected=${String(selected)} tabindex=${selected ? 0 : -1}
    class=${`conv${selected ? ' is-selected' : ''}${c.unread_count ? ' is-unread' : ''}`}
    onClick=${() => s.open(c.id)}
    onKeyDown=${(e) => e.key === 'Enter' && s.open(c.id)}>
    <div class="conv-top">
      <span class="conv-name">${c.contact?.name || t('contact.unnamed')}</span>
      <${When} at=${c.last_message_at || c.updated_at} />
    </div>
    <div class="conv-sub">
      <span class="conv-subject" title=${c.subject || ''}>${preview(c)}</span>
      ${c.unread_count > 0 && html`<span class="badge badge-unread" aria-label=${t('list.unread', { count: c.unread_count })}>${c.unread_count}</span>`}
    </div>
    <div class="conv-meta">
      <span class="chip">${inbox?.name || ''}${inbox ? ` · ${t(`channel.${inbox.channel}`)}` : ''}</span>
      <span class=${`chip status-${c.status}`}>${t(`cstatus.${c.status}`)}</span>
      ${waiting && html`<${Waiting} since=${c.waiting_since} />`}
      ${assignee && html`<span class="chip">${assignee}</span>`}
      ${(c.labels || []).map((l) => dir.labels[l] && html`<span class="chip chip-label">${dir.labels[l].name}</span>`)}
    </div>
  </li>`;
}

let marked = false;
/** Rows drawn in the list's first frame (more than a screen holds); the rest come in the next. */
const FIRST_ROWS = 16;

export function ConversationList() {
  const list = s.items.value;
  const more = useRef(null);
  // The first frame draws what the screen shows; the rest of the page follows a frame later.
  const [whole, setWhole] = useState(false);
  useEffect(() => {
    if (whole) return undefined;
    const frame = requestAnimationFrame(() => setWhole(true));
    return () => cancelAnimationFrame(frame);
  }, [whole]);
  const rows = whole ? list : list.slice(0, FIRST_ROWS);
  // The desk is usable once its list shows: a mark the page figures read (scripts/measure_pages.py).
  useEffect(() => {
    if (!marked && list.length) {
      marked = true;
      performance.mark('switchboard:list-shown');
    }
  }, [list.length]);
  useEffect(() => {
    const el = more.current;
    if (!el) return undefined;
    const io = new IntersectionObserver((entries) => entries[0].isIntersecting && s.loadList(true));
    io.observe(el);
    return () => io.disconnect();
  });

  function keys(e) {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const i = list.findIndex((c) => c.id === s.selectedId.value);
    const next = list[Math.max(0, Math.min(list.length - 1, i + (e.key === 'ArrowDown' ? 1 : -1)))];
    if (next) {
      s.open(next.id);
      document.getElementById(`conv-${next.id}`)?.focus();
    }
  }

  return html`<div class="list-head">
      <h2>${t(`view.${s.view.value}`)}</h2>
      <label class="sort">
        <span>${t('list.sort')}</span>
        <select value=${s.sort.value} onChange=${(e) => { s.sort.value = e.target.value; s.loadList(); }}>
          ${SORTS.map((o) => html`<option value=${o}>${t(`sort.${o}`)}</option>`)}
        </select>
      </label>
    </div>
    <${Filters} />
    ${s.listError.value && html`<div class="alert" role="alert"><p>${s.listError.value}</p></div>`}
    ${list.length === 0 && !s.listLoading.value && !s.listError.value
      ? html`<div class="empty"><p>${t(`empty.${s.view.value}`)}</p></div>`
      : html`<ul class="conv-list" role="listbox" aria-label=${t(`view.${s.view.value}`)} onKeyDown=${keys}>
          ${rows.map((c) => html`<${Item} key=${c.id} c=${c} selected=${c.id === s.selectedId.value} />`)}
        </ul>`}
    ${whole && s.nextCursor.value && html`<div ref=${more} class="more">${t('app.loading')}</div>`}
    ${s.listLoading.value && list.length === 0 && html`<div class="spinner" role="status"><span class="sr-only">${t('app.loading')}</span></div>`}`;
}
