// gate.js — how the supervisors' and admins' pages open: a spinner while the saved session is
// checked, the workspace's sign-in form when there is none (or it ended), a page saying it is
// not for this role (with the way back to the workspace), else the page itself. The language
// switch draws whichever is shown anew: it is keyed by the language, because a component that
// reads signals is not redrawn by its parent when its props stay the same.

import { html, signal } from './html.js';
import { setLang, t, currentLang } from './i18n.js';
import { clearToken } from './api.js';
import { startPage } from './session.js';
import { lazy } from './lazy.js';
import { mayOpen } from './topbar.js';

const Login = lazy(() => import('/agent/login.js'), 'Login');
/** Bumped when the language changes: the page draws its strings again. */
const langTick = signal(0);

/** Switches the page's language and redraws it. */
export async function switchLang(code) {
  await setLang(code);
  langTick.value++;
}

function Spinner() {
  return html`<div class="view view-center"><div class="spinner" role="status"><span class="sr-only">${t('app.loading')}</span></div></div>`;
}

/**
 * Opens the page `name` (as `mayOpen` knows it): `Page` is drawn for a user who may open it,
 * after `onEnter(user)`; others read `refused` (a string key, with `refused_title`). Returns
 * `ended()`, which drops the session and shows sign-in with the reason, keeping the URL (and
 * so the page's view) for when the user is back.
 */
export function openPage({ name, Page, onEnter, refusedTitle, refused }) {
  const screen = signal('loading');
  const notice = signal('');
  function enter(user) {
    if (!mayOpen(user.role, name)) {
      screen.value = 'refused';
      return;
    }
    onEnter(user);
    screen.value = 'page';
  }
  function App() {
    void langTick.value;
    switch (screen.value) {
      case 'login':
        return html`<${Login} key=${currentLang()} notice=${notice.value} onSignedIn=${enter} fallback=${html`<${Spinner} />`} />`;
      case 'refused':
        return html`<div class="view view-center"><div class="card auth-card auth">
          <h1 class="auth-title">${t(refusedTitle)}</h1>
          <p class="muted">${t(refused)}</p>
          <a class="btn btn-primary btn-block" href="/agent/">${t('monitor.to_workspace')}</a></div></div>`;
      case 'page':
        return html`<${Page} key=${currentLang()} />`;
      default:
        return html`<${Spinner} />`;
    }
  }
  const signIn = (text) => {
    notice.value = text;
    screen.value = 'login';
  };
  startPage({ App, onUser: enter, onSignIn: signIn, onNoToken: () => Login.preload() });
  return {
    ended() {
      clearToken();
      signIn(t('login.session_ended'));
    },
  };
}
