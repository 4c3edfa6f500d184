// table.js — the table view of All and Closed (seed 000): the columns a person picks,
// remembered per user; the same filters as the list; Export to xlsx or CSV of exactly what
// is filtered (the server streams the file, with the same permissions); a row opens the
// conversation's history.

import { html, useState } from '/common/html.js';
import { fetchFile, saveBlob } from '/common/files.js';
import { t, currentLang } from '/common/i18n.js';
import { dateTime, duration } from '/common/format.js';
import { describe } from '/common/problem.js';
import * as s from './state.js';

const secs = (n) => (n == null ? '' : duration(n * 1000));
const at = (v) => (v ? dateTime(v, currentLang()) : '');

/** Every column: its key, and the cell of a conversation. */
export const COLUMNS = [
  ['number', (c) => `#${c.number}`],
  ['type', (c) => t(`origin.${c.origin}`)],
  ['status', (c) => t(`cstatus.${c.status}`)],
  ['detailed', (c) => t(`detailed.${c.detailed_status}`)],
  ['channel', (c) => t(`channel.${c.channel}`)],
  ['inbox', (c) => s.directory.value.inboxes[c.inbox_id]?.name || ''],
  ['customer', (c) => c.contact?.name || ''],
  ['assignee', (c) => (c.assignee_id ? s.directory.value.users[c.assignee_id]?.name || (c.assignee_id === s.me.value.id ? s.me.value.name : t('timeline.colleague')) : '')],
  ['team', (c) => (c.team_id ? t('table.queued_team') : '')],
  ['labels', (c) => (c.labels || []).map((l) => s.directory.value.labels[l]?.name).filter(Boolean).join(', ')],
  ['created', (c) => at(c.created_at)],
  ['updated', (c) => at(c.updated_at)],
  ['accept', (c) => secs(c.metrics?.accept_secs)],
  ['first_response', (c) => secs(c.metrics?.first_response_secs)],
  ['duration', (c) => secs(c.metrics?.duration_secs)],
  ['time_to_close', (c) => secs(c.metrics?.time_to_close_secs)],
  ['transfers', (c) => String(c.metrics?.transfers ?? c.transfer_count ?? 0)],
];
const DEFAULT = ['number', 'status', 'channel', 'customer', 'assignee', 'labels', 'updated'];

function key() {
  return `switchboard.columns.${s.me.value?.id}`;
}

function saved() {
  try {
    const cols = JSON.parse(localStorage.getItem(key()) || 'null');
    return Array.isArray(cols) && cols.length ? cols : DEFAULT;
  } catch {
    return DEFAULT;
  }
}

/** Downloads the export of the open view and filters. */
async function download(format, setError) {
  const q = s.listQuery(s.view.value);
  q.delete('limit');
  q.delete('cursor');
  q.set('format', format);
  try {
    const f = await fetchFile(`/api/v1/conversations/export?${q}`);
    saveBlob(f.blob, f.name || `conversations.${format}`);
  } catch (err) {
    setError(describe(err));
  }
}

export function Table() {
  const [cols, setCols] = useState(saved);
  const [error, setError] = useState('');
  const toggle = (k) => {
    const next = cols.includes(k) ? cols.filter((x) => x !== k) : COLUMNS.map(([c]) => c).filter((c) => c === k || cols.includes(c));
    setCols(next);
    localStorage.setItem(key(), JSON.stringify(next));
  };
  const shown = COLUMNS.filter(([k]) => cols.includes(k));
  return html`<div class="table-view">
    <div class="row table-tools">
      <details class="picker">
        <summary class="btn btn-secondary btn-sm">${t('table.columns')}</summary>
        <fieldset class="picker-list">
          <legend class="sr-only">${t('table.columns')}</legend>
          ${COLUMNS.map(([k]) => html`<label class="check"><input type="checkbox" checked=${cols.includes(k)} onChange=${() => toggle(k)} />
            ${t(`column.${k}`)}</label>`)}
        </fieldset>
      </details>
      <button type="button" class="btn btn-secondary btn-sm" onClick=${() => download('xlsx', setError)}>${t('table.export_xlsx')}</button>
      <button type="button" class="btn btn-secondary btn-sm" onClick=${() => download('csv', setError)}>${t('table.export_csv')}</button>
    </div>
    ${error && html`<p class="action-error" role="alert">${error}</p>`}
    <div class="table-scroll">
      <table class="conversations">
        <thead><tr>${shown.map(([k]) => html`<th scope="col">${t(`column.${k}`)}</th>`)}</tr></thead>
        <tbody>
          ${s.items.value.map((c) => html`<tr key=${c.id} tabindex="0" onClick=${() => s.openFromTable(c.id)}
            onKeyDown=${(e) => e.key === 'Enter' && s.openFromTable(c.id)}>
            ${shown.map(([k, cell]) => html`<td class=${`col-${k}`}>${cell(c)}</td>`)}
          </tr>`)}
        </tbody>
      </table>
      ${s.items.value.length === 0 && !s.listLoading.value && html`<div class="empty"><p>${t(`empty.${s.view.value}`)}</p></div>`}
      ${s.nextCursor.value && html`<button type="button" class="btn btn-secondary btn-sm more-rows" onClick=${() => s.loadList(true)}>${t('table.more')}</button>`}
    </div>
  </div>`;
}
