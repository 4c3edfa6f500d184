// panel.js — the chat panel: a header in the inbox colour, then loading, a problem, a form or chat.
// Escape, which closes it, is the loader's: it works before this module is in.

import { html } from './kit.js';
import * as s from './store.js';
import * as actions from './actions.js';
import * as uploads from './uploads.js';
import { tx } from './i18n.js';
import { initials } from './text.js';
import { MessageList, Typing } from './messages.js';
import { Composer } from './composer.js';
import { StartForm } from './forms.js';
import { Rating, skipped } from './rating.js';
import { Close, Alert, Bubble } from './icons.js';

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
      actions.start();
    }}>${tx('panel.retry')}</button>`}
  </div>`;
}

function Connection() {
  if (s.connection.value !== 'reconnecting') return null;
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
  uploads.add([...e.dataTransfer.files]);
}

export function Panel() {
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
