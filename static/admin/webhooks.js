// webhooks.js — webhook subscriptions: the list (address, events, inboxes, whether deliveries
// go out, or why they stopped, with what waits and how many failed in a row), a form to add or
// change one, its signing secret shown once after creation or on request, a removal asked
// twice, Resume for a stopped one, and each one's delivery log (deliveries.js).

import { html, useState, useEffect } from '/common/html.js';
import { api } from '/common/api.js';
import { t } from '/common/i18n.js';
import { describe } from '/common/problem.js';
import { RecordForm, Said } from './form.js';
import { Secret } from './users.js';
import { Deliveries } from './deliveries.js';

/** The events a subscription may ask for, in the order of the form. */
export const EVENTS = ['conversation.created', 'conversation.updated', 'conversation.closed', 'message.created', 'contact.updated', 'rating.created'];

const BASE = '/api/v1/webhooks';

function fields(inboxes) {
  return [
    { name: 'url', label: 'admin.wh.url', type: 'url', required: true, max: 2000, placeholder: 'https://example.com/hooks/switchboard', hint: 'admin.wh.h.url' },
    { name: 'description', label: 'admin.f.description', max: 200, keepEmpty: true },
    { name: 'events', label: 'admin.wh.events', type: 'ticks', default: ['conversation.created', 'message.created'], options: () => EVENTS.map((e) => [e, t(`admin.wh.ev.${e}`)]) },
    { name: 'inbox_ids', label: 'admin.wh.inboxes', type: 'ticks', hint: 'admin.wh.h.inboxes', options: () => inboxes.map((i) => [i.id, i.name]) },
    { name: 'active', label: 'admin.wh.active', type: 'checkbox', editOnly: true, hint: 'admin.wh.h.active' },
  ];
}

/**
 * Where a subscription stands: delivering, paused by an admin, or stopped by the server (and
 * why), with the deliveries waiting and the failures in a row.
 */
function State({ w, onResume }) {
  const state = w.active ? 'active' : w.disabled_reason ? 'disabled' : 'paused';
  return html`<div class="wh-state">
    <span class=${`chip chip-${state}`}>${t(`admin.wh.state.${state}`)}</span>
    ${w.disabled_reason && html`<p class="small wh-reason">${w.disabled_reason}</p>`}
    <dl class="wh-counts small">
      <dt>${t('admin.wh.pending')}</dt><dd class="num">${w.pending}</dd>
      <dt>${t('admin.wh.streak')}</dt><dd class=${`num${w.failure_streak > 0 ? ' wh-failing' : ''}`}>${w.failure_streak}</dd>
    </dl>
    ${!w.active && html`<button type="button" class="btn btn-primary btn-sm" aria-label=${`${t('admin.wh.resume')}: ${w.url}`}
      onClick=${onResume}>${t('admin.wh.resume')}</button>`}
  </div>`;
}

/** A row's buttons; removal and a new secret are each asked twice. */
function Actions({ w, open, onEdit, onLog, onAct }) {
  const [asking, setAsking] = useState(''); // '', 'delete' or 'secret'
  if (asking) {
    const q = asking === 'delete' ? 'admin.wh.delete_q' : 'admin.wh.secret_q';
    return html`<div class="confirm" role="group" aria-label=${t(q)}>
      <span>${t(q)}</span>
      <div class="row">
        <button type="button" class="btn btn-primary btn-sm" onClick=${() => { setAsking(''); onAct(asking); }}>
          ${asking === 'delete' ? t('admin.delete') : t('admin.wh.new_secret')}</button>
        <button type="button" class="btn btn-secondary btn-sm" onClick=${() => setAsking('')}>${t('action.cancel')}</button>
      </div>
    </div>`;
  }
  const named = (k) => `${t(k)}: ${w.url}`;
  return html`<div class="row">
    <button type="button" class="btn btn-secondary btn-sm" aria-label=${named('admin.edit')} onClick=${onEdit}>${t('admin.edit')}</button>
    <button type="button" class="btn btn-secondary btn-sm" aria-expanded=${String(open)} aria-label=${named('admin.wh.log')}
      onClick=${onLog}>${t('admin.wh.log')}</button>
    <button type="button" class="btn btn-secondary btn-sm" aria-label=${named('admin.wh.new_secret')}
      onClick=${() => setAsking('secret')}>${t('admin.wh.new_secret')}</button>
    <button type="button" class="btn btn-secondary btn-sm" aria-label=${named('admin.delete')}
      onClick=${() => setAsking('delete')}>${t('admin.delete')}</button>
  </div>`;
}

