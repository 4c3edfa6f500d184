// app.js — the admin pages (/admin/, admins): users, teams, inboxes, labels, canned
// responses, wrap-up reasons, workspace settings, API tokens and the file library, one
// section at a time (kept in the URL), under the header every page shares. Others are sent
// back to the workspace.

import { html, signal, useEffect } from '/common/html.js';
import { setLang, t } from '/common/i18n.js';
import { startPage } from '/common/session.js';
import { lazy } from '/common/lazy.js';
import { TopBar, mayOpen } from '/common/topbar.js';
import * as s from './state.js';
import { Editor } from './editor.js';
import { Settings } from './settings.js';
import { Tokens } from './tokens.js';
import { Files } from './files.js';

const Login = lazy(() => import('/agent/login.js'), 'Login');
const screen = signal('loading');
const notice = signal('');
const langTick = signal(0);

function Section() {
  switch (s.section.value) {
    case 'settings':
      return html`<${Settings} />`;
    case 'tokens':
      return html`<${Tokens} />`;
    case 'files':
      return html`<${Files} />`;
    default:
      return html`<${Editor} key=${s.section.value} name=${s.section.value} />`;
  }
}

function Admin() {
  useEffect(() => (document.title = t('admin.doc_title')));
  return html`<div class="admin">
    <${TopBar} current="admin" me=${s.me.value} onLang=${async (l) => { await setLang(l); langTick.value++; }} />
    <div class="admin-body">
      <nav class="admin-nav" aria-label=${t('admin.sections')}>
        ${s.SECTIONS.map((name) => html`<button type="button" class=${`nav-item${s.section.value === name ? ' is-current' : ''}`}
          aria-current=${s.section.value === name ? 'page' : undefined} onClick=${() => s.open(name)}>${t(`admin.s.${name}`)}</button>`)}
      </nav>
      <main class="admin-main"><h1 class="sr-only">${t('nav.admin')}</h1><${Section} /></main>
    </div>
  </div>`;
}

function App() {
  void langTick.value;
  switch (screen.value) {
    case 'login':
      return html`<${Login} notice=${notice.value} onSignedIn=${enter} />`;
    case 'refused':
      return html`<div class="view view-center"><div class="card auth-card auth">
        <h1 class="auth-title">${t('admin.refused_title')}</h1>
        <p class="muted">${t('admin.refused')}</p>
        <a class="btn btn-primary btn-block" href="/agent/">${t('monitor.to_workspace')}</a></div></div>`;
    case 'admin':
      return html`<${Admin} />`;
    default:
      return html`<div class="view view-center"><div class="spinner" role="status"><span class="sr-only">${t('app.loading')}</span></div></div>`;
  }
}

function enter(user) {
  s.me.value = user;
  if (!mayOpen(user.role, 'admin')) {
    screen.value = 'refused';
    return;
  }
  screen.value = 'admin';
  s.loadDirectory();
}

startPage({
  App,
  onUser: enter,
  onSignIn: (text) => {
    notice.value = text;
    screen.value = 'login';
  },
  onNoToken: () => Login.preload(),
});
