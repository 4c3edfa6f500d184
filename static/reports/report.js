// report.js — the F30 report as people read it: totals at a glance, the charts (conversations
// per day, how first responses spread, each agent's time per status), and the table of every
// group with volumes, wrap-up reasons, the mean, median and 90th percentile of each time, and
// the customers' ratings (how many, their mean, the share of 4 and 5 stars). The numbers are
// the API's, unchanged; times are shown as durations, a group without ratings as empty cells.

import { html } from '/common/html.js';
import { t, currentLang } from '/common/i18n.js';
import { duration } from '/common/format.js';
import { BarChart, StackChart } from '/common/chart.js';

const TIMES = ['accept', 'first_response', 'duration', 'time_to_close'];

/** Seconds as a duration, or a dash when there is no value. */
export function secs(v) {
  return v == null ? '—' : duration(Math.round(v) * 1000);
}

/** A group's ratings in words: '' when it has none (never NaN). */
export function ratingCells(row, lang) {
  const n = Number(row.ratings) || 0;
  const mean = Number(row.rating_mean);
  const share = Number(row.rating_good_share);
  if (!n) return { count: '0', mean: '', share: '' };
  return {
    count: String(n),
    mean: Number.isFinite(mean) ? mean.toLocaleString(lang, { minimumFractionDigits: 1, maximumFractionDigits: 1 }) : '',
    share: Number.isFinite(share) ? share.toLocaleString(lang, { style: 'percent', maximumFractionDigits: 0 }) : '',
  };
}

/** The satisfaction tile: the share of 4 and 5 stars, the mean and how many ratings. */
function Satisfaction({ total }) {
  const r = ratingCells(total, currentLang());
  return html`<li class="tile tile-satisfaction">
    <span class="tile-value">${r.share || '—'}</span><span class="tile-label">${t('reports.tile.satisfaction')}</span>
    <span class="tile-detail">${r.mean ? t('reports.sat_detail', { mean: r.mean, count: Number(total.ratings) }) : t('reports.no_ratings')}</span></li>`;
}

function Tiles({ total }) {
  const tiles = [
    ['created', total.created],
    ['closed', total.closed],
    ['transferred', total.transferred],
    ['with_rona', total.with_rona],
    ['reopened', total.reopened],
    ['first_response_median', secs(total.first_response.median_secs)],
  ];
  return html`<ul class="tiles">${tiles.map(([k, v]) => html`<li class="tile">
    <span class="tile-value">${v}</span><span class="tile-label">${t(`reports.tile.${k}`)}</span></li>`)}
    <${Satisfaction} total=${total} /></ul>`;
}

/** The ranges' names: "< 1 min", "1–5 min" … from the bounds in seconds. */
function rangeNames(bounds) {
  const m = (s) => (s < 3600 ? t('reports.minutes', { n: s / 60 }) : t('reports.hours', { n: s / 3600 }));
  return [
    t('reports.under', { v: m(bounds[0]) }),
    ...bounds.slice(1).map((b, i) => `${m(bounds[i])} – ${m(b)}`),
    t('reports.over', { v: m(bounds[bounds.length - 1]) }),
  ];
}

function Charts({ r }) {
  const names = rangeNames(r.first_response_bounds_secs);
  const agents = r.group_by === 'agent' ? r.rows.filter((x) => x.status_time) : [];
  const hours = (s) => (s / 3600).toFixed(1);
  return html`<div class="charts">
    <${BarChart} title=${t('reports.chart.per_day')} tableLabel=${t('reports.chart.table')}
      series=${[t('reports.tile.created'), t('reports.tile.closed')]}
      points=${r.days.map((d) => ({ label: d.date.slice(5), values: [d.created, d.closed] }))} />
    <${BarChart} title=${t('reports.chart.first_response')} tableLabel=${t('reports.chart.table')}
      series=${[t('reports.chart.conversations')]}
      points=${r.total.first_response_ranges.map((n, i) => ({ label: names[i], values: [n] }))} />
    ${agents.length > 0 && html`<${StackChart} title=${t('reports.chart.status_time')} tableLabel=${t('reports.chart.table_hours')}
      parts=${['available', 'away', 'rona', 'offline'].map((st) => t(`status.${st}`))} format=${hours}
      rows=${agents.map((a) => ({ label: groupName(a, 'agent'), values: [a.status_time.available_secs, a.status_time.away_secs, a.status_time.rona_secs, a.status_time.offline_secs] }))} />`}
  </div>`;
}

/** A row's name: the group's, or in words for conversations without one. */
function groupName(row, by) {
  if (row.id) return row.name;
  return by === 'agent' ? t('reports.unassigned') : t('reports.no_team');
}

function Row({ row, by, total }) {
  const r = ratingCells(row, currentLang());
  return html`<tr class=${total ? 'is-total' : ''}>
    <th scope="row">${total ? t('reports.total') : groupName(row, by)}</th>
    ${['created', 'closed', 'transferred', 'with_rona', 'reopened'].map((k) => html`<td class="num">${row[k]}</td>`)}
    <td>${row.closed_by_wrap_up.map((w) => html`<div class="small">${w.wrap_up_reason_id ? w.name : t('reports.no_reason')}: ${w.count}</div>`)}</td>
    ${TIMES.flatMap((k) => ['mean_secs', 'median_secs', 'p90_secs'].map((s) => html`<td class="num">${secs(row[k][s])}</td>`))}
    <td class="num">${r.count}</td><td class="num">${r.mean}</td><td class="num">${r.share}</td>
  </tr>`;
}

/** The whole report. */
export function Report({ r }) {
  return html`<${Tiles} total=${r.total} />
    <${Charts} r=${r} />
    <div class="table-wrap"><table class="grid report-table">
      <thead>
        <tr><th rowspan="2">${t(`reports.group.${r.group_by}`)}</th>
          ${['created', 'closed', 'transferred', 'with_rona', 'reopened'].map((k) => html`<th rowspan="2">${t(`reports.tile.${k}`)}</th>`)}
          <th rowspan="2">${t('reports.col.by_reason')}</th>
          ${TIMES.map((k) => html`<th colspan="3" class="group-head">${t(`reports.col.${k}`)}</th>`)}
          <th colspan="3" class="group-head">${t('reports.col.satisfaction')}</th></tr>
        <tr>${TIMES.flatMap(() => ['mean', 'median', 'p90'].map((s) => html`<th>${t(`reports.col.${s}`)}</th>`))}
          ${['ratings', 'rating_mean', 'good_share'].map((k) => html`<th>${t(`reports.col.${k}`)}</th>`)}</tr>
      </thead>
      <tbody>${r.rows.map((row) => html`<${Row} key=${row.id || row.name} row=${row} by=${r.group_by} />`)}</tbody>
      <tfoot><${Row} row=${r.total} total=${true} /></tfoot>
    </table></div>`;
}
