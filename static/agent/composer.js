// composer.js — writing a reply or an internal note. Enter sends, Ctrl+Enter (or
// Shift+Enter) adds a line. A draft is kept per conversation and mode in localStorage, so
// it survives switching conversations and reloading; a failed send keeps the text and says
// why, in the server's words. While a reply is typed the customer is told so (typing.js);
// a note never is.

import { html, useState, useEffect, useRef } from '/common/html.js';
import { t } from '/common/i18n.js';
import { describe } from '/common/problem.js';
import * as s from './state.js';
import { CannedList, CannedChosen, matches } from './canned.js';
import { useUploads, Uploads, AttachButtons } from './uploads.js';
import { VoiceRecorder } from './voice.js';
import { EMOJI } from './entry.js';

const MORE_EMOJI = [...EMOJI, '😊', '😉', '🙂', '😅', '😢', '👋', '✅', '⭐', '📦', '💳', '📎', '🚚'];

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
  const [emoji, setEmoji] = useState(false);
  const box = useRef(null);
  const u = useUploads();
  // Each conversation and mode brings back its own draft.
  useEffect(() => {
    setText(drafts()[`${c.id}:${mode}`] || '');
    setError('');
    setCanned(null);
    u.clear();
    // Another conversation, a note, or the composer gone: the customer no longer sees typing.
    return () => s.typingSender.stopped();
  }, [c.id, mode]);
  // `r` pressed before this was on screen.
  useEffect(() => {
    if (s.replyWanted.value) {
      s.replyWanted.value = false;
      box.current?.focus();
    }
  }, []);
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
    s.typingSender.typed(c.id, mode, value);
  }

  function insert(piece) {
    const el = box.current;
    const at = el ? el.selectionStart : text.length;
    const value = `${text.slice(0, at)}${piece}${text.slice(el ? el.selectionEnd : at)}`;
    edit(value);
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at + piece.length, at + piece.length);
    });
  }

  async function send() {
    const body = text.trim();
    const files = u.ids();
    if ((!body && !canned && !files.length) || busy || u.busy()) return;
    setBusy(true);
    setError('');
    try {
      const what = canned ? { canned_response_id: canned.id } : body ? { text } : {};
      if (files.length) what.attachments = files;
      if (s.replyTo.value?.conversation_id === c.id) what.reply_to = s.replyTo.value.id;
      await s.send(c.id, mode, what);
      s.typingSender.stopped();
      setText('');
      setCanned(null);
      u.clear();
      s.replyTo.value = null;
      saveDraft(c.id, mode, '');
    } catch (err) {
      setError(describe(err));
    } finally {
      setBusy(false);
      box.current?.focus();
    }
  }

  function keys(e) {
    // While a message is on its way the box is read-only: no new line, no second send.
    if (busy) {
      if (e.key === 'Enter') e.preventDefault();
      return;
    }
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
  const quoting = s.replyTo.value?.conversation_id === c.id ? s.replyTo.value : null;
  // Files dropped or pasted while sending would be cleared with the sent ones.
  const drop = (e) => {
    if (!e.dataTransfer?.files?.length || busy) return;
    e.preventDefault();
    u.add([...e.dataTransfer.files]);
  };
  const paste = (e) => {
    const files = [...(e.clipboardData?.files || [])];
    if (files.length && !busy) {
      e.preventDefault();
      u.add(files);
    }
  };
  return html`<div class=${`composer${note ? ' is-note' : ''}`} onDragOver=${(e) => e.preventDefault()} onDrop=${drop}>
    <div class="composer-modes" role="radiogroup" aria-label=${t('composer.mode')}>
      ${['reply', 'note'].map((m) => html`<button type="button" role="radio" aria-checked=${String(mode === m)}
        class=${`mode${mode === m ? ' is-on' : ''}`} onClick=${() => setMode(m)}>${t(`composer.${m}`)}</button>`)}
    </div>
    ${quoting && html`<div class="replying" role="status"><span class="muted">${t('composer.replying')}</span>
      <span class="replying-text">${quoting.text}</span>
      <button type="button" class="btn btn-link" onClick=${() => (s.replyTo.value = null)}>${t('action.cancel')}</button></div>`}
    <${CannedList} items=${list} active=${active} onPick=${pick} />
    ${canned && html`<${CannedChosen} c=${canned} onDrop=${() => setCanned(null)} />`}
    <label class="sr-only" for="composer-text">${note ? t('composer.note_label') : t('composer.reply_label')}</label>
    <textarea id="composer-text" ref=${box} rows="3" value=${text} readOnly=${busy || Boolean(canned)} aria-busy=${busy ? 'true' : undefined}
      role=${list ? 'combobox' : undefined} aria-expanded=${list ? 'true' : undefined} aria-controls=${list ? 'canned-list' : undefined}
      aria-activedescendant=${list && list[active] ? `canned-${list[active].id}` : undefined}
      placeholder=${canned ? t('composer.canned_placeholder') : note ? t('composer.note_placeholder') : t('composer.reply_placeholder')}
      onInput=${(e) => edit(e.target.value)} onKeyDown=${keys} onPaste=${paste} />
    <${Uploads} u=${u} />
    ${emoji && html`<div class="palette palette-wide" role="group" aria-label=${t('composer.emoji')}>
      ${MORE_EMOJI.map((e) => html`<button type="button" onClick=${() => insert(e)}>${e}</button>`)}</div>`}
    ${error && html`<p class="action-error" role="alert">${error}</p>`}
    <div class="composer-foot">
      <div class="row">
        <button type="button" class="btn btn-secondary btn-sm" aria-expanded=${String(emoji)} aria-label=${t('composer.emoji')}
          onClick=${() => setEmoji(!emoji)}>☺</button>
        <${AttachButtons} u=${u} />
        <${VoiceRecorder} onRecorded=${(file) => u.add([file], 'voice')} />
        <span class="hint">${t('composer.hint')}</span>
      </div>
      <button class="btn btn-primary btn-sm" type="button" disabled=${busy || (!text.trim() && !canned && !u.files.length)} onClick=${send}>
        ${note ? t('composer.add_note') : t('composer.send')}
      </button>
    </div>
  </div>`;
}
