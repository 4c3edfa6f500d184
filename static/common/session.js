// session.js — what every signed-in page does the same way: start by checking the saved
// session while its strings load, then draw; and keep one live event stream per tab, which
// reloads the page's data after a drop (what was missed was replayed; lists catch up too) or
// when the server cannot resume that far back.

import { html, render } from './html.js';
import { api, getToken, clearToken } from './api.js';
import { pickLang, loadLang, t } from './i18n.js';
import { EventStream } from './sse.js';

/**
 * Draws `App` into `#app` once the strings are in, then hands over the signed-in user to
 * `onUser`, or calls `onSignIn(notice)` when there is no session or it has ended (the
 * notice then says so). `onNoToken` runs at once when there is no saved session at all
 * (a page may start loading its sign-in form).
 */
export async function startPage({ App, onUser, onSignIn, onNoToken }) {
  // The strings and the saved session are checked at the same time.
  const me = getToken() ? api('GET', '/api/v1/me') : null;
  if (!me) onNoToken?.();
  me?.catch(() => {});
  await loadLang(pickLang());
  const root = document.getElementById('app');
  root.textContent = '';
  render(html`<${App} />`, root);
  if (!me) return onSignIn('');
  try {
    return onUser(await me);
  } catch (err) {
    if (err.status === 401) clearToken();
    return onSignIn(err.status === 401 ? t('login.session_ended') : '');
  }
}

/**
 * Opens the tab's event stream: `onEvent` for each event, `reload` after a reconnection or
 * a reset, `connection` (a signal) follows its state, `onEnded` when the server refuses the
 * session. Returns the started stream.
 */
export function liveStream({ onEvent, reload, connection, onEnded }) {
  const stream = new EventStream({
    url: '/api/v1/events',
    token: getToken,
    onEvent,
    onState: (state) => {
      if (state === 'open' && connection.value !== 'connecting') reload();
      connection.value = state;
    },
    onReset: reload,
    onEnded,
  });
  stream.start();
  return stream;
}
