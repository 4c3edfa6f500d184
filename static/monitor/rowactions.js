// rowactions.js — acting from the monitor: transfer a conversation to an agent or a team
// (with a note), end it with a justification (required, F8), and end the ticked ones at
// once, where each conversation in progress is refused with its reason, shown in its row.
// Every result shows in the row; the live stream then moves or removes it.

import { html, useState } from '/common/html.js';
import { api } from '/common/api.js';
import { t } from '/common/i18n.js';
import { describe } from '/common/problem.js';
import { TransferForm } from '/common/transfer.js';
import { FormFooter } from '/common/field.js';
import * as s from './state.js';

function TransferRow({ c, onDone }) {
  async function send(body) {
    await api('POST', `/api/v1/conversations/${c.id}/transfer`, body);
    s.said(c.id, true, t('monitor.transferred'));
    s.load();
  }
  return html`<${TransferForm} id=${c.id} send=${send} onDone=${onDone} prefix=${`tr-${c.id}`} className="row-form" />`;
}

/** The wrap-up reason picker (required by some inboxes). */
function Reason({ id, value, set }) {
  return html`<label for=${id}>${t('close.reason')}</label>
    <select id=${id} value=${value} onChange=${(e) => set(e.target.value)}>
      <option value="">${t('monitor.no_reason')}</option>
      ${s.directory.value.wrapUps.map((r) => html`<option value=${r.id}>${r.name}</option>`)}
    </select>`;
}

/** The body of an end: the justification and the reason, if one was chosen. */
function endBody(why, reason) {
  const body = { justification: why.trim() };
  if (reason) body.wrap_up_reason_id = reason;
  return body;
}

function EndForm({ c, onDone }) {
  const [why, setWhy] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  async function submit(e) {
    e.preventDefault();
    if (!why.trim()) return setError(t('monitor.justification_needed'));
    try {
      await api('POST', `/api/v1/conversations/${c.id}/close`, endBody(why, reason));
      s.said(c.id, true, t('monitor.ended'));
      onDone();
      s.load();
    } catch (err) {
      setError(describe(err));
    }
  }
  return html`<form class="row-form" onSubmit=${submit}>
    <label for=${`why-${c.id}`}>${t('monitor.justification')}</label>
    <textarea id=${`why-${c.id}`} rows="2" value=${why} aria-invalid=${error ? 'true' : undefined}
      onInput=${(e) => setWhy(e.target.value)} />
    <${Reason} id=${`reason-${c.id}`} value=${reason} set=${setReason} />
    <${FormFooter} error=${error} submit=${t('monitor.end')} onDone=${onDone} />
  </form>`;
}

/** A row's buttons, and the form one of them opened. */
export function RowActions({ c }) {
  const [open, setOpen] = useState('');
  const name = c.customer?.name || `#${c.number}`;
  if (open === 'transfer') return html`<${TransferRow} c=${c} onDone=${() => setOpen('')} />`;
  if (open === 'end') return html`<${EndForm} c=${c} onDone=${() => setOpen('')} />`;
  return html`<div class="row">
    <button type="button" class="btn btn-secondary btn-sm" aria-label=${t('monitor.transfer_of', { name })} onClick=${() => setOpen('transfer')}>${t('action.transfer')}</button>
    <button type="button" class="btn btn-secondary btn-sm" aria-label=${t('monitor.end_of', { name })} onClick=${() => setOpen('end')}>${t('monitor.end')}</button>
  </div>`;
}

/** Ending the ticked conversations together, with one justification. */
export function BulkEnd() {
  const ids = [...s.selected.value];
  const [why, setWhy] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState('');
  if (!ids.length) return null;
  async function submit(e) {
    e.preventDefault();
    s.notice.value = '';
    if (!why.trim()) return setError(t('monitor.justification_needed'));
    try {
      const result = await api('POST', '/api/v1/conversations/bulk-close', { ids, ...endBody(why, reason) });
      for (const r of result.results) s.said(r.id, r.closed, r.closed ? t('monitor.ended') : describe({ status: 409, ...r.problem }));
      s.notice.value = t('monitor.bulk_result', { closed: result.closed, refused: result.refused });
      s.selected.value = new Set();
      setWhy('');
      setError('');
      s.load();
    } catch (err) {
      setError(describe(err));
    }
  }
  return html`<form class="bulk card" onSubmit=${submit}>
    <strong>${t('monitor.ticked', { count: ids.length })}</strong>
    <label class="sr-only" for="bulk-why">${t('monitor.justification')}</label>
    <input id="bulk-why" placeholder=${t('monitor.justification')} value=${why} onInput=${(e) => setWhy(e.target.value)} />
    <${Reason} id="bulk-reason" value=${reason} set=${setReason} />
    <button class="btn btn-primary btn-sm" type="submit">${t('monitor.end_ticked')}</button>
    <button class="btn btn-secondary btn-sm" type="button" onClick=${() => (s.selected.value = new Set())}>${t('action.cancel')}</button>
    ${error && html`<p class="field-error" role="status">${error}</p>`}
  </form>`;
}
