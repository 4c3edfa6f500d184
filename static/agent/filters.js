// filters.js — the list filters of F4 (status, inbox, channel, label, created between two
// days), shared by the list and the table and by their exports; and the switch between the
// list and the table for All and Closed.

import { html } from '/common/html.js';
import { t } from '/common/i18n.js';
import * as s from './state.js';

const STATUSES = ['queued', 'offered', 'open', 'pending', 'closed'];

function set(name, value) {
  const next = { ...s.filters.value };
  if (value) next[name] = value;
  else delete next[name];
  s.filters.value = next;
  s.loadList();
}

/** A day typed in a date field, as the start of that day in the page's time zone. */
function day(value, end) {
  if (!value) return '';
  const d = new Date(`${value}T00:00:00`);
  if (end) d.setDate(d.getDate() + 1);
  return d.toISOString();
}

export function Filters() {
  const f = s.filters.value;
  const dir = s.directory.value;
  const select = (name, label, options) => html`<label class="filter">
    <span class="sr-only">${label}</span>
    <select aria-label=${label} value=${f[name] || ''} onChange=${(e) => set(name, e.target.value)}>
      <option value="">${label}: ${t('filter.any')}</option>
      ${options.map(([v, text]) => html`<option value=${v}>${text}</option>`)}
    </select>
  </label>`;
  const tableable = s.view.value === 'all' || s.view.value === 'closed';
  return html`<div class="filters" role="group" aria-label=${t('filter.label')}>
    ${s.view.value === 'all' && select('status', t('filter.status'), STATUSES.map((x) => [x, t(`cstatus.${x}`)]))}
    ${select('inbox_id', t('filter.inbox'), Object.values(dir.inboxes).map((i) => [i.id, i.name]))}
    ${select('channel', t('filter.channel'), ['livechat', 'api'].map((c) => [c, t(`channel.${c}`)]))}
    ${select('label_id', t('filter.label_name'), Object.values(dir.labels).map((l) => [l.id, l.name]))}
    <label class="filter">${t('filter.from')}
      <input type="date" value=${f.from_day || ''} onChange=${(e) => { set('from_day', e.target.value); set('created_from', day(e.target.value)); }} /></label>
    <label class="filter">${t('filter.to')}
      <input type="date" value=${f.to_day || ''} onChange=${(e) => { set('to_day', e.target.value); set('created_to', day(e.target.value, true)); }} /></label>
    ${Object.keys(f).length > 0 && html`<button type="button" class="btn btn-link" onClick=${() => { s.filters.value = {}; s.loadList(); }}>${t('filter.clear')}</button>`}
    ${tableable && html`<div class="mode" role="radiogroup" aria-label=${t('table.mode')}>
      ${['list', 'table'].map((m) => html`<button type="button" role="radio" aria-checked=${String(s.tableMode.value === (m === 'table'))}
        class=${`mode${s.tableMode.value === (m === 'table') ? ' is-on' : ''}`} onClick=${() => (s.tableMode.value = m === 'table')}>${t(`table.as_${m}`)}</button>`)}
    </div>`}
  </div>`;
}
