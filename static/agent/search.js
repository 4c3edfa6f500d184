// search.js — searching ticket history with the API's query language, in relevance or date
// order. Matches are marked from the offsets the API returns (never from its HTML); a hit
// opens its conversation at that message.

import { html, useState } from '/common/html.js';
import { api } from '/common/api.js';
import { t, currentLang } from '/common/i18n.js';
import { when } from '/common/format.js';
import { describe } from '/common/problem.js';
import { now } from './clock.js';
import * as s from './state.js';

/** The fragment as text nodes, with each highlighted range (UTF-16 units) in a <mark>. */
export function marked(fragment, highlights) {
  const out = [];
  let at = 0;
  for (const h of highlights) {
    if (h.start < at || h.end > fragment.length) continue;
    out.push(fragment.slice(at, h.start));
    out.push(html`<mark>${fragment.slice(h.start, h.end)}</mark>`);
    at = h.end;
  }
  out.push(fragment.slice(at));
  return out;
}

function goTo(id, messageId) {
  s.open(id).then(() => requestAnimationFrame(() => document.getElementById(`m-${messageId}`)?.scrollIntoView({ block: 'center' })));
}

export function SearchPane() {
  const [q, setQ] = useState('');
  const [order, setOrder] = useState('relevance');
  const [page, setPage] = useState(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  async function run(e) {
    e?.preventDefault();
    if (!q.trim()) return;
    setBusy(true);
    setError('');
    try {
      setPage(await api('GET', `/api/v1/search?${new URLSearchParams({ q, order, limit: '50' })}`));
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  }
  return html`<div class="search">
    <form class="search-form" role="search" onSubmit=${run}>
      <label class="sr-only" for="search-q">${t('search.label')}</label>
      <input id="search-q" type="search" value=${q} placeholder=${t('search.placeholder')} onInput=${(e) => setQ(e.target.value)} />
      <select aria-label=${t('search.order')} value=${order} onChange=${(e) => setOrder(e.target.value)}>
        <option value="relevance">${t('search.relevance')}</option>
        <option value="newest">${t('search.newest')}</option>
      </select>
      <button class="btn btn-primary btn-sm" type="submit" disabled=${busy}>${t('search.submit')}</button>
    </form>
    <p class="hint">${t('search.syntax')}</p>
    ${error && html`<div class="alert" role="alert"><p>${error}</p></div>`}
    ${page && html`<p class="muted" role="status">${t('search.total', { count: page.total })}</p>`}
    ${page && html`<ul class="hits">
      ${page.items.map((hit) => html`<li class="hit" key=${hit.conversation.id}>
        <button type="button" class="hit-title" onClick=${() => s.open(hit.conversation.id)}>
          ${hit.conversation.contact?.name || t('contact.unnamed')} · #${hit.conversation.number}
          <span class="muted"> ${when(hit.conversation.updated_at, now.value, currentLang())}</span>
        </button>
        ${hit.messages.map((m) => html`<button type="button" class="hit-message" onClick=${() => goTo(hit.conversation.id, m.message_id)}>
          <span class="chip">${t(`kind.${m.kind}`)}</span> ${marked(m.fragment, m.highlights)}
        </button>`)}
      </li>`)}
    </ul>`}
  </div>`;
}
