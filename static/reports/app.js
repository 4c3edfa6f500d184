// app.js — the reports page (/reports/, supervisors and admins): a period in the workspace's
// time zone and a grouping (agent, team, inbox), kept in the URL; the report with its charts
// and table (report.js); and the same numbers as CSV or xlsx. Agents are sent back to the
// workspace.

import { html, signal, useEffect } from '/common/html.js';
import { api } from '/common/api.js';
import { t } from '/common/i18n.js';
import { describe } from '/common/problem.js';
import { TopBar } from '/common/topbar.js';
import { openPage, switchLang } from '/common/gate.js';
import { fetchFile, saveBlob } from '/common/files.js';
import { Report } from './report.js';

const me = signal(null);
const report = signal(null);
const error = signal('');
const loading = signal(false);

/** A day `n` days from today, `YYYY-MM-DD`, in the browser's calendar. */
function dayFrom(n) {
  const d = new Date();
  d.setDate(d.getDate() + n);
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
}

function readUrl() {
  const q = new URLSearchParams(location.search);
  return { from: q.get('from') || dayFrom(-6), to: q.get('to') || dayFrom(0), group_by: q.get('group_by') || 'agent' };
}
const query = signal(readUrl());

async function load() {
  const q = new URLSearchParams(query.value);
  history.replaceState(null, '', `${location.pathname}?${q}`);
  loading.value = true;
  try {
    report.value = await api('GET', `/api/v1/reports/conversations?${q}`);
    error.value = '';
  } catch (err) {
    error.value = describe(err);
    report.value = null;
  } finally {
    loading.value = false;
  }
}

async function download(kind) {
  try {
    const { blob, name } = await fetchFile(`/api/v1/reports/conversations.${kind}?${new URLSearchParams(query.value)}`);
    saveBlob(blob, name || `report.${kind}`);
  } catch (err) {
    error.value = describe(err);
  }
}

function Controls() {
  const q = query.value;
  const set = (k) => (e) => {
    query.value = { ...query.value, [k]: e.target.value };
    load();
  };
  return html`<form class="filters-bar" onSubmit=${(e) => e.preventDefault()}>
    <label class="filter"><span>${t('reports.from')}</span><input type="date" value=${q.from} onChange=${set('from')} /></label>
    <label class="filter"><span>${t('reports.to')}</span><input type="date" value=${q.to} onChange=${set('to')} /></label>
    <label class="filter"><span>${t('reports.group_by')}</span>
      <select value=${q.group_by} onChange=${set('group_by')}>
        ${['agent', 'team', 'inbox'].map((g) => html`<option value=${g}>${t(`reports.group.${g}`)}</option>`)}
      </select></label>
    <div class="downloads">
      <button type="button" class="btn btn-secondary btn-sm" onClick=${() => download('csv')}>${t('reports.csv')}</button>
      <button type="button" class="btn btn-secondary btn-sm" onClick=${() => download('xlsx')}>${t('reports.xlsx')}</button>
    </div>
  </form>`;
}

function Page() {
  useEffect(() => (document.title = t('reports.doc_title')));
  const r = report.value;
  return html`<div class="reports">
    <${TopBar} current="reports" me=${me.value} onLang=${switchLang} />
    <main class="reports-main">
      <h1>${t('nav.reports')}</h1>
      <${Controls} />
      ${r && html`<p class="muted small">${t('reports.period', { from: r.from, to: r.to, tz: r.time_zone })}</p>`}
      ${error.value && html`<div class="alert" role="alert"><p>${error.value}</p></div>`}
      ${loading.value && !r && html`<div class="spinner" role="status"><span class="sr-only">${t('app.loading')}</span></div>`}
      ${r && html`<${Report} r=${r} />`}
    </main>
  </div>`;
}

openPage({
  name: 'reports',
  Page,
  refusedTitle: 'monitor.refused_title',
  refused: 'reports.refused',
  onEnter(user) {
    me.value = user;
    load();
  },
});
