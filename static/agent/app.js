// app.js — the agent page: loads the strings, checks the saved session, then shows sign-in,
// the first-time password form or the workspace, and keeps the workspace live through one
// event stream per tab (see /common/sse.js).

import './boot.js';
import { html, signal } from '/common/html.js';
import { api, clearToken } from '/common/api.js';
import { setLang, t, currentLang } from '/common/i18n.js';
import { startPage, liveStream } from '/common/session.js';
import { lazy } from '/common/lazy.js';
import { Desk } from './desk.js';
import * as s from './state.js';
import { loadCanned } from './canned.js';

// Signing in is drawn by its own module, loaded when needed (at once when there is no session).
const Login = lazy(() => import('./login.js'), 'Login');
const PasswordForm = lazy(() => import('./login.js'), 'PasswordForm');

/** `loading`, `login`, `password` or `desk`. */
const screen = signal('loading');
const notice = signal('');
const knownPassword = signal('');
/** Bumped when the language changes: every component reads its strings while rendering. */
const langTick = signal(0);
let stream = null;
let heartbeat = null;

function App() {
  void langTick.value; // subscribe: a language change renders everything again
  // Keyed by the language: a component that reads signals is not redrawn by its parent when
  // its props stay the same, so the screen is drawn anew (drafts and the open conversation
  // live outside it).
  const lang = currentLang();
  switch (screen.value) {
    case 'login':
      return html`<${Login} key=${lang} notice=${notice.value} onSignedIn=${signedIn} />`;
    case 'password':
      return html`<${PasswordForm} key=${lang} user=${s.me.value} known=${knownPassword.value} onDone=${enter} onSignOut=${signOut} />`;
    case 'desk':
      return html`<${Desk} key=${lang} onSignOut=${signOut} onLang=${switchLang} />`;
    default:
      return html`<div class="view view-center"><div class="spinner" role="status"><span class="sr-only">${t('app.loading')}</span></div></div>`;
  }
}

function signedIn(user, password) {
  knownPassword.value = password;
  if (user.must_change_password) {
    s.me.value = user;
    screen.value = 'password';
    document.title = t('password.doc_title');
  } else {
    enter(user);
  }
}

/** The longest the spinner waits for the first lists before the desk shows without them. */
const FIRST_WAIT_MS = 1500;

/**
 * Opens the workspace for `user`: lists, offers, names, then the live stream. The desk shows
 * once the names and the list are in (usually already fetched by boot.js), so it is drawn
 * once, complete, rather than empty and then again.
 */
async function enter(user) {
  knownPassword.value = '';
  s.me.value = user;
  const first = Promise.all([s.loadDirectory(), s.loadList(), s.loadCounts(), s.loadOffers(), loadCanned()]);
  await Promise.race([first, new Promise((done) => setTimeout(done, FIRST_WAIT_MS))]);
  if (s.me.value !== user) return; // signed out meanwhile
  screen.value = 'desk';
  const last = localStorage.getItem(s.OPEN_KEY);
  if (last) s.open(last).catch(() => s.closeConversation());
  stream?.stop();
  stream = liveStream({ onEvent: s.onEvent, reload: s.reloadAll, connection: s.connection, onEnded: ended });
  // Presence follows the page: heartbeats only while it is visible.
  clearInterval(heartbeat);
  heartbeat = setInterval(() => {
    if (document.visibilityState === 'visible') api('POST', '/api/v1/me/heartbeat').catch(() => {});
  }, 30000);
}

function leave(keepPlace = false) {
  if (!keepPlace) localStorage.removeItem(s.OPEN_KEY);
  stream?.stop();
  stream = null;
  clearInterval(heartbeat);
  clearToken();
  s.me.value = null;
  s.selectedId.value = null;
  s.conversation.value = null;
}

async function signOut() {
  try {
    await api('POST', '/api/v1/auth/logout');
  } catch {
    /* the token is dropped either way */
  }
  leave();
  notice.value = t('login.signed_out');
  screen.value = 'login';
  document.title = t('login.doc_title');
}

function ended() {
  // An ended session comes back to the same conversation after signing in again.
  leave(true);
  notice.value = t('login.session_ended');
  screen.value = 'login';
  document.title = t('login.doc_title');
}

async function switchLang(code) {
  await setLang(code);
  langTick.value++;
}

startPage({
  App,
  onUser: (user) => signedIn(user, ''),
  onSignIn: (text) => {
    notice.value = text;
    screen.value = 'login';
    document.title = t('login.doc_title');
  },
  onNoToken: () => Login.preload(),
});
