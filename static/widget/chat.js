// chat.js — the conversation: its messages as bubbles in an ARIA live log that follows new replies,
// and their files (fetched with the token as blob URLs: an <img src> cannot send a header).

import { html, Component, createRef, Bubble, Alert, FileIcon, Download } from './kit.js';
import * as s from './store.js';
import { signal } from './store.js';
import * as desk from './desk.js';
import { tx, currentLang, rows, parts, clock, day, initials, bytes } from './text.js';

/** Message text with its web links drawn as links (opened in a new tab), the rest as text. */
function Text({ text }) {
  if (!text) return null;
  return html`<p class="text">${parts(text).map((p) =>
    p.href ? html`<a href=${p.href} target="_blank" rel="noopener noreferrer nofollow">${p.text}</a>` : p.text,
  )}</p>`;
}

function Row({ m, first, last, lang }) {
  const mine = m.from === 'customer';
  const who = mine ? '' : m.author_name || (m.from === 'bot' ? tx('message.bot') : s.inbox.value.name);
  return html`<li class=${`msg ${mine ? 'mine' : 'theirs'}${first ? ' first' : ''}${last ? ' last' : ''}`}>
    ${!mine && html`<span class="avatar small" aria-hidden="true">${last ? initials(who) : ''}</span>`}
    <div class="msg-body">
      ${first && !mine && html`<span class="author">${who}</span>`}
      <span class="sr-only">${mine ? tx('message.you') : who}: </span>
      <div class="bubble">
        <${Text} text=${m.text} />
        ${m.attachments?.length > 0 && html`<div class="atts">${m.attachments.map((a) => html`<${Attachment} key=${a.id} a=${a} />`)}</div>`}
      </div>
      ${last && html`<time class="time" datetime=${m.created_at}>${clock(m.created_at, lang)}</time>`}
    </div>
  </li>`;
}

function Pending({ p }) {
  return html`<li class=${`msg mine last pending${p.failed ? ' failed' : ''}`}>
    <div class="msg-body">
      <span class="sr-only">${tx('message.you')}: </span>
      <div class="bubble">
        <${Text} text=${p.text} />
        ${p.attachments.length > 0 && html`<div class="atts">${p.attachments.map((a) => html`<span class="att-file att-chip">${a.name}</span>`)}</div>`}
      </div>
      ${p.failed
        ? html`<span class="time error"><${Alert} /> ${p.error}
            <button type="button" class="link" onClick=${() => desk.retry(p.key)}>${tx('message.retry')}</button>
            <button type="button" class="link" onClick=${() => desk.discard(p.key)}>${tx('message.discard')}</button></span>`
        : html`<span class="time">${tx('message.sending')}</span>`}
    </div>
  </li>`;
}

function Greeting() {
  const i = s.inbox.value;
  return html`<li class="greeting">
    <span class="avatar big" aria-hidden="true"><${Bubble} /></span>
    <p class="greeting-title">${i.greeting || tx('empty.greeting')}</p>
    <p class="greeting-note">${i.available ? tx('empty.available') : tx('empty.away')}</p>
  </li>`;
}

/** "Ana is typing…" with three dots, outside the log so it is not read out each time. */
export function Typing() {
  const who = s.agentTyping.value;
  if (!who) return null;
  return html`<div class="typing" role="status">
    <span class="dots" aria-hidden="true"><i></i><i></i><i></i></span>
    ${who.name ? tx('typing.named', { name: who.name }) : tx('typing.someone')}
  </div>`;
}

export class MessageList extends Component {
  constructor() {
    super();
    this.box = createRef();
  }

  componentDidMount() {
    this.toBottom();
    // The list also shrinks when the composer grows or the typing hint shows: stay at the end.
    this.resized = new ResizeObserver(() => this.atBottom && this.toBottom());
    this.resized.observe(this.box.current);
  }

  componentWillUnmount() {
    this.resized?.disconnect();
  }

  scrolled() {
    const el = this.box.current;
    // Our own jump to the end scrolls too; only the customer's scrolling moves us off it.
    if (el.scrollTop === this.jumpedTo) return;
    this.atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 80;
  }

  getSnapshotBeforeUpdate() {
    const el = this.box.current;
    if (!el) return null;
    return { fromBottom: el.scrollHeight - el.scrollTop - el.clientHeight, height: el.scrollHeight, top: el.scrollTop };
  }

