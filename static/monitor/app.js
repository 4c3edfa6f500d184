// app.js — the supervisor's live monitor (/monitor/, F26–F28): the counts at the top, the
// conversations and agents tabs with one search bar and the filters (kept in the URL), the
// wallboard, and one event stream per tab keeping it all live. Supervisors and admins; an
// agent is told the page is not theirs and sent back to the workspace. Signing in uses the
// workspace's own form, and an ended session comes back to the same view.

import { html, useEffect, useState } from '/common/html.js';
import { t } from '/common/i18n.js';
import { TopBar } from '/common/topbar.js';
import { liveStream } from '/common/session.js';
import { openPage, switchLang } from '/common/gate.js';
import * as s from './state.js';
import { Counts, Wallboard } from './counts.js';
import { ConversationsTab } from './conversations.js';
import { AgentsTab } from './agents.js';

let stream = null;

const STATUSES = {
  conversations: ['queued', 'offered', 'open', 'pending', 'closed'],
  agents: ['available', 'away', 'rona', 'offline'],
};
const CHANNELS = ['livechat', 'api'];

/** The search text as typed, searched on Enter or on leaving the box. It keeps what is typed
 * when the bar draws again meanwhile (the directory or the view arriving), which a value tied
 * straight to the view would wipe. */
function SearchBox({ q }) {
  const [draft, setDraft] = useState(q);
  useEffect(() => setDraft(q), [q]);
  return html`<input type="search" value=${draft} placeholder=${t('monitor.search_hint')}
    onInput=${(e) => setDraft(e.target.value)} onChange=${(e) => s.setView({ q: e.target.value.trim() })} />`;
}

function Filters() {
  const v = s.view.value;
  const dir = s.directory.value;
  const pick = (key, label, options) => html`<label class="filter">
    <span>${label}</span>
    <select value=${v[key]} onChange=${(e) => s.setView({ [key]: e.target.value })}>
      <option value="">${t('monitor.any')}</option>
      ${options.map(([value, text]) => html`<option value=${value}>${text}</option>`)}
    </select></label>`;
  const statusText = (st) => (v.tab === 'agents' ? t(`status.${st}`) : t(`cstatus.${st}`));
  const statuses = STATUSES[v.tab].map((st) => [st, statusText(st)]);
  if (v.status && !statuses.some(([x]) => x === v.status)) statuses.unshift([v.status, v.status.split(',').map(statusText).join(' + ')]);
  return html`<form class="filters-bar" role="search" onSubmit=${(e) => e.preventDefault()}>
    <label class="filter filter-q"><span>${t('monitor.search')}</span>
      <${SearchBox} q=${v.q} /></label>
    ${pick('status', t('monitor.status'), statuses)}
    ${pick('agent_id', t('monitor.agent'), dir.users.map((u) => [u.id, u.name]))}
    ${pick('team_id', t('monitor.team'), dir.teams.map((x) => [x.id, x.name]))}
    ${pick('channel', t('monitor.channel'), CHANNELS.map((c) => [c, t(`channel.${c}`)]))}
  </form>`;
}

function Monitor() {
  const v = s.view.value;
  const me = s.me.value;
  useEffect(() => document.title = t('monitor.doc_title'));
  if (v.wall) return html`<${Wallboard} />`;
  const tab = (name) => html`<button type="button" role="tab" aria-selected=${String(v.tab === name)}
    class=${`tab${v.tab === name ? ' is-current' : ''}`} onClick=${() => s.setView({ tab: name, status: '' })}>${t(`monitor.tab.${name}`)}</button>`;
  return html`<div class="monitor">
    <${TopBar} current="monitor" me=${me} onLang=${switchLang}>
      <button type="button" class="btn btn-secondary btn-sm" onClick=${() => {
        s.setView({ wall: '1' });
        document.documentElement.requestFullscreen?.().catch(() => {});
      }}>${t('monitor.wallboard')}</button>
    <//>
    ${s.connection.value === 'reconnecting' && html`<div class="banner" role="status">${t('desk.reconnecting')}</div>`}
    <main class="monitor-main">
      <h1 class="sr-only">${t('nav.monitor')}</h1>
      <${Counts} />
      <div class="tabs" role="tablist">${tab('conversations')}${tab('agents')}</div>
      <${Filters} />
      ${s.error.value && html`<div class="alert" role="alert"><p>${s.error.value}</p></div>`}
      ${v.tab === 'agents' ? html`<${AgentsTab} />` : html`<${ConversationsTab} />`}
    </main>
  </div>`;
}

const page = openPage({
  name: 'monitor',
  Page: Monitor,
  refusedTitle: 'monitor.refused_title',
  refused: 'monitor.refused',
  onEnter(user) {
    s.me.value = user;
    s.loadDirectory();
    s.load();
    stream?.stop();
    stream = liveStream({
      onEvent: s.onEvent,
      reload: s.load,
      connection: s.connection,
      onEnded: () => {
        stream?.stop();
        page.ended();
      },
    });
  },
});
