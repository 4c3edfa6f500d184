// counts.js — the counts at the top of the monitor (waiting, in progress, agents available,
// away, RONA, offline, the longest wait ticking), each opening its own filtered list, and the
// wallboard: the same counts full screen in large type, for a TV in the room.

import { html } from '/common/html.js';
import { t } from '/common/i18n.js';
import { duration } from '/common/format.js';
import * as s from './state.js';
import { now, level } from './clock.js';

/** The counts, each with the view it opens. */
function items(sum) {
  return [
    ['waiting', sum.queued + sum.offered, { tab: 'conversations', status: 'queued,offered' }],
    ['in_progress', sum.open, { tab: 'conversations', status: 'open' }],
    ['available', sum.agents_available, { tab: 'agents', status: 'available' }],
    ['away', sum.agents_away, { tab: 'agents', status: 'away' }],
    ['rona', sum.agents_rona, { tab: 'agents', status: 'rona' }],
    ['offline', sum.agents_offline, { tab: 'agents', status: 'offline' }],
  ];
}

/** The strictest thresholds of any inbox: the longest wait is coloured as it would be there. */
function strictest() {
  const all = Object.values(s.directory.value.inboxes);
  if (!all.length) return undefined;
  return {
    wait_amber_secs: Math.min(...all.map((i) => i.wait_amber_secs)),
    wait_red_secs: Math.min(...all.map((i) => i.wait_red_secs)),
  };
}

function Longest({ since }) {
  const ms = since ? now.value - Date.parse(since) : 0;
  return html`<span class=${`count-value wait-${since ? level(ms, strictest()) : 'ok'}`}>${since ? duration(ms) : '—'}</span>`;
}

/** The row of counts above the tabs. */
export function Counts() {
  const sum = s.summary.value;
  if (!sum) return html`<div class="counts counts-loading" aria-busy="true"></div>`;
  return html`<ul class="counts" aria-label=${t('monitor.counts')}>
    ${items(sum).map(([key, n, filters]) => html`<li>
      <button type="button" class=${`count count-${key}`} onClick=${() => s.setView({ q: '', agent_id: '', team_id: '', channel: '', ...filters })}>
        <span class="count-value">${n}</span><span class="count-label">${t(`monitor.count.${key}`)}</span>
      </button></li>`)}
    <li><div class="count count-longest">
      <${Longest} since=${sum.longest_waiting_since} /><span class="count-label">${t('monitor.count.longest')}</span>
    </div></li>
  </ul>`;
}

/** Full screen, large type: the counts alone, readable across a room. */
export function Wallboard() {
  const sum = s.summary.value;
  return html`<div class="wallboard" role="region" aria-label=${t('monitor.wallboard')}>
    <div class="wall-head">
      <span class="wall-title">${t('monitor.wallboard')}</span>
      <button type="button" class="btn btn-secondary btn-sm" onClick=${() => {
        if (document.fullscreenElement) document.exitFullscreen().catch(() => {});
        s.setView({ wall: '' });
      }}>${t('monitor.wall_leave')}</button>
    </div>
    ${sum
      ? html`<div class="wall-grid">
          ${items(sum).map(([key, n]) => html`<div class=${`wall-tile count-${key}`}>
            <span class="wall-value">${n}</span><span class="wall-label">${t(`monitor.count.${key}`)}</span></div>`)}
          <div class="wall-tile count-longest"><${Longest} since=${sum.longest_waiting_since} />
            <span class="wall-label">${t('monitor.count.longest')}</span></div>
        </div>`
      : html`<div class="spinner" role="status"><span class="sr-only">${t('app.loading')}</span></div>`}
  </div>`;
}
