// keys.js — keyboard shortcuts, active when no field has the focus (so they never take a key
// from typing, and none is a key the browser owns): j / k next and previous conversation,
// r reply, a accept the first offer, c close, s search, ? this list.

import { html, signal, useEffect, useRef } from '/common/html.js';
import { t } from '/common/i18n.js';
import * as s from './state.js';

export const helpOpen = signal(false);

const SHORTCUTS = [
  ['j', 'keys.next'],
  ['k', 'keys.previous'],
  ['r', 'keys.reply'],
  ['a', 'keys.accept'],
  ['c', 'keys.close'],
  ['s', 'keys.search'],
  ['?', 'keys.help'],
];

function typing(el) {
  return el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

function move(step) {
  const list = s.items.value;
  if (!list.length) return;
  const i = list.findIndex((c) => c.id === s.selectedId.value);
  const next = list[i < 0 ? 0 : Math.max(0, Math.min(list.length - 1, i + step))];
  s.open(next.id);
  requestAnimationFrame(() => document.getElementById(`conv-${next.id}`)?.scrollIntoView({ block: 'nearest' }));
}

/** Into the composer; when it is still on its way (the pane's code or the conversation is
 * loading), it takes the focus as it comes. */
function reply() {
  const box = document.getElementById('composer-text');
  if (box) box.focus();
  else if (s.selectedId.value) s.replyWanted.value = true;
}

function onKey(e) {
  // Escape leaves a field (the composer keeps its draft), so the shortcuts work again; inside
  // a dialog it is the dialog's.
  if (e.key === 'Escape' && typing(e.target) && !e.target.closest('dialog') && !e.defaultPrevented) {
    e.target.blur();
    return;
  }
  if (e.ctrlKey || e.metaKey || e.altKey || typing(e.target)) return;
  const click = (selector) => document.querySelector(selector)?.click();
  const actions = {
    j: () => move(1),
    k: () => move(-1),
    r: reply,
    a: () => click('.offer .btn-primary'),
    c: () => click('[data-action=close]'),
    s: () => click('[data-view=search]'),
    '?': () => (helpOpen.value = true),
  };
  const act = actions[e.key];
  if (act) {
    e.preventDefault();
    act();
  }
}

/** Starts listening; returns the function that stops. */
export function listen() {
  document.addEventListener('keydown', onKey);
  return () => document.removeEventListener('keydown', onKey);
}

export function Help() {
  const ref = useRef(null);
  // Read while rendering, so that a change renders this again.
  const open = helpOpen.value;
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (open && !d.open) d.showModal();
    if (!open && d.open) d.close();
  }, [open]);
  return html`<dialog ref=${ref} class="help card" aria-labelledby="help-title" onClose=${() => (helpOpen.value = false)}>
    <h2 id="help-title">${t('keys.title')}</h2>
    <dl class="keys">
      ${SHORTCUTS.map(([k, label]) => html`<dt><kbd>${k}</kbd></dt><dd>${t(label)}</dd>`)}
    </dl>
    <p class="hint">${t('keys.note')}</p>
    <form method="dialog"><button class="btn btn-primary btn-sm" type="submit" autofocus>${t('keys.done')}</button></form>
  </dialog>`;
}
