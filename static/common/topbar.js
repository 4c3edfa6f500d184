// topbar.js — the header of the supervisors' and admins' pages: the brand, the pages the
// role may open (the workspace for everyone; the monitor and reports for supervisors and
// admins; the admin pages for admins), the signed-in name, the language switch and whatever the page adds.

import { html } from './html.js';
import { t, currentLang, LANGS } from './i18n.js';

/** The pages, with the lowest role that may open each. */
const PAGES = [
  ['workspace', '/agent/', 'agent'],
  ['monitor', '/monitor/', 'supervisor'],
  ['reports', '/reports/', 'supervisor'],
  ['admin', '/admin/', 'admin'],
];
const RANK = { agent: 0, supervisor: 1, admin: 2 };

/** Whether `role` may open the page `name`. */
export function mayOpen(role, name) {
  const page = PAGES.find(([n]) => n === name);
  return Boolean(page) && (RANK[role] ?? -1) >= RANK[page[2]];
}

/**
 * The header: `current` is this page's name, `me` the signed-in user, `onLang(code)` switches
 * the language; `children` go at the end (page buttons).
 */
export function TopBar({ current, me, onLang, children }) {
  return html`<header class="topbar page-topbar">
    <a class="brand" href="/agent/"><svg class="logo" aria-hidden="true"><use href="#sb-logo" /></svg>
      <span class="brand-name">${t('app.name')}</span></a>
    <nav class="pages" aria-label=${t('nav.pages')}>
      ${PAGES.filter(([name]) => mayOpen(me.role, name)).map(([name, href]) => html`<a href=${href}
        aria-current=${name === current ? 'page' : undefined}>${t(`nav.${name}`)}</a>`)}
    </nav>
    <div class="topbar-user">
      <span class="who-name">${me.name}</span>
      <div class="lang-switch" role="group" aria-label=${t('lang.label')}>
        ${LANGS.map((l) => html`<button type="button" lang=${l} aria-pressed=${String(currentLang() === l)}
          onClick=${() => onLang(l)}>${l.toUpperCase()}</button>`)}
      </div>
      ${children}
    </div>
  </header>`;
}
