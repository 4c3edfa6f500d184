// conversation.js — the open conversation: its header with the actions (see actions.js) and
// the customer's rating, and the timeline with customer messages, replies, internal notes
// (unmistakably different), system entries and ratings (rating.js), separated by day, with
// "… is typing" at its foot while the customer writes.

import { html, useEffect, useRef } from '/common/html.js';
import { t, currentLang } from '/common/i18n.js';
import { day } from '/common/format.js';
import { Entry, Time } from './entry.js';
import { systemText } from './system.js';
import { today } from './clock.js';
import { Composer } from './composer.js';
import { Actions } from './actions.js';
import { RatingEntry, Stars } from './rating.js';
import * as s from './state.js';

function author(m) {
  const dir = s.directory.value;
  if (m.author_kind === 'contact') return s.conversation.value?.contact?.name || t('contact.unnamed');
  if (m.author_kind === 'bot') return t('timeline.bot');
  if (m.author_id === s.me.value.id) return s.me.value.name;
  return dir.users[m.author_id]?.name || t('timeline.colleague');
}

function Row({ m }) {
  if (m.kind === 'system' && m.says?.key === 'rated') return html`<${RatingEntry} m=${m} />`;
  if (m.kind === 'system') {
    return html`<li class="entry entry-system" id=${`m-${m.id}`}><span>${systemText(m)}</span><${Time} at=${m.created_at} /></li>`;
  }
  return html`<${Entry} m=${m} author=${author(m)} />`;
}

/** Pixels from the top of the timeline at which earlier entries load. */
const NEAR_TOP = 200;

function Timeline() {
  const entries = s.timeline.value;
  const list = useRef(null);
  const end = useRef(null);
  const last = entries.length ? entries[entries.length - 1].id : '';
  // To the end when the conversation opens or a new entry comes, not when earlier ones load.
  useEffect(() => end.current?.scrollIntoView({ block: 'end' }), [last, s.selectedId.value]);
  // Earlier entries load when the list is scrolled near its top; the view stays where it was.
  async function earlier() {
    const el = list.current;
    while (el && el.scrollTop < NEAR_TOP && s.timelineStart.value > 0) {
      const before = el.scrollHeight;
      if (!(await s.loadEarlier())) break;
      await new Promise((done) => requestAnimationFrame(done));
      el.scrollTop += el.scrollHeight - before;
    }
  }
  const out = [];
  const present = Date.parse(today.value) || Date.now();
  let lastDay = '';
  for (const m of entries) {
    const d = new Date(m.created_at).toDateString();
    if (d !== lastDay) {
      lastDay = d;
      out.push(html`<li class="day" key=${`d-${d}`}><span>${day(m.created_at, present, currentLang())}</span></li>`);
    }
    out.push(html`<${Row} key=${m.id} m=${m} />`);
  }
  return html`<ol ref=${list} class="timeline" aria-live="polite" aria-label=${t('timeline.label')} onScroll=${earlier}>
    ${s.timelineStart.value > 0 && html`<li class="earlier" key="earlier">
      <button type="button" class="btn btn-link" onClick=${() => s.loadEarlier()}>${t('timeline.earlier_load')}</button></li>`}
    ${out}<li ref=${end} class="timeline-end"></li></ol>`;
}

/** "Maria is typing…" while the customer writes; an empty live region otherwise. */
function TypingHint({ c }) {
  const typing = Boolean(s.customerTyping.value[c.id]);
  return html`<div class="typing-slot">
    <p class=${`typing-hint${typing ? ' is-on' : ''}`} role="status" aria-live="polite">
      ${typing && html`<span class="typing-dots" aria-hidden="true"><i></i><i></i><i></i></span>
        ${t('typing.customer', { name: c.contact?.name || t('contact.unnamed') })}`}
    </p>
  </div>`;
}

export function ConversationPane() {
  const c = s.conversation.value;
  if (!s.selectedId.value) return html`<div class="empty empty-big"><p>${t('conversation.none')}</p></div>`;
  if (!c) return html`<div class="spinner" role="status"><span class="sr-only">${t('app.loading')}</span></div>`;
  const inbox = s.directory.value.inboxes[c.inbox_id];
  return html`<div class="conversation">
    <header class="conversation-head">
      <button class="btn btn-link back" type="button" onClick=${() => (s.showingConversation.value = false)}>${t('conversation.back')}</button>
      <div class="conversation-title">
        <h2>${c.contact?.name || t('contact.unnamed')} <span class="muted">#${c.number}</span></h2>
        <p class="muted">${[c.subject, inbox?.name].filter(Boolean).map((x) => `${x} · `)}<span class=${`status-${c.status}`}>${t(`cstatus.${c.status}`)}</span>
          ${c.rating && html` · <${Stars} value=${c.rating.score} title=${c.rating.comment} />`}</p>
      </div>
      <${Actions} c=${c} />
    </header>
    <${Timeline} />
    <${TypingHint} c=${c} />
    ${c.status !== 'closed' && html`<${Composer} c=${c} />`}
  </div>`;
}
