// composer.js — the customer's composer: a growing box, files, the emoji picker, send with Enter,
// and the typing signal (at most every 3 s, stopped on send).

import { html, Component, createRef, Clip, Smile, Send, Close } from './kit.js';
import * as s from './store.js';
import { signal } from './store.js';
import * as desk from './desk.js';
import { tx, rows, TypingSignal } from './text.js';

const box = createRef();
const picker = createRef();
const fileInput = createRef();

const typing = new TypingSignal((active) => {
  const c = s.conversation.value;
  if (!c || c.status !== 'open' || !desk.token()) return;
  desk.call('POST', `/conversations/${c.id}/typing`, { active }).catch(() => {});
});

/** Lets the box grow with its text, up to five lines or so. */
function fit(el) {
  el.style.height = 'auto';
  el.style.height = `${Math.min(el.scrollHeight, 132)}px`;
}

function edit(e) {
  s.draft.value = e.target.value;
  fit(e.target);
  typing.input(e.target.value);
}

function submit(e) {
  e?.preventDefault();
  const text = s.draft.value.trim();
  const limit = s.inbox.value.max_message_chars || Infinity;
  if ((!text && !s.files.value.some((f) => f.id)) || desk.uploading() || text.length > limit) return;
  typing.stop();
  const files = desk.takeFiles();
  s.draft.value = '';
  s.emojiOpen.value = false;
  if (box.current) {
    box.current.value = '';
    fit(box.current);
    box.current.focus();
  }
  desk.send(text, files);
}

function keys(e) {
  if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) submit(e);
}

function insert(emoji) {
  const el = box.current;
  const text = s.draft.value;
  const at = el ? el.selectionStart : text.length;
  const end = el ? el.selectionEnd : at;
  // Each signal write redraws at once (app.js), so the picker is gone when these return.
  s.draft.value = text.slice(0, at) + emoji + text.slice(end);
  s.emojiOpen.value = false;
  if (!el) return;
  el.focus();
  el.setSelectionRange(at + emoji.length, at + emoji.length);
  typing.input(el.value);
}

function closePicker() {
  s.emojiOpen.value = false;
  picker.current?.focus();
}

function pick(e) {
  desk.addFiles([...e.target.files]);
  e.target.value = '';
}

function paste(e) {
  const list = [...(e.clipboardData?.files || [])];
  if (list.length) {
    e.preventDefault();
    desk.addFiles(list);
  }
}

/** The emoji picker's set: faces and signs people use in support chats, 8 to a row. */
const EMOJI = [
  '😀', '😄', '😊', '🙂', '😉', '😍', '🥰', '😎',
  '🤔', '😅', '😂', '🙃', '😮', '😢', '😭', '😡',
  '👍', '👎', '👏', '🙏', '👋', '🤝', '💪', '👌',
  '❤️', '🎉', '✨', '🔥', '✅', '❌', '⭐', '💡',
  '📦', '🚚', '💳', '🧾', '📎', '📷', '⏰', '🎁',
];
const COLUMNS = 8;

/** The emoji grid: arrow keys move, Enter or a click inserts at the caret, Escape closes it. */
class EmojiPicker extends Component {
  constructor() {
    super();
    this.grid = createRef();
  }

  componentDidMount() {
    this.grid.current?.querySelector('button')?.focus();
  }

  keys(e) {
    const buttons = [...this.grid.current.querySelectorAll('button')];
    const at = buttons.indexOf(e.target);
    const move = { ArrowRight: 1, ArrowLeft: -1, ArrowDown: COLUMNS, ArrowUp: -COLUMNS }[e.key];
    if (move && at >= 0) {
      e.preventDefault();
      buttons[Math.min(buttons.length - 1, Math.max(0, at + move))].focus();
    } else if (e.key === 'Escape') {
      e.preventDefault();
      e.stopPropagation();
      this.props.onClose();
    }
  }

  render({ onPick }) {
    return html`<div class="emoji-pop" role="group" aria-label=${tx('composer.emoji')} ref=${this.grid} onKeyDown=${(e) => this.keys(e)}>
      ${EMOJI.map((e, i) => html`<button type="button" class="emoji" tabindex=${i ? -1 : 0} onClick=${() => onPick(e)}>${e}</button>`)}
    </div>`;
  }
}

export function Composer() {
  const text = s.draft.value;
  const limit = s.inbox.value.max_message_chars || Infinity;
  const over = text.trim().length > limit;
  const ready = (text.trim() || s.files.value.some((f) => f.id)) && !desk.uploading() && !over;
  return html`<form class="composer" onSubmit=${submit}>
    ${s.files.value.length > 0 && html`<ul class="chips" aria-label=${tx('upload.files')}>
      ${s.files.value.map((f) => html`<li class=${`chip${f.busy ? ' busy' : ''}`} key=${f.key}>
        <span class="chip-name">${f.busy ? tx('upload.sending', { name: f.name }) : f.name}</span>
        <button type="button" class="chip-x" aria-label=${tx('upload.remove', { name: f.name })} onClick=${() => desk.removeFile(f.key)}><${Close} /></button>
      </li>`)}
    </ul>`}
    ${s.fileErrors.value.map((m) => html`<p class="inline-error" role="alert">${m}</p>`)}
    ${s.notice.value && html`<p class="inline-error" role="alert">${s.notice.value}</p>`}
    ${s.emojiOpen.value && html`<${EmojiPicker} onPick=${insert} onClose=${closePicker} />`}
    <div class="compose-row">
      <textarea ref=${box} rows="1" class="compose-box" aria-label=${tx('composer.label')} placeholder=${tx('composer.placeholder')}
        value=${text} onInput=${edit} onKeyDown=${keys} onPaste=${paste} aria-invalid=${over ? 'true' : undefined}></textarea>
      <button type="button" class="tool" aria-label=${tx('composer.attach')} onClick=${() => fileInput.current?.click()}><${Clip} /></button>
      <input ref=${fileInput} type="file" multiple hidden onChange=${pick} />
      <button type="button" class="tool" ref=${picker} aria-label=${tx('composer.emoji')} aria-expanded=${String(s.emojiOpen.value)}
        onClick=${() => (s.emojiOpen.value = !s.emojiOpen.value)}><${Smile} /></button>
      <button type="submit" class="send" aria-label=${tx('composer.send')} disabled=${!ready}><${Send} /></button>
    </div>
    ${limit !== Infinity && text.length > limit * 0.8 && html`<p class=${`count${over ? ' over' : ''}`} aria-live="polite">
      ${over ? tx('composer.over', { count: text.trim().length - limit }) : tx('composer.left', { count: limit - text.trim().length })}</p>`}
  </form>`;
}
