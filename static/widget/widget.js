// widget.js — the live-chat widget's loader, the one script a web site embeds (README.md, "The
// live-chat widget"): `<script src="https://desk.example.com/widget/widget.js" data-inbox="ID" async>`.
// A classic script, kept small: it reads the inbox's settings and draws the launcher (and later the
// panel) in an open shadow root reset with `:host { all: initial }`, so no CSS crosses either way.
// The panel's code (app.js and its imports) loads from this script's origin when the customer first
// opens the chat, or in the background when this visitor has a conversation (for unread replies).
// The token lives in the host page's localStorage (`switchboard.widget.<inbox id>`), no cookies;
// one global name: `window.SwitchboardWidget`, with open(), close() and toggle().
(() => {
  'use strict';
  if (window.SwitchboardWidget) return; // the tag is on the page twice
  const script = document.currentScript;
  if (!script || !script.src) return;
  const src = new URL(script.src, location.href);
  const base = new URL('./', src).href;
  const origin = src.origin;
  const data = script.dataset;
  const inboxId = (data.inbox || '').trim();
  if (!inboxId) {
    console.warn('Switchboard widget: the script tag needs data-inbox="INBOX_ID".');
    return;
  }
  const KEY = `switchboard.widget.${inboxId}`;

  // The launcher's words (the panel's are in i18n/*.json; widget-i18n.test.mjs checks both).
  const WORDS = /*words*/ {
    "en": {
      "launcher.open": "Chat with us",
      "launcher.close": "Close the chat",
      "launcher.loading": "Loading the chat…",
      "launcher.failed": "The chat could not load. Check your connection and try again.",
      "launcher.retry": "Try again",
      "launcher.unread.one": "{count} new message",
      "launcher.unread.other": "{count} new messages"
    },
    "it": {
      "launcher.open": "Chatta con noi",
      "launcher.close": "Chiudi la chat",
      "launcher.loading": "Caricamento della chat…",
      "launcher.failed": "Non è stato possibile caricare la chat. Controlla la connessione e riprova.",
      "launcher.retry": "Riprova",
      "launcher.unread.one": "{count} nuovo messaggio",
      "launcher.unread.other": "{count} nuovi messaggi"
    },
    "es": {
      "launcher.open": "Chatea con nosotros",
      "launcher.close": "Cerrar el chat",
      "launcher.loading": "Cargando el chat…",
      "launcher.failed": "No se pudo cargar el chat. Comprueba tu conexión y vuelve a intentarlo.",
      "launcher.retry": "Reintentar",
      "launcher.unread.one": "{count} mensaje nuevo",
      "launcher.unread.other": "{count} mensajes nuevos"
    }
  } /*end words*/;

  /** The language: data-lang if we speak it, else the browser's first that we speak, else English. */
  function pickLang(tags) {
    return tags.map((tag) => String(tag || '').toLowerCase().split(/[-_]/)[0]).find((code) => code in WORDS) || 'en';
  }
  const lang = pickLang([data.lang, ...(navigator.languages || [navigator.language])]);
  const say = (key, count) => {
    if (count !== undefined) {
      const form = `${key}.${new Intl.PluralRules(lang).select(count)}`;
      key = form in WORDS[lang] ? form : `${key}.other`;
    }
    return WORDS[lang][key].replace('{count}', String(count));
  };

  // The launcher, and the panel's frame while its code loads; the panel's own rules (styles.js)
  // use this sheet's .center, .spinner, .secondary and .sr-only too.
  const CSS = `
:host { all: initial !important; }
*, *::before, *::after { box-sizing: border-box; }
[hidden] { display: none !important; }
.launcher {
  position: fixed; right: 20px; bottom: 20px; z-index: 2147483000;
  width: 56px; height: 56px; margin: 0; padding: 0; border: 0; border-radius: 28px;
  display: flex; align-items: center; justify-content: center; cursor: pointer;
  background: var(--sb-accent, #4f46e5); color: var(--sb-on-accent, #fff);
  box-shadow: 0 8px 24px rgba(16, 24, 40, 0.24), 0 2px 6px rgba(16, 24, 40, 0.14);
  transition: transform 0.16s ease, box-shadow 0.16s ease; -webkit-tap-highlight-color: transparent;
}
.launcher:hover { transform: translateY(-1px) scale(1.04); box-shadow: 0 10px 28px rgba(16, 24, 40, 0.28), 0 2px 6px rgba(16, 24, 40, 0.14); }
.launcher:active { transform: scale(0.97); }
.launcher:focus { outline: none; }
.launcher:focus-visible { box-shadow: 0 0 0 3px #fff, 0 0 0 6px var(--sb-accent, #4f46e5), 0 8px 24px rgba(16, 24, 40, 0.24); }
.launcher svg { width: 28px; height: 28px; transition: transform 0.2s ease, opacity 0.2s ease; }
.launcher .i-close { position: absolute; opacity: 0; transform: rotate(-45deg); width: 24px; height: 24px; }
.launcher[aria-expanded="true"] .i-chat { opacity: 0; transform: rotate(45deg); }
.launcher[aria-expanded="true"] .i-close { opacity: 1; transform: none; }
.badge {
  position: absolute; top: -3px; right: -3px; min-width: 22px; height: 22px; padding: 0 6px;
  border-radius: 11px; border: 2px solid #fff; background: #e11d48; color: #fff;
  font: 700 11px/18px ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; text-align: center;
}
.panel {
  position: fixed; right: 20px; bottom: 88px; z-index: 2147483000;
  width: 360px; height: 560px; max-height: calc(100vh - 108px); min-height: 320px;
  display: flex; flex-direction: column; overflow: hidden;
  background: #f7f8fa; color: #101828; border-radius: 16px;
  box-shadow: 0 16px 48px rgba(16, 24, 40, 0.20), 0 2px 8px rgba(16, 24, 40, 0.10);
  font: 400 14px/1.45 ui-sans-serif, system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, "Noto Sans", sans-serif;
  text-align: left; letter-spacing: normal; -webkit-font-smoothing: antialiased;
  transform-origin: bottom right; animation: sb-in 0.18s ease-out;
}
@keyframes sb-in { from { opacity: 0; transform: translateY(8px) scale(0.98); } }
@media (prefers-reduced-motion: reduce) { .panel, .launcher, .launcher svg { animation: none; transition: none; } }
@media (max-width: 480px) {
  .panel { inset: 0; width: 100%; height: 100%; max-height: none; min-height: 0; border-radius: 0; }
  .launcher[aria-expanded="true"] { display: none; }
}
.boot-head { flex: none; display: flex; align-items: center; gap: 12px; height: 68px; padding: 0 16px; background: var(--sb-accent, #4f46e5); color: var(--sb-on-accent, #fff); font-size: 16px; font-weight: 650; }
.boot-head::before { content: ""; width: 40px; height: 40px; border-radius: 20px; background: rgba(255, 255, 255, 0.2); }
.boot-head span { flex: 1; }
.boot-head button { width: 36px; height: 36px; margin: 0 -4px 0 0; padding: 6px; border: 0; border-radius: 10px; background: transparent; color: inherit; cursor: pointer; }
.boot-head button:focus-visible { outline: 2px solid var(--sb-on-accent, #fff); outline-offset: -2px; }
.boot-head svg { width: 24px; height: 24px; }
.center { flex: 1; display: flex; flex-direction: column; align-items: center; justify-content: center; gap: 14px; padding: 24px; text-align: center; color: #475467; }
.spinner { width: 28px; height: 28px; border-radius: 50%; border: 3px solid #e4e7ec; border-top-color: var(--sb-accent); animation: sb-spin 0.8s linear infinite; }
@keyframes sb-spin { to { transform: rotate(360deg); } }
.secondary { margin: 0; padding: 8px 16px; border: 1px solid #d0d5dd; border-radius: 10px; background: #fff; color: #101828; font: inherit; font-weight: 600; cursor: pointer; }
.secondary:hover { background: #f9fafb; }
.secondary:focus-visible { outline: 2px solid var(--sb-accent); outline-offset: 2px; }
.sr-only { position: absolute; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; border: 0; }
`;

  function el(tag, props = {}, ...children) {
    const node = tag === 'svg' || tag === 'path' ? document.createElementNS('http://www.w3.org/2000/svg', tag) : document.createElement(tag);
    for (const [k, v] of Object.entries(props)) node.setAttribute(k, v);
    node.append(...children);
    return node;
  }
  const icon = (cls, paths) =>
    el('svg', { class: cls, viewBox: '0 0 24 24', 'aria-hidden': 'true', focusable: 'false' }, ...paths.map((d) =>
      el('path', { d, fill: 'none', stroke: 'currentColor', 'stroke-width': '1.9', 'stroke-linecap': 'round', 'stroke-linejoin': 'round' })));

  /** The inbox colour when it is a `#rrggbb` colour, else the default indigo. */
  function accent(color) {
    return /^#[0-9a-f]{6}$/i.test(color) ? color : '#4f46e5';
  }

  /** White or near-black on the accent, whichever contrasts more (WCAG). */
  function onAccent(hex) {
    const c = (i) => {
      const v = parseInt(hex.slice(i, i + 2), 16) / 255;
      return v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
    };
    const l = 0.2126 * c(1) + 0.7152 * c(3) + 0.0722 * c(5);
    // Contrast with white against contrast with #101828 (whose luminance + 0.05 is 0.0592).
    return 1.05 / (l + 0.05) >= (l + 0.05) / 0.0592 ? '#ffffff' : '#101828';
  }

  const host = document.createElement('switchboard-widget');
  const shadow = host.attachShadow({ mode: 'open' });
  try {
    const sheet = new CSSStyleSheet();
    sheet.replaceSync(CSS);
    shadow.adoptedStyleSheets = [sheet];
  } catch {
    shadow.append(el('style', {}, CSS));
  }
  const badge = el('span', { class: 'badge', 'aria-hidden': 'true', hidden: '' });
  const launcher = el('button', { type: 'button', class: 'launcher', 'aria-expanded': 'false', 'aria-controls': 'sb-panel', 'aria-label': say('launcher.open') },
    icon('i-chat', ['M5 5.5h14a1.5 1.5 0 0 1 1.5 1.5v8.5a1.5 1.5 0 0 1-1.5 1.5h-7l-4.5 3.5V17H5a1.5 1.5 0 0 1-1.5-1.5V7A1.5 1.5 0 0 1 5 5.5z', 'M8 10.5h8M8 13.5h5']),
    icon('i-close', ['M6 6l12 12M18 6L6 18']), badge);
  const status = el('span', { class: 'sr-only', role: 'status' });
  const spinner = () => el('span', { class: 'spinner', 'aria-hidden': 'true' });
  const boot = el('div', { class: 'center' }, spinner(), status);
  const root = el('div', { class: 'root' });
  // Until the panel's code is in: the inbox's name and a way out (on a phone it fills the screen).
  const bootName = el('span');
  const bootClose = el('button', { type: 'button', 'aria-label': say('launcher.close') }, icon('', ['M6 6l12 12M18 6L6 18']));
  const bootHead = el('div', { class: 'boot-head' }, bootName, bootClose);
  const panel = el('div', { id: 'sb-panel', class: 'panel', role: 'dialog', 'aria-modal': 'false', hidden: '' }, bootHead, boot, root);
  shadow.append(panel, launcher);

  let inbox = null;
  let app = null;
  let loading = null;
  let isOpen = false;
  let unread = 0;

  const hasToken = () => {
    try {
      return !!JSON.parse(localStorage.getItem(KEY) || '{}').token;
    } catch {
      return false;
    }
  };
  const remember = (open) => {
    try {
      if (open) sessionStorage.setItem(`${KEY}.open`, '1');
      else sessionStorage.removeItem(`${KEY}.open`);
    } catch {
      /* no storage: the panel starts shut on the next page */
    }
  };
  function label() {
    const name = say(isOpen ? 'launcher.close' : 'launcher.open');
    launcher.setAttribute('aria-label', unread && !isOpen ? `${name} (${say('launcher.unread', unread)})` : name);
  }
  function setAccent(color) {
    color = accent(color);
    host.style.setProperty('--sb-accent', color);
    host.style.setProperty('--sb-on-accent', onAccent(color));
  }
  function setUnread(n) {
    unread = n;
    badge.textContent = n > 99 ? '99+' : String(n);
    badge.hidden = !n;
    label();
  }

  /** Loads the panel's code once; later calls share the same answer. */
  function load() {
    if (!loading) {
      status.textContent = say('launcher.loading');
      const context = {
        shadow, root, origin, base, inboxId, lang, inbox,
        customerId: data.customerId || '', customerSignature: data.customerSignature || '',
        close, setUnread, setAccent,
      };
      // A module script from the desk's origin (served with CORS); its imports resolve
      // against its own URL, not the host page's.
      loading = import(`${base}app.js`)
        .then((m) => m.mount(context))
        .then((a) => {
          app = a;
          bootHead.remove();
          boot.remove();
          return a;
        }, (err) => {
          loading = null;
          throw err;
        });
    }
    return loading;
  }

  function failed() {
    const retry = el('button', { type: 'button', class: 'secondary' }, say('launcher.retry'));
    retry.addEventListener('click', () => {
      boot.replaceChildren(spinner(), status);
      open({ again: true });
    });
    boot.replaceChildren(el('p', { role: 'alert' }, say('launcher.failed')), retry);
    retry.focus();
  }

  /** Opens the panel; `again` after a failed load, `quiet` (a page that restores it) leaves the focus be. */
  async function open({ again = false, quiet = false } = {}) {
    if (isOpen && !again) return;
    isOpen = true;
    panel.hidden = false;
    launcher.setAttribute('aria-expanded', 'true');
    label();
    remember(true);
    try {
      (await load()).opened(!quiet);
    } catch (err) {
      console.warn('Switchboard widget:', err);
      if (isOpen) failed();
    }
  }

  function close() {
    if (!isOpen) return;
    isOpen = false;
    panel.hidden = true;
    launcher.setAttribute('aria-expanded', 'false');
    label();
    remember(false);
    app?.closed();
    launcher.focus({ preventScroll: true });
  }

  bootClose.addEventListener('click', () => close());
  const toggle = () => (isOpen ? close() : open());
  launcher.addEventListener('click', toggle);
  // Start fetching the panel's code as soon as the customer reaches for the button.
  for (const name of ['pointerenter', 'focus', 'touchstart']) launcher.addEventListener(name, () => load().catch(() => {}), { once: true, passive: true });
  shadow.addEventListener('keydown', (e) => {
    if (e.key === 'Escape' && isOpen && !e.defaultPrevented) {
      e.preventDefault();
      close();
    }
  });

  window.SwitchboardWidget = Object.freeze({ open: () => open(), close, toggle });

  async function start() {
    let response;
    try {
      response = await fetch(`${origin}/api/widget/v1/inboxes/${encodeURIComponent(inboxId)}`, { credentials: 'omit' });
    } catch {
      console.warn('Switchboard widget: the desk cannot be reached.');
      return;
    }
    if (!response.ok) {
      console.warn(`Switchboard widget: inbox ${inboxId} answered ${response.status}; is it a live-chat inbox?`);
      return;
    }
    inbox = await response.json();
    const known = hasToken();
    // Nobody there and the inbox says hide: no launcher (unless this visitor has a chat).
    if (!inbox.available && inbox.offline === 'hide' && !known) return;
    setAccent(inbox.color);
    panel.setAttribute('aria-label', inbox.name || say('launcher.open'));
    bootName.textContent = inbox.name || '';
    document.documentElement.append(host);
    let wasOpen = false;
    try {
      wasOpen = sessionStorage.getItem(`${KEY}.open`) === '1';
    } catch {
      /* no storage */
    }
    if (wasOpen) open({ quiet: true });
    else if (known) (window.requestIdleCallback || setTimeout)(() => load().catch(() => {}));
  }

  start();
})();
