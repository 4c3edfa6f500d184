// deliveries.js — one webhook subscription's delivery log, newest first: when, which event,
// whether it was delivered, is waiting for its next try or failed for good, how many tries,
// the receiver's HTTP status and time to answer, and the last error in its own words; older
// pages on request (the API's next_cursor).

import { html, useState, useEffect } from '/common/html.js';
import { api } from '/common/api.js';
import { t, currentLang } from '/common/i18n.js';
import { dateTime } from '/common/format.js';
import { describe } from '/common/problem.js';

const PAGE = 25;

/** A delivery's status, and when the next try is for one still pending. */
function Status({ d }) {
  return html`<div class="dl-status"><span class=${`chip chip-${d.status}`}>${t(`admin.dl.status.${d.status}`)}</span>
    ${d.status === 'pending' && d.next_attempt_at && html`<div class="small muted">${t('admin.dl.next', { at: dateTime(d.next_attempt_at, currentLang()) })}</div>`}</div>`;
}

export function Deliveries({ webhook }) {
  const [items, setItems] = useState(null);
  const [cursor, setCursor] = useState(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  async function load(more = false) {
    setBusy(true);
    const q = new URLSearchParams({ limit: String(PAGE) });
    if (more && cursor) q.set('cursor', cursor);
    try {
      const page = await api('GET', `/api/v1/webhooks/${webhook.id}/deliveries?${q}`);
      setItems(more ? [...(items || []), ...(page.items || [])] : page.items || []);
      setCursor(page.next_cursor || null);
      setError('');
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
    }
  }
  useEffect(() => {
    load();
  }, [webhook.id]);
  const cols = ['admin.dl.time', 'admin.dl.event', 'admin.c.status', 'admin.dl.attempts', 'admin.dl.http', 'admin.dl.ms', 'admin.dl.error'];
  return html`<div class="deliveries" role="region" aria-label=${t('admin.dl.title', { url: webhook.url })}>
    <div class="section-head">
      <h3>${t('admin.dl.heading')}</h3>
      <button type="button" class="btn btn-secondary btn-sm" disabled=${busy} onClick=${() => load()}>${t('admin.dl.refresh')}</button>
    </div>
    ${error && html`<div class="alert" role="alert"><p>${error}</p></div>`}
    ${items === null && !error && html`<div class="spinner" role="status"><span class="sr-only">${t('app.loading')}</span></div>`}
    ${items && items.length === 0 && html`<p class="muted small">${t('admin.dl.empty')}</p>`}
    ${items && items.length > 0 && html`<div class="table-wrap"><table class="grid stacks">
      <thead><tr>${cols.map((k) => html`<th>${t(k)}</th>`)}</tr></thead>
      <tbody>${items.map((d) => html`<tr key=${d.id}>
        <td class="num" data-label=${t(cols[0])}>${dateTime(d.created_at, currentLang())}</td>
        <td data-label=${t(cols[1])}><code>${d.event}</code></td>
        <td data-label=${t(cols[2])}><${Status} d=${d} /></td>
        <td class="num" data-label=${t(cols[3])}>${d.attempts}</td>
        <td class="num" data-label=${t(cols[4])}>${d.last_status_code ?? '—'}</td>
        <td class="num" data-label=${t(cols[5])}>${d.response_ms != null ? t('admin.dl.ms_value', { ms: d.response_ms }) : '—'}</td>
        <td class="dl-error" data-label=${t(cols[6])}>${d.last_error || html`<span class="muted">—</span>`}</td>
      </tr>`)}</tbody>
    </table></div>`}
    ${cursor && html`<div class="row"><button type="button" class="btn btn-secondary btn-sm" disabled=${busy}
      onClick=${() => load(true)}>${t('admin.dl.older')}</button></div>`}
  </div>`;
}
