// app.js — the panel, loaded by widget.js: mount(host) styles it, starts the session and draws it.
// One effect redraws the whole panel when a signal it read changes (no hooks: see kit.js).

import { html, render, effect, signal, untracked } from './kit.js';
import { connect, disconnect } from './live.js';
import * as s from './store.js';
import * as api from './api.js';
import * as actions from './actions.js';
import { loadStrings } from './i18n.js';
import { accent } from './text.js';
import { CSS } from './styles.js';
import { Panel } from './panel.js';

function style(shadow) {
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    shadow.adoptedStyleSheets = [...shadow.adoptedStyleSheets, sheet];
  } catch {
    // No constructable sheets (old browsers): a <style> element in the shadow root.
    const el = document.createElement('style');
    el.textContent = CSS;
    shadow.prepend(el);
  }
}

/** The panel is open and the page is in view: what is shown counts as seen. */
function watchSeen() {
  const visible = signal(document.visibilityState === 'visible');
  document.addEventListener('visibilitychange', () => {
    visible.value = document.visibilityState === 'visible';
  });
  effect(() => {
    const list = s.messages.value;
    if (!s.isOpen.value || !visible.value || s.phase.value !== 'ready') return;
    const latest = list.length ? list[list.length - 1].created_at : new Date().toISOString();
    const at = new Date(latest).getTime();
    if (at > untracked(() => s.seenAt.value)) {
      s.seenAt.value = at;
      api.markSeen(latest);
    }
  });
  // Another tab read the replies, or began or ended a session: follow it.
  window.addEventListener('storage', (e) => {
    if (e.key !== api.key()) return;
    if (api.reread()) {
      // Its token is now this tab's too: listen and show with it.
      disconnect();
      actions.reload().then(connect);
    }
    if (api.seen()) s.seenAt.value = Math.max(s.seenAt.value, new Date(api.seen()).getTime());
  });
}

/**
 * @param {object} host  from widget.js: { shadow, root, origin, base, inboxId, lang, inbox?,
 *   customerId, customerSignature, close(), setUnread(n), setAccent(color) }
 */
export async function mount(host) {
  // First: without its words the panel cannot show (and the loader offers a retry).
  await loadStrings(host.base, host.lang);
  Object.assign(s.config, {
    inboxId: host.inboxId,
    customerId: host.customerId || '',
    customerSignature: host.customerSignature || '',
    host,
  });
  api.configure(host.origin, host.inboxId, host.customerId);
  if (host.inbox) s.inbox.value = host.inbox;
  style(host.shadow);
  effect(() => host.setAccent(accent(s.inbox.value?.color)));
  effect(() => {
    try {
      render(html`<${Panel} />`, host.root);
    } catch (err) {
      console.error('switchboard widget:', err);
    }
  });
  effect(() => host.setUnread(s.isOpen.value ? 0 : s.unread.value));
  watchSeen();
  // A visitor with a conversation is followed at once (unread replies); the rest start on opening.
  if (api.token()) await actions.start();
  const focusFirst = () => {
    const first = host.root.querySelector('.compose-box, .start input, .start textarea, .rating input, .problem button');
    (first || host.root.querySelector('.head-close'))?.focus({ preventScroll: true });
  };
  return {
    /** The panel is shown; `focus` moves the focus into it (not when a reload restores it). */
    async opened(focus = true) {
      s.isOpen.value = true;
      if (s.phase.value !== 'ready') await actions.start();
      else actions.refreshInbox().catch(() => {});
      if (focus) requestAnimationFrame(focusFirst);
    },
    closed() {
      s.isOpen.value = false;
      s.emojiOpen.value = false;
    },
  };
}
