// desk.js — the agent workspace's frame: the top bar (status, language, sign out), the
// navigation with its counts, and the panes (list, conversation, contact). At 1280 px all
// are side by side; on a phone the list and the conversation take turns.

import { html, useEffect, useLayoutEffect } from '/common/html.js';
import { t, currentLang, LANGS } from '/common/i18n.js';
import { initials } from '/common/format.js';
import { lazy } from '/common/lazy.js';
import { mayOpen } from '/common/topbar.js';
import * as s from './state.js';
import { ConversationList } from './list.js';
import { Offers } from './offers.js';
import { Filters } from './filters.js';
import { Help, listen, helpOpen } from './keys.js';
import { SoundToggle, watch } from './alerts.js';

// What the first screen does not draw loads after it (or at once, when it is asked for first).
const ConversationPane = lazy(() => import('./conversation.js'), 'ConversationPane');
const ContactCard = lazy(() => import('./contact.js'), 'ContactCard');
const SearchPane = lazy(() => import('./search.js'), 'SearchPane');
const Table = lazy(() => import('./table.js'), 'Table');
const NewConversation = lazy(() => import('./newconv.js'), 'NewConversation');
const LATER = [ConversationPane, ContactCard, SearchPane, Table, NewConversation];

const VIEWS = ['mine', 'unassigned', 'all', 'closed', 'search'];
const STATUSES = ['available', 'away', 'offline'];

function StatusPicker() {
  const status = s.me.value?.status;
  if (status === 'rona') {
    return html`<div class="status-pick">
      <span class="dot dot-rona" aria-hidden="true"></span>
      <span>${t('status.rona')}</span>
      <button class="btn btn-primary btn-sm" type="button" onClick=${() => s.setStatus('available')}>
        ${t('desk.back_available')}
      </button>
    </div>`;
  }
  return html`<label class="status-pick">
    <span class=${`dot dot-${status}`} aria-hidden="true"></span>
    <span class="sr-only">${t('desk.status')}</span>
    <select value=${status} onChange=${(e) => s.setStatus(e.target.value)}>
      ${STATUSES.map((st) => html`<option value=${st}>${t(`status.${st}`)}</option>`)}
    </select>
  </label>`;
}

function Nav() {
  const counts = s.counts.value;
  return html`<nav class="nav" aria-label=${t('desk.views')}>
    <button type="button" class="btn btn-primary btn-sm new" onClick=${() => (s.composing.value = true)}>${t('new.button')}</button>
    ${VIEWS.map((v) => {
      const c = counts[v];
      const current = s.view.value === v;
      return html`<button type="button" class=${`nav-item${current ? ' is-current' : ''}`} data-view=${v}
        aria-current=${current ? 'page' : undefined}
        onClick=${() => {
          s.view.value = v;
          s.filters.value = {};
          s.showingConversation.value = false;
          s.loadList();
        }}>
        <span>${t(`view.${v}`)}</span>
        ${c && html`<span class="count" aria-label=${t('view.count', { count: c.n })}>${c.n}${c.more ? '+' : ''}</span>`}
      </button>`;
    })}
  </nav>`;
}

function Banner() {
  const state = s.connection.value;
  if (state === 'reconnecting') return html`<div class="banner" role="status">${t('desk.reconnecting')}</div>`;
  if (state === 'ended') return html`<div class="banner banner-error" role="alert">${t('desk.stream_ended')}</div>`;
  return null;
}

function Loading() {
  return html`<div class="spinner" role="status"><span class="sr-only">${t('app.loading')}</span></div>`;
}

let started = false;

export function Desk({ onSignOut, onLang }) {
  const me = s.me.value;
  useEffect(() => {
    if (!started) {
      started = true;
      watch();
      // The rest of the desk's code, fetched while the agent reads the list.
      for (const part of LATER) part.preload();
    }
  }, []);
  // The shortcuts listen from the first paint: an effect runs only after it, so on a busy
  // machine an offer could be on screen while `a` still did nothing.
  useLayoutEffect(() => listen(), []);
  useEffect(() => {
    const title = s.offerCount.value ? `(${s.offerCount.value}) ${t('desk.doc_title')}` : t('desk.doc_title');
    document.title = title;
  });
  const conversationShown = s.showingConversation.value;
  const table = s.tableMode.value && (s.view.value === 'all' || s.view.value === 'closed');
  return html`<div class=${`desk${conversationShown ? ' show-conversation' : ''}`}>
    <header class="topbar">
      <a class="brand" href="/agent/"><svg class="logo" aria-hidden="true"><use href="#sb-logo" /></svg>
        <span class="brand-name">${t('app.name')}</span></a>
      <${StatusPicker} />
      ${me.role !== 'agent' && html`<nav class="desk-pages" aria-label=${t('nav.pages')}>
        ${['monitor', 'reports', 'admin'].filter((p) => mayOpen(me.role, p)).map((p) => html`<a class="btn btn-secondary btn-sm"
          href=${`/${p}/`}>${t(`nav.${p}`)}</a>`)}</nav>`}
      <div class="topbar-user">
        <${SoundToggle} />
        <button type="button" class="btn btn-secondary btn-sm" aria-label=${t('keys.title')} onClick=${() => (helpOpen.value = true)}>?</button>
        <span class="avatar avatar-sm" aria-hidden="true">${initials(me.name)}</span>
        <span class="who-name">${me.name}</span>
        <div class="lang-switch" role="group" aria-label=${t('lang.label')}>
          ${LANGS.map((l) => html`<button type="button" lang=${l} aria-pressed=${String(currentLang() === l)}
            onClick=${() => onLang(l)}>${l.toUpperCase()}</button>`)}
        </div>
        <button class="btn btn-secondary btn-sm" type="button" onClick=${onSignOut}>${t('desk.signout')}</button>
      </div>
    </header>
    <${Banner} />
    <${Help} />
    <${NewConversation} />
    <${Offers} />
    <div class=${`panes${table ? ' is-table' : ''}`}>
      <${Nav} />
      ${table && html`<section class="pane pane-table" aria-label=${t(`view.${s.view.value}`)}>
        <div class="list-head"><h2>${t(`view.${s.view.value}`)}</h2></div>
        <${Filters} />
        <${Table} />
      </section>`}
      <section class="pane pane-list" aria-label=${t(`view.${s.view.value}`)} hidden=${table}>
        ${s.view.value === 'search' ? html`<${SearchPane} />` : html`<${ConversationList} />`}
      </section>
      <section class="pane pane-conversation" aria-label=${t('conversation.label')}>
        <${ConversationPane} fallback=${html`<${Loading} />`} />
      </section>
      <aside class="pane pane-contact" aria-label=${t('contact.label')}>
        <${ContactCard} />
      </aside>
    </div>
  </div>`;
}