export function Webhooks() {
  const [items, setItems] = useState(null);
  const [inboxes, setInboxes] = useState([]);
  const [editing, setEditing] = useState(null); // 'new', or a subscription
  const [log, setLog] = useState(null); // the id whose deliveries are open
  const [said, setSaid] = useState(null);
  const load = () => api('GET', BASE).then((p) => setItems(p.items || []), (err) => setSaid({ ok: false, text: describe(err) }));
  useEffect(() => {
    load();
    api('GET', '/api/v1/inboxes').then((p) => setInboxes(p.items || []), () => {});
  }, []);
  const inboxNames = (ids) => (ids?.length ? ids.map((id) => inboxes.find((i) => i.id === id)?.name || id).join(', ') : t('admin.wh.all_inboxes'));
  async function save(body) {
    if (editing === 'new') {
      const made = await api('POST', BASE, body);
      setSaid({ ok: true, text: t('admin.created'), secret: made.secret });
    } else {
      await api('PATCH', `${BASE}/${editing.id}`, body);
      setSaid({ ok: true, text: t('admin.saved') });
    }
    load();
  }
  async function act(w, what) {
    try {
      if (what === 'delete') {
        await api('DELETE', `${BASE}/${w.id}`);
        setSaid({ ok: true, text: t('admin.removed', { name: w.url }) });
      } else if (what === 'secret') {
        const made = await api('POST', `${BASE}/${w.id}/secret`);
        setSaid({ ok: true, text: t('admin.wh.secret_made', { url: w.url }), secret: made.secret });
      } else {
        await api('POST', `${BASE}/${w.id}/resume`);
        setSaid({ ok: true, text: t('admin.wh.resumed', { url: w.url }) });
      }
      load();
    } catch (err) {
      setSaid({ ok: false, text: describe(err) });
    }
  }
  const form = editing && html`<${RecordForm} key=${editing === 'new' ? 'new' : editing.id} fields=${fields(inboxes)}
    record=${editing === 'new' ? null : editing} idPrefix="webhook" save=${save} onDone=${() => setEditing(null)}
    submit=${editing === 'new' ? t('admin.create') : t('admin.save')} />`;
  const cols = ['admin.wh.url', 'admin.wh.events', 'admin.wh.inboxes', 'admin.c.status', 'monitor.col.actions'];
  return html`<section class="admin-section" aria-labelledby="h-webhooks">
    <div class="section-head"><h2 id="h-webhooks">${t('admin.s.webhooks')}</h2>
      <button type="button" class="btn btn-primary btn-sm" onClick=${() => setEditing('new')}>${t('admin.new.webhooks')}</button></div>
    <p class="muted small">${t('admin.wh.intro')}</p>
    <p class="muted small wh-verify">${t('admin.wh.verify_before')} <code>X-Switchboard-Signature</code>${t('admin.wh.verify_after')}</p>
    <${Said} said=${said}>${said?.secret && html`<${Secret} label=${t('admin.wh.secret')} value=${said.secret} hint=${t('admin.wh.h.secret_once')} />`}<//>
    ${editing === 'new' && form}
    ${items === null && !said && html`<div class="spinner" role="status"><span class="sr-only">${t('app.loading')}</span></div>`}
    ${items && items.length === 0 && html`<div class="empty"><p>${t('admin.wh.empty')}</p></div>`}
    ${items && items.length > 0 && html`<div class="table-wrap"><table class="grid webhooks stacks">
      <thead><tr>${cols.map((k) => html`<th>${t(k)}</th>`)}</tr></thead>
      <tbody>${items.map((w) => html`<tr key=${w.id}>
        <td class="wh-url" data-label=${t(cols[0])}><div><strong>${w.url}</strong>${w.description && html`<div class="muted small">${w.description}</div>`}</div></td>
        <td data-label=${t(cols[1])}><div class="wh-events">${w.events.map((e) => html`<code class="chip" title=${t(`admin.wh.ev.${e}`)}>${e}</code>`)}</div></td>
        <td data-label=${t(cols[2])}>${inboxNames(w.inbox_ids)}</td>
        <td data-label=${t(cols[3])}><${State} w=${w} onResume=${() => act(w, 'resume')} /></td>
        <td class="row-actions"><${Actions} w=${w} open=${log === w.id} onEdit=${() => setEditing(w)}
          onLog=${() => setLog(log === w.id ? null : w.id)} onAct=${(what) => act(w, what)} /></td>
      </tr>
      ${editing && editing !== 'new' && editing.id === w.id && html`<tr class="edit-row" key=${`e-${w.id}`}><td colspan=${cols.length}>${form}</td></tr>`}
      ${log === w.id && html`<tr class="edit-row" key=${`l-${w.id}`}><td colspan=${cols.length}><${Deliveries} webhook=${w} /></td></tr>`}`)}
      </tbody></table></div>`}
  </section>`;
}
