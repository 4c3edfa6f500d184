// app.js — the admin pages (/admin/, admins): users, teams, inboxes (with the live-chat
// widget's settings), labels, canned responses, wrap-up reasons, workspace settings, API
// tokens, webhooks and the file library, one section at a time (kept in the URL), under the
// header every page shares. Others are sent back to the workspace.

import { html, useEffect } from '/common/html.js';
import { t } from '/common/i18n.js';
import { TopBar } from '/common/topbar.js';
import { openPage, switchLang } from '/common/gate.js';
import * as s from './state.js';
import { Editor } from './editor.js';
import { Settings } from './settings.js';
import { Tokens } from './tokens.js';
import { Files } from './files.js';
import { Webhooks } from './webhooks.js';


function Section() {
  switch (s.section.value) {
    case 'settings':
      return html`<${Settings} />`;
    case 'tokens':
      return html`<${Tokens} />`;
    case 'files':
      return html`<${Files} />`;
    case 'webhooks':
      return html`<${Webhooks} />`;
    default:
      return html`<${Editor} key=${s.section.value} name=${s.section.value} />`;
  }
}

function Admin() {
  useEffect(() => (document.title = t('admin.doc_title')));
  // On a phone the sections are one scrolling row: the open one is brought into it.
  useEffect(() => {
    document.querySelector('.admin-nav .is-current')?.scrollIntoView({ block: 'nearest', inline: 'center' });
  }, [s.section.value]);
  return html`<div class="admin">
    <${TopBar} current="admin" me=${s.me.value} onLang=${switchLang} />
    <div class="admin-body">
      <nav class="admin-nav" aria-label=${t('admin.sections')}>
        ${s.SECTIONS.map((name) => html`<button type="button" class=${`nav-item${s.section.value === name ? ' is-current' : ''}`}
          aria-current=${s.section.value === name ? 'page' : undefined} onClick=${() => s.open(name)}>${t(`admin.s.${name}`)}</button>`)}
      </nav>
      <main class="admin-main"><h1 class="sr-only">${t('nav.admin')}</h1><${Section} /></main>
    </div>
  </div>`;
}

openPage({
  name: 'admin',
  Page: Admin,
  refusedTitle: 'admin.refused_title',
  refused: 'admin.refused',
  onEnter(user) {
    s.me.value = user;
    s.loadDirectory();
  },
});
