// app.js — the panel, loaded by widget.js: mount() styles it, starts the session and draws it; one
// effect redraws the whole panel when a signal it read changes (no hooks). Here too: its header,
// its states, the pre-chat and away forms, and the stars after the chat; the chat is chat.js.

import { html, render, Component, createRef, Close, Alert, Bubble, Mail, Star } from './kit.js';
import * as s from './store.js';
import { effect, signal } from './store.js';
import * as desk from './desk.js';
import { tx, loadStrings, initials } from './text.js';
import { CSS } from './styles.js';
import { MessageList, Typing } from './chat.js';
import { Composer } from './composer.js';

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
    if (at > s.seenAt.peek()) {
      s.seenAt.value = at;
      desk.markSeen(latest);
    }
  });
  // Another tab read the replies, or began or ended a session: follow it.
  window.addEventListener('storage', (e) => {
    if (e.key !== desk.tokenKey()) return;
    if (desk.reread()) {
      // Its token is now this tab's too: listen and show with it.
      desk.disconnect();
      desk.reload().then(desk.connect);
    }
    if (desk.seen()) s.seenAt.value = Math.max(s.seenAt.value, new Date(desk.seen()).getTime());
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
  desk.configure(host.origin, host.inboxId, s.config.customerId);
  if (host.inbox) s.inbox.value = host.inbox;
  style(host.shadow);
  effect(() => host.setAccent(s.inbox.value?.color));
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
  if (desk.token()) await desk.start();
  const focusFirst = () => {
    const first = host.root.querySelector('.compose-box, .start input, .start textarea, .rating input, .problem button');
    (first || host.root.querySelector('.head-close'))?.focus({ preventScroll: true });
  };
  return {
    /** The panel is shown; `focus` moves the focus into it (not when a reload restores it). */
    async opened(focus = true) {
      s.isOpen.value = true;
      if (s.phase.value !== 'ready') await desk.start();
      else desk.refreshInbox().catch(() => {});
      if (focus) requestAnimationFrame(focusFirst);
    },
    closed() {
      s.isOpen.value = false;
      s.emojiOpen.value = false;
    },
  };
}

// ---- the panel: a header in the inbox colour, then loading, a problem, a form or the chat ----

function status() {
  const c = s.conversation.value;
  const i = s.inbox.value;
  if (c?.status === 'open' && c.agent_name) return { on: true, text: tx('status.agent', { name: c.agent_name }) };
  if (c?.status === 'closed') return { on: false, text: tx('status.closed') };
  return i?.available ? { on: true, text: tx('status.online') } : { on: false, text: tx('status.away') };
}

function Header() {
  const i = s.inbox.value;
  const c = s.conversation.value;
  const st = i ? status() : null;
  const agent = c?.status === 'open' ? c.agent_name : '';
  return html`<header class="head">
    <span class="avatar head-avatar" aria-hidden="true">${agent ? initials(agent) : html`<${Bubble} />`}</span>
    <div class="head-text">
      <h2 class="title" id="sb-title">${i ? i.name : tx('panel.title')}</h2>
      ${st && html`<p class="status"><span class=${`dot${st.on ? ' on' : ''}`}></span>${st.text}</p>`}
    </div>
    <button type="button" class="head-close" aria-label=${tx('panel.close')} onClick=${() => s.config.host.close()}><${Close} /></button>
  </header>`;
}

function Loading() {
  return html`<div class="center" role="status"><span class="spinner" aria-hidden="true"></span><span class="sr-only">${tx('panel.loading')}</span></div>`;
}

function Problem() {
  return html`<div class="center problem" role="alert">
    <span class="problem-icon"><${Alert} /></span>
    <p>${s.fatal.value}</p>
    ${s.fatalDetail.value && html`<p class="problem-detail">${tx('error.details', { detail: s.fatalDetail.value })}</p>`}
    ${!s.fatalDetail.value && html`<button type="button" class="secondary" onClick=${() => {
      s.phase.value = 'loading';
      desk.start();
    }}>${tx('panel.retry')}</button>`}
  </div>`;
}

function Connection() {
  if (!s.reconnecting.value) return null;
  return html`<p class="banner" role="status">${tx('panel.reconnecting')}</p>`;
}

function Chat() {
  const c = s.conversation.value;
  const rate = s.asksRating.value && skipped.value !== c.id;
  return html`<${MessageList} />
    <${Typing} />
    ${rate ? html`<${Rating} />` : html`<${Composer} />`}`;
}

function drop(e) {
  if (s.view.value !== 'chat' || !e.dataTransfer?.files?.length) return;
  e.preventDefault();
  desk.addFiles([...e.dataTransfer.files]);
}

function Panel() {
  const v = s.view.value;
  return html`<div class="panel-inner" onDragOver=${(e) => e.preventDefault()} onDrop=${drop}>
    <${Header} />
    <${Connection} />
    <div class="body">
      ${v === 'loading' && html`<${Loading} />`}
      ${v === 'fatal' && html`<${Problem} />`}
      ${v === 'prechat' && html`<${StartForm} key="prechat" away=${false} />`}
      ${v === 'away' && html`<${StartForm} key="away" away=${true} />`}
      ${v === 'chat' && html`<${Chat} />`}
    </div>
    <p class="brand">${tx('panel.brand')}</p>
  </div>`;
}

// ---- the pre-chat and away ("we'll reply by email") forms, checked here, then by the server ----

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Typing in a field takes its complaint away. */
function clear(name) {
  if (!s.fieldErrors.value[name]) return;
  const { [name]: gone, ...rest } = s.fieldErrors.value;
  s.fieldErrors.value = rest;
}

function Field({ name, label, need, type = 'text', auto }) {
  if (need === 'off') return null;
  const error = s.fieldErrors.value[name];
  const id = `sb-${name}`;
  const box = {
    id,
    name,
    onInput: () => clear(name),
    'aria-required': need === 'required' ? 'true' : undefined,
    'aria-invalid': error ? 'true' : undefined,
    'aria-describedby': error ? `${id}-error` : undefined,
  };
  return html`<div class="field">
    <label for=${id}>${label}${need === 'optional' && html` <span class="optional">${tx('form.optional')}</span>`}</label>
    ${type === 'textarea' ? html`<textarea rows="3" ...${box}></textarea>` : html`<input type=${type} autocomplete=${auto} ...${box} />`}
    ${error && html`<p class="field-error" id=${`${id}-error`}>${error}</p>`}
  </div>`;
}

/** What is wrong with the form's values, by field (empty when nothing is). */
function check(values, needs) {
  const errors = {};
  if (needs.name === 'required' && !values.name) errors.name = tx('form.need_name');
  if (needs.email === 'required' && !values.email) errors.email = tx('form.need_email');
  else if (values.email && !EMAIL.test(values.email)) errors.email = tx('form.bad_email');
  if (!values.text) errors.text = tx('form.need_message');
  return errors;
}

class StartForm extends Component {
  constructor() {
    super();
    this.form = createRef();
  }

  componentDidMount() {
    this.form.current?.querySelector('input, textarea')?.focus({ preventScroll: true });
  }

  async submit(e, needs) {
    e.preventDefault();
    const data = new FormData(e.target);
    const values = Object.fromEntries(['name', 'email', 'text'].map((k) => [k, String(data.get(k) || '').trim()]));
    const errors = check(values, needs);
    s.fieldErrors.value = errors;
    s.formError.value = '';
    const first = Object.keys(errors)[0];
    if (first) {
      e.target.querySelector(`[name=${first}]`)?.focus();
      return;
    }
    await desk.begin(values, this.props.away);
  }

  render({ away }) {
    const i = s.inbox.value;
    const needs = away ? { name: 'required', email: 'required' } : { name: i.prechat_name, email: i.prechat_email };
    return html`<form class="start" ref=${this.form} novalidate onSubmit=${(e) => this.submit(e, needs)}>
      <div class="intro">
        <span class="avatar big" aria-hidden="true">${away ? html`<${Mail} />` : html`<${Bubble} />`}</span>
        <h3>${away ? tx('away.title') : i.greeting || tx('empty.greeting')}</h3>
        <p>${away ? tx('away.text') : tx('prechat.text')}</p>
      </div>
      <${Field} name="name" label=${tx('form.name')} need=${needs.name} auto="name" />
      <${Field} name="email" label=${tx('form.email')} need=${needs.email} type="email" auto="email" />
      <${Field} name="text" label=${tx('form.message')} need="required" type="textarea" />
      ${s.formError.value && html`<p class="inline-error" role="alert">${s.formError.value}</p>`}
      <button type="submit" class="primary" disabled=${s.formBusy.value}>
        ${s.formBusy.value ? tx('form.sending') : away ? tx('away.submit') : tx('prechat.submit')}</button>
    </form>`;
  }
}

// ---- after the desk closes the conversation: one to five stars and an optional comment ----

/** The customer chose not to rate this conversation (by id). */
const skipped = signal('');

class Rating extends Component {
  constructor() {
    super();
    this.box = createRef();
  }

  componentDidMount() {
    this.box.current?.querySelector('input')?.focus({ preventScroll: true });
  }

  submit(e) {
    e.preventDefault();
    if (!s.stars.value) return;
    const comment = String(new FormData(e.target).get('comment') || '').trim();
    desk.rate(s.stars.value, comment);
  }

  render() {
    const score = s.stars.value;
    return html`<form class="rating" ref=${this.box} onSubmit=${(e) => this.submit(e)}>
      <fieldset>
        <legend>${tx('rating.title')}</legend>
        <div class="stars">
          ${[1, 2, 3, 4, 5].map((n) => html`<label class="star" title=${tx('rating.stars', { count: n })}>
            <input type="radio" name="score" value=${n} class="star-input" checked=${score === n}
              aria-label=${tx('rating.stars', { count: n })} onChange=${() => (s.stars.value = n)} />
            <${Star} on=${n <= score} />
          </label>`)}
        </div>
        <p class="star-word" aria-hidden="true">${score ? tx(`rating.word.${score}`) : '\u00a0'}</p>
      </fieldset>
      <label class="sr-only" for="sb-comment">${tx('rating.comment')}</label>
      <textarea id="sb-comment" name="comment" rows="2" placeholder=${tx('rating.comment')}></textarea>
      ${s.formError.value && html`<p class="inline-error" role="alert">${s.formError.value}</p>`}
      <div class="rating-actions">
        <button type="button" class="link" onClick=${() => (skipped.value = s.conversation.value.id)}>${tx('rating.skip')}</button>
        <button type="submit" class="primary" disabled=${!score || s.formBusy.value}>
          ${s.formBusy.value ? tx('form.sending') : tx('rating.submit')}</button>
      </div>
    </form>`;
  }
}
