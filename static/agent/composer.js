// composer.js — writing a reply or an internal note. Enter sends, Ctrl+Enter (or
// Shift+Enter) adds a line. A draft is kept per conversation and mode in localStorage, so
// it survives switching conversations and reloading; a failed send keeps the text and says
// why, in the server's words.

import { html, useState, useEffect, useRef } from '/common/html.js';
import { t } from '/common/i18n.js';
import { describe } from './login.js';
import * as s from './state.js';
import { CannedList, CannedChosen, loadCanned, matches } from './canned.js';

const DRAFTS = 'switchboard.drafts';

function drafts() {
  try {
    return JSON.parse(localStorage.getItem(DRAFTS) || '{}');
  } catch {
    return {};
  }
}

/** Saves (or, for empty text, forgets) the draft of a conversation and mode. */
export function saveDraft(id, mode, text) {
  const all = drafts();
  const key = `${id}:${mode}`;
  if (text) all[key] = text;
  else delete all[key];
  try {
    localStorage.setItem(DRAFTS, JSON.stringify(all));
  } catch {
    /* storage full or disabled: the draft lives in the page only */
  }
}

export function Composer({ c }) {
  const [mode, setMode] = useState('reply');
  const [text, setText] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);
  /** A canned response picked to send, and the highlighted entry of the `/` list. */
  const [canned, setCanned] = useState(null);
  const [active, setActive] = useState(0);
  const box = useRef(null);
  useEffect(loadCanned, []);
  // Each conversation and mode brings back its own draft.
  useEffect(() => {
    setText(drafts()[`${c.id}:${mode}`] || '');
    setError('');
    setCanned(null);
  }, [c.id, mode]);
  const list = mode === 'reply' && !canned ? matches(text) : null;

  function pick(response) {
    setCanned(response);
    edit('');
    setActive(0);
    box.current?.focus();
  }

  function edit(value) {
    setText(value);
    saveDraft(c.id, mode, value);
  }

  async function send() {
    const body = text.trim();
    if ((!body && !canned) || busy) return;
    setBusy(true);
    setError('');
    try {
      await s.send(c.id, mode, canned ? { canned_response_id: canned.id } : { text });
      setText('');
      setCanned(null);
      saveDraft(c.id, mode, '');
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
      box.current?.focus();
    }
  }

  function keys(e) {
    if (list && list.length) {
      if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
        e.preventDefault();
        setActive((active + (e.key === 'ArrowDown' ? 1 : list.length - 1)) % list.length);
        return;
      }
      if (e.key === 'Enter' || e.key === 'Tab') {
        e.preventDefault();
        pick(list[Math.min(active, list.length - 1)]);
        return;
      }
    }
    if (e.key === 'Escape' && (list || canned)) {
      e.preventDefault();
      setCanned(null);
      edit('');
      return;
    }
    if (e.key !== 'Enter' || e.isComposing) return;
    if (e.ctrlKey || e.shiftKey) {
      if (e.ctrlKey) {
        // A textarea adds no line on Ctrl+Enter: add it where the caret is, at once, so that
        // what is typed next follows it.
        e.preventDefault();
        const el = e.target;
        const at = el.selectionStart;
        el.value = `${el.value.slice(0, at)}\n${el.value.slice(el.selectionEnd)}`;
        el.setSelectionRange(at + 1, at + 1);
        edit(el.value);
      }
      return;
    }
    e.preventDefault();
    send();
  }

  const note = mode === 'note';
  return html`<div class=${`composer${note ? ' is-note' : ''}`}>
    <div class="composer-modes" role="radiogroup" aria-label=${t('composer.mode')}>
      ${['reply', 'note'].map((m) => html`<button type="button" role="radio" aria-checked=${String(mode === m)}
        class=${`mode${mode === m ? ' is-on' : ''}`} onClick=${() => setMode(m)}>${t(`composer.${m}`)}</button>`)}
    </div>
    <${CannedList} items=${list} active=${active} onPick=${pick} />
    ${canned && html`<${CannedChosen} c=${canned} onDrop=${() => setCanned(null)} />`}
    <label class="sr-only" for="composer-text">${note ? t('composer.note_label') : t('composer.reply_label')}</label>
    <textarea id="composer-text" ref=${box} rows="3" value=${text} disabled=${busy} readOnly=${Boolean(canned)}
      role=${list ? 'combobox' : undefined} aria-expanded=${list ? 'true' : undefined} aria-controls=${list ? 'canned-list' : undefined}
      aria-activedescendant=${list && list[active] ? `canned-${list[active].id}` : undefined}
      placeholder=${canned ? t('composer.canned_placeholder') : note ? t('composer.note_placeholder') : t('composer.reply_placeholder')}
      onInput=${(e) => edit(e.target.value)} onKeyDown=${keys} />
    ${error && html`<p class="action-error" role="alert">${error}</p>`}
    <div class="composer-foot">
      <span class="hint">${t('composer.hint')}</span>
      <button class="btn btn-primary btn-sm" type="button" disabled=${busy || (!text.trim() && !canned)} onClick=${send}>
        ${note ? t('composer.add_note') : t('composer.send')}
      </button>
    </div>
  </div>`;
}
