// conversations.js — the monitor's conversations tab (F26): channel, status, customer, agent,
// team, created, updated, time in the current status and duration ticking in the page, and
// transfers. Longest waiting first (the server's order) until a column header is chosen;
// a wait past the thresholds turns its row amber, then red. Each row can be transferred or
// ended (rowactions.js); ticked rows can be ended together.

import { html, useState } from '/common/html.js';
import { t, currentLang } from '/common/i18n.js';
import { duration, dateTime } from '/common/format.js';
import * as s from './state.js';
import { now, level } from './clock.js';
import { RowActions, BulkEnd } from './rowactions.js';

/** Sortable columns: key, how a row sorts by it. */
const COLUMNS = [
  ['channel', (c) => c.channel],
  ['status', (c) => c.status],
  ['customer', (c) => c.customer?.name || ''],
  ['agent', (c) => c.agent?.name || c.offered_to?.name || ''],
  ['team', (c) => (c.teams || []).map((x) => x.name).join(', ')],
  ['created', (c) => c.created_at],
  ['updated', (c) => c.updated_at],
  ['in_status', (c) => -Date.parse(c.status_since)],
  ['duration', (c) => c.duration_secs],
  ['transfers', (c) => c.transfers],
];

function Ticking({ since, base = 0 }) {
  return html`<span class="num">${duration(base * 1000 + Math.max(0, now.value - Date.parse(since)))}</span>`;
}

function Row({ c }) {
  const ticked = s.selected.value.has(c.id);
  const waitMs = c.waiting_since ? now.value - Date.parse(c.waiting_since) : 0;
  const lang = currentLang();
  const outcome = s.outcomes.value[c.id];
  const person = c.agent?.name || (c.offered_to ? t('monitor.offered_to', { name: c.offered_to.name }) : '—');
  const waits = s.directory.value.inboxes[c.inbox?.id];
  return html`<tr class=${`wait-${c.waiting_since ? level(waitMs, waits) : 'ok'}`}>
    <td><input type="checkbox" checked=${ticked} aria-label=${t('monitor.tick', { name: c.customer?.name || `#${c.number}` })}
      onChange=${(e) => {
        const next = new Set(s.selected.value);
        if (e.target.checked) next.add(c.id);
        else next.delete(c.id);
        s.selected.value = next;
      }} /></td>
    <td>${t(`channel.${c.channel}`)}</td>
    <td><span class=${`chip status-${c.status}`}>${t(`cstatus.${c.status}`)}</span></td>
    <td class="strong">${c.customer?.name || t('contact.unnamed')} <span class="muted">#${c.number}</span></td>
    <td>${person}</td>
    <td>${(c.teams || []).map((x) => x.name).join(', ') || '—'}</td>
    <td title=${dateTime(c.created_at, lang)}>${dateTime(c.created_at, lang)}</td>
    <td>${dateTime(c.updated_at, lang)}</td>
    <td><${Ticking} since=${c.status_since} /></td>
    <td>${c.status === 'closed' ? duration(c.duration_secs * 1000) : html`<${Ticking} since=${c.created_at} />`}</td>
    <td class="num">${c.transfers}</td>
    <td class="row-actions">
      <${RowActions} c=${c} />
      ${outcome && html`<p class=${outcome.ok ? 'outcome ok' : 'outcome field-error'} role="status">${outcome.text}</p>`}
    </td>
  </tr>`;
}

/** The conversations tab's table. */
export function ConversationsTab() {
  const [order, setOrder] = useState(null); // [column, direction] once a header is chosen
  let rows = s.conversations.value;
  if (order) {
    const key = COLUMNS.find(([k]) => k === order[0])[1];
    rows = [...rows].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0) * order[1]);
  }
  const sortBy = (k) => setOrder(order && order[0] === k ? [k, -order[1]] : [k, 1]);
  if (!rows.length && !s.loading.value) return html`<div class="empty"><p>${t('monitor.no_conversations')}</p></div>`;
  return html`<${BulkEnd} />
    ${s.notice.value && html`<p class="notice" role="status">${s.notice.value}</p>`}
    <div class="table-wrap"><table class="grid">
      <thead><tr>
        <th><span class="sr-only">${t('monitor.select')}</span></th>
        ${COLUMNS.map(([k]) => html`<th aria-sort=${order?.[0] === k ? (order[1] > 0 ? 'ascending' : 'descending') : undefined}>
          <button type="button" class="th-sort" onClick=${() => sortBy(k)}>${t(`monitor.col.${k}`)}</button></th>`)}
        <th>${t('monitor.col.actions')}</th>
      </tr></thead>
      <tbody>${rows.map((c) => html`<${Row} key=${c.id} c=${c} />`)}</tbody>
    </table></div>`;
}
