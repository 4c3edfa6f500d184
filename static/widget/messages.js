// messages.js — the conversation as bubbles, in an ARIA live log that follows new replies.

import { html, Component, createRef } from './kit.js';
import * as s from './store.js';
import * as actions from './actions.js';
import { tx, currentLang } from './i18n.js';
import { rows, parts, clock, day, initials } from './text.js';
import { Attachment } from './attachment.js';
import { Bubble as BubbleIcon, Alert } from './icons.js';

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
            <button type="button" class="link" onClick=${() => actions.retry(p.key)}>${tx('message.retry')}</button>
            <button type="button" class="link" onClick=${() => actions.discard(p.key)}>${tx('message.discard')}</button></span>`
        : html`<span class="time">${tx('message.sending')}</span>`}
    </div>
  </li>`;
}

function Greeting() {
  const i = s.inbox.value;
  return html`<li class="greeting">
    <span class="avatar big" aria-hidden="true"><${BubbleIcon} /></span>
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
    actions.loadOlder();
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
