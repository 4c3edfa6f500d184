// filters.js — the list filters of F4 (status, inbox, channel, label, created between two
// days), shared by the list and the table and by their exports; and the switch between the
// list and the table for All and Closed.

import { html, signal } from '/common/html.js';

/** Whether the filter controls are shown (they take room in the list's narrow pane). */
const shown = signal(false);
import { t } from '/common/i18n.js';
import * as s from './state.js';

const STATUSES = ['queued', 'offered', 'open', 'pending', 'closed'];
const DETAILED = [
  'new',
  'customer_waiting',
  'agent_answered',
  'closed_by_agent',
  'closed_by_supervisor',
  'closed_automatically',
  'closed_by_customer',
];

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

/** The day range, on the creation or (with `dates: updated`) the update time. */
function setDays(from, to) {
  const next = { ...s.filters.value };
  for (const k of ['created_from', 'created_to', 'updated_from', 'updated_to', 'from_day', 'to_day']) delete next[k];
  const field = next.dates === 'updated' ? 'updated' : 'created';
  if (from) Object.assign(next, { from_day: from, [`${field}_from`]: day(from) });
  if (to) Object.assign(next, { to_day: to, [`${field}_to`]: day(to, true) });
  s.filters.value = next;
  s.loadList();
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
  const active = Object.keys(f).filter((k) => !k.endsWith('_day') && k !== 'dates' && f[k]).length;
  const modes = tableable && html`<div class="mode" role="radiogroup" aria-label=${t('table.mode')}>
      ${['list', 'table'].map((m) => html`<button type="button" role="radio" aria-checked=${String(s.tableMode.value === (m === 'table'))}
        class=${`mode${s.tableMode.value === (m === 'table') ? ' is-on' : ''}`} onClick=${() => (s.tableMode.value = m === 'table')}>${t(`table.as_${m}`)}</button>`)}
    </div>`;
  const toggle = html`<button type="button" class="btn btn-link filter-toggle" aria-expanded=${String(shown.value)}
    onClick=${() => (shown.value = !shown.value)}>${t('filter.label')}${active ? ` (${active})` : ''}</button>`;
  if (!shown.value) return html`<div class="filters">${toggle}${modes}</div>`;
  return html`<div class="filters" role="group" aria-label=${t('filter.label')}>
    ${toggle}
    ${s.view.value === 'all' && select('status', t('filter.status'), STATUSES.map((x) => [x, t(`cstatus.${x}`)]))}
    ${select('inbox_id', t('filter.inbox'), Object.values(dir.inboxes).map((i) => [i.id, i.name]))}
    ${select('channel', t('filter.channel'), ['livechat', 'api'].map((c) => [c, t(`channel.${c}`)]))}
    ${select('label_id', t('filter.label_name'), Object.values(dir.labels).map((l) => [l.id, l.name]))}
    ${select('detailed_status', t('filter.detailed'), DETAILED.map((d) => [d, t(`detailed.${d}`)]))}
    ${Object.keys(dir.teams || {}).length > 0 && select('team_id', t('filter.team'), Object.values(dir.teams).map((x) => [x.id, x.name]))}
    ${Object.keys(dir.users).length > 0 && select('assignee_id', t('filter.assignee'), Object.values(dir.users).map((u) => [u.id, u.name]))}
    <label class="filter">
      <select aria-label=${t('filter.dates')} value=${f.dates || ''}
        onChange=${(e) => { s.filters.value = { ...f, dates: e.target.value || undefined }; setDays(f.from_day, f.to_day); }}>
        <option value="">${t('filter.by_created')}</option>
        <option value="updated">${t('filter.by_updated')}</option>
      </select>
    </label>
    <label class="filter">${t('filter.from')}
      <input type="date" value=${f.from_day || ''} onChange=${(e) => setDays(e.target.value, f.to_day)} /></label>
    <label class="filter">${t('filter.to')}
      <input type="date" value=${f.to_day || ''} onChange=${(e) => setDays(f.from_day, e.target.value)} /></label>
    ${Object.keys(f).length > 0 && html`<button type="button" class="btn btn-link" onClick=${() => { s.filters.value = {}; s.loadList(); }}>${t('filter.clear')}</button>`}
    ${modes}
  </div>`;
}
