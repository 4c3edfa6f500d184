// agents.js — the monitor's agents tab (F27): name, status with the time in it ticking,
// active conversations against capacity ("3 / 5" and a bar), transfers made and teams. A
// status change reaches the row through the live stream within a second.

import { html } from '/common/html.js';
import { t } from '/common/i18n.js';
import { duration } from '/common/format.js';
import * as s from './state.js';
import { now } from './clock.js';

function Load({ a }) {
  const share = a.capacity ? Math.min(1, a.active / a.capacity) : 0;
  return html`<div class="load">
    <span class="num">${a.active} / ${a.capacity}</span>
    <span class=${`bar${a.busy ? ' is-full' : ''}`} role="img" aria-label=${t('monitor.load', { active: a.active, capacity: a.capacity })}>
      <span style=${{ width: `${Math.round(share * 100)}%` }}></span></span>
  </div>`;
}

function Row({ a }) {
  return html`<tr>
    <td class="strong">${a.name}<div class="muted small">${a.email}</div></td>
    <td><span class="status-cell"><span class=${`dot dot-${a.status}`} aria-hidden="true"></span>${t(`status.${a.status}`)}</span></td>
    <td class="num">${duration(Math.max(0, now.value - Date.parse(a.status_since)))}</td>
    <td><${Load} a=${a} /></td>
    <td class="num">${a.transfers_made}</td>
    <td>${(a.teams || []).map((x) => x.name).join(', ') || '—'}</td>
    <td>${t(`role.${a.role}`)}</td>
  </tr>`;
}

/** The agents tab's table. */
export function AgentsTab() {
  const rows = s.agents.value;
  if (!rows.length && !s.loading.value) return html`<div class="empty"><p>${t('monitor.no_agents')}</p></div>`;
  return html`<div class="table-wrap"><table class="grid">
    <thead><tr>
      ${['name', 'status', 'in_status', 'load', 'transfers_made', 'teams', 'role'].map((k) => html`<th>${t(`monitor.acol.${k}`)}</th>`)}
    </tr></thead>
    <tbody>${rows.map((a) => html`<${Row} key=${a.id} a=${a} />`)}</tbody>
  </table></div>`;
}
