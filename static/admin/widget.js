// widget.js — the live-chat widget's part of a live-chat inbox's editor: its look (colour,
// greeting), the sites it may run on, what it asks before a chat and what it shows when
// nobody is available (fields of the inbox form, sent as its `widget`), then what is not a
// field: the identity secret (made new on request and shown once, like a one-time password)
// and the snippet to paste into the host site, with a link to try the widget as a customer.

import { html, useState } from '/common/html.js';
import { api } from '/common/api.js';
import { t } from '/common/i18n.js';
import { describe } from '/common/problem.js';
import { CopyButton, Secret } from './users.js';

const isLivechat = (values, record) => (record ? record.channel : values.channel) === 'livechat';
const ASK = () => ['off', 'optional', 'required'].map((x) => [x, t(`admin.w.ask.${x}`)]);

/** The widget's settings, as fields of the inbox form (group `widget`). */
export const WIDGET_FIELDS = [
  { name: 'color', group: 'widget', label: 'admin.w.color', type: 'color', default: '#4f46e5', when: isLivechat },
  { name: 'greeting', group: 'widget', label: 'admin.w.greeting', max: 500, keepEmpty: true, hint: 'admin.w.h.greeting', when: isLivechat },
  {
    name: 'allowed_origins',
    group: 'widget',
    label: 'admin.w.origins',
    type: 'textarea',
    placeholder: 'https://shop.example.com',
    hint: 'admin.w.h.origins',
    keepEmpty: true, // an emptied list is sent, and empties the server's
    when: isLivechat,
    read: (w) => (w.allowed_origins || []).join('\n'),
    write: (v) => String(v ?? '').split(/[\s,]+/).map((x) => x.replace(/\/+$/, '')).filter(Boolean),
  },
  { name: 'prechat_name', group: 'widget', label: 'admin.w.prechat_name', type: 'select', default: 'optional', options: ASK, when: isLivechat },
  { name: 'prechat_email', group: 'widget', label: 'admin.w.prechat_email', type: 'select', default: 'optional', options: ASK, when: isLivechat },
  {
    name: 'offline',
    group: 'widget',
    label: 'admin.w.offline',
    type: 'select',
    default: 'email_form',
    hint: 'admin.w.h.offline',
    options: () => ['email_form', 'hide'].map((x) => [x, t(`admin.w.offline.${x}`)]),
    when: isLivechat,
  },
];

/** The tag a host site pastes into its pages to load the widget of `inboxId`. */
export function snippet(inboxId, origin = location.origin) {
  return `<script src="${origin}/widget/widget.js" data-inbox="${inboxId}" async></script>`;
}

/** Whether a secret is set, and a new one on request (asked twice when one is in use). */
function IdentitySecret({ inbox }) {
  const [set, setSet] = useState(Boolean(inbox.widget?.identity_secret_set));
  const [asking, setAsking] = useState(false);
  const [secret, setSecret] = useState('');
  const [error, setError] = useState('');
  async function make() {
    setAsking(false);
    setError('');
    try {
      const made = await api('POST', `/api/v1/inboxes/${inbox.id}/widget_secret`);
      setSecret(made.secret);
      setSet(true);
    } catch (err) {
      setError(describe(err));
    }
  }
  return html`<div class="widget-block" role="group" aria-labelledby=${`wid-${inbox.id}`}>
    <h3 id=${`wid-${inbox.id}`}>${t('admin.w.identity')}
      <span class=${`chip ${set ? 'chip-on' : ''}`}>${set ? t('admin.w.secret_set') : t('admin.w.secret_unset')}</span></h3>
    <p class="hint">${t('admin.w.h.identity')}</p>
    ${secret && html`<div class="notice" role="status"><${Secret} label=${t('admin.w.new_secret')} value=${secret} hint=${t('admin.w.h.secret_once')} /></div>`}
    ${error && html`<p class="field-error" role="alert">${error}</p>`}
    ${asking
      ? html`<div class="confirm" role="group" aria-label=${t('admin.w.replace_q')}>
          <span>${t('admin.w.replace_q')}</span>
          <button type="button" class="btn btn-primary btn-sm" onClick=${make}>${t('admin.w.replace')}</button>
          <button type="button" class="btn btn-secondary btn-sm" onClick=${() => setAsking(false)}>${t('action.cancel')}</button>
        </div>`
      : html`<div class="row"><button type="button" class="btn btn-secondary btn-sm" onClick=${() => (set ? setAsking(true) : make())}>
          ${t('admin.w.new_secret')}</button></div>`}
  </div>`;
}

/** The snippet to copy and the way to try the widget. */
function Embed({ inbox }) {
  const code = snippet(inbox.id);
  return html`<div class="widget-block" role="group" aria-labelledby=${`wemb-${inbox.id}`}>
    <h3 id=${`wemb-${inbox.id}`}>${t('admin.w.embed')}</h3>
    <p class="hint">${t('admin.w.h.embed')}</p>
    <div class="snippet">
      <pre><code>${code}</code></pre>
      <${CopyButton} value=${code} label=${t('admin.w.embed')} />
    </div>
    <a class="btn btn-secondary btn-sm try" href=${`/widget/demo.html?inbox=${encodeURIComponent(inbox.id)}`} target="_blank"
      rel="noopener">${t('admin.w.try')}</a>
  </div>`;
}

/** What follows the widget's fields: the secret and the snippet (once the inbox exists). */
export function WidgetExtras({ inbox }) {
  if (!inbox) return html`<p class="hint widget-later">${t('admin.w.after_create')}</p>`;
  return html`<div class="widget-extras"><${IdentitySecret} inbox=${inbox} /><${Embed} inbox=${inbox} /></div>`;
}

/** The form's groups for inboxes: the widget's legend, intro and extras for `record`. */
export function widgetGroups(record) {
  return { widget: { legend: 'admin.w.legend', intro: 'admin.w.intro', extra: () => html`<${WidgetExtras} inbox=${record} />` } };
}