  componentDidUpdate(props, state, before) {
    const el = this.box.current;
    if (!el || !before) return;
    if (this.grewAbove) {
      // Older messages came in above: stay on the message the customer was reading.
      el.scrollTop = before.top + (el.scrollHeight - before.height);
      this.grewAbove = false;
    } else if (before.fromBottom < 80 || this.pendingCount !== s.pending.value.length) this.toBottom();
    this.pendingCount = s.pending.value.length;
  }

  toBottom() {
    const el = this.box.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    this.jumpedTo = el.scrollTop;
    this.atBottom = true;
  }

  older() {
    this.grewAbove = true;
    desk.loadOlder();
  }

  render() {
    const lang = currentLang();
    const list = s.messages.value;
    const waiting = s.pending.value;
    const c = s.conversation.value;
    const now = Date.now();
    return html`<div class="log" ref=${this.box} onScroll=${() => this.scrolled()} role="log" aria-live="polite" aria-label=${tx('log.label')} tabindex="0">
      ${s.older.value && html`<button type="button" class="older" disabled=${s.loadingOlder.value} onClick=${() => this.older()}>
        ${s.loadingOlder.value ? tx('log.loading_older') : tx('log.older')}</button>`}
      <ol class="msgs">
        ${!s.older.value && html`<${Greeting} />`}
        ${rows(list).map((r) =>
          r.day
            ? html`<li class="day" key=${r.key}><span>${day(r.day, now, lang)}</span></li>`
            : html`<${Row} key=${r.key} m=${r.message} first=${r.first} last=${r.last} lang=${lang} />`,
        )}
        ${waiting.map((p) => html`<${Pending} key=${p.key} p=${p} />`)}
      </ol>
      ${s.awaySentTo.value && html`<p class="note ok">${tx('away.sent', { email: s.awaySentTo.value })}</p>`}
      ${c?.status === 'closed' && html`<p class="note">${tx('closed.note')}</p>`}
      ${c?.rating && html`<p class="note ok">${tx('rating.thanks', { score: c.rating.score })}</p>`}
    </div>`;
  }
}

// ---- files in messages: images inline, other files saved on request ----

/** What the widget knows of each attachment, by id: `{ busy }`, `{ url }` or `{ error }`. */
const got = signal({});
/** The fetches, by id: each file is fetched once and resolves to its blob URL (or null). */
const fetches = new Map();

function note(id, value) {
  got.value = { ...got.value, [id]: value };
}

function fetchOnce(id) {
  if (!fetches.has(id)) {
    note(id, { busy: true });
    const answer = desk.blob(id).then(
      (b) => {
        const url = URL.createObjectURL(b);
        note(id, { url });
        return url;
      },
      (err) => {
        fetches.delete(id); // asked again, it is fetched again
        note(id, { error: desk.describe(err) });
        return null;
      },
    );
    fetches.set(id, answer);
  }
  return fetches.get(id);
}

/** Saves a file: fetched (once), then handed to the browser as a download. */
async function save(a, event) {
  const host = event.currentTarget.parentNode;
  const url = await fetchOnce(a.id);
  if (!url) return;
  const link = document.createElement('a');
  link.href = url;
  link.download = a.name || 'file';
  link.hidden = true;
  host.append(link);
  link.click();
  link.remove();
}

const isImage = (a) => /^image\/(png|jpe?g|gif|webp|avif|bmp)$/i.test(a.content_type || '');

function Attachment({ a }) {
  const file = got.value[a.id];
  if (isImage(a)) {
    // Asked for during the render; the answer lands in a signal, which redraws.
    if (!file) queueMicrotask(() => fetchOnce(a.id));
    if (file?.url) {
      return html`<a class="att-image" href=${file.url} target="_blank" rel="noopener" title=${a.name}>
        <img src=${file.url} alt=${a.name} /></a>`;
    }
    if (file?.error) return html`<span class="att-file att-missing">${tx('attachment.unavailable', { name: a.name })}</span>`;
    return html`<span class="att-image att-loading" role="img" aria-label=${tx('attachment.loading', { name: a.name })}></span>`;
  }
  const size = bytes(a.size || 0, currentLang());
  return html`<span class="att-file">
    <span class="att-icon"><${FileIcon} /></span>
    <span class="att-meta"><span class="att-name">${a.name}</span><span class="att-size">${file?.error || size}</span></span>
    <button type="button" class="att-save" aria-label=${tx('attachment.save', { name: a.name })} onClick=${(e) => save(a, e)}>
      ${file?.busy ? html`<span class="mini-spinner" aria-hidden="true"></span>` : html`<${Download} />`}
    </button>
  </span>`;
}
