// actions.js — what an agent can do with the open conversation: assign to me, unassign,
// set subject, priority and labels, mark unread, a conference (invite a colleague, join
// when invited, end it),
// transfer (to an agent of the inbox, showing their load against capacity, or to a team,
// with a note), close (with a wrap-up reason, required where the inbox says so; a
// justification when it is someone else's) and reopen. A refusal is said in the server's
// words next to the actions and changes nothing.

import { html, useState, useEffect } from '/common/html.js';
import { api } from '/common/api.js';
import { t } from '/common/i18n.js';
import { describe } from '/common/problem.js';
import { TransferForm, useTargets } from '/common/transfer.js';
import { FormFooter } from '/common/field.js';
import * as s from './state.js';

function TransferTo({ c, onDone }) {
  return html`<${TransferForm} id=${c.id} send=${(body) => s.act(c.id, 'transfer', body)} onDone=${onDone} />`;
}

function InviteForm({ c, onDone }) {
  const [agent, setAgent] = useState('');
  const [error, setError] = useState('');
  const targets = useTargets(c.id, setError);
  async function submit(e) {
    e.preventDefault();
    if (!agent) return setError(t('conference.pick'));
    try {
      await s.act(c.id, 'conference', { agent_id: agent });
      onDone();
    } catch (err) {
      setError(describe(err));
    }
  }
  const present = new Set([...(c.conference || []), ...(c.invited || [])]);
  return html`<form class="popover card" onSubmit=${submit} aria-label=${t('action.invite')}>
    <label for="invite-agent">${t('conference.agent')}</label>
    <select id="invite-agent" value=${agent} onChange=${(e) => setAgent(e.target.value)}>
      <option value="">${targets ? t('conference.choose') : t('app.loading')}</option>
      ${targets?.agents.filter((a) => !present.has(a.id)).map((a) => html`<option value=${a.id} disabled=${a.status === 'offline'}>
        ${a.name} · ${t(`status.${a.status}`)}</option>`)}
    </select>
    <${FormFooter} error=${error} submit=${t('action.invite')} onDone=${onDone} />
  </form>`;
}

function DetailsForm({ c, onDone, onUnread }) {
  const labels = Object.values(s.directory.value.labels);
  const [subject, setSubject] = useState(c.subject || '');
  const [priority, setPriority] = useState(c.priority || 'normal');
  const [chosen, setChosen] = useState(new Set(c.labels || []));
  const [error, setError] = useState('');
  const toggle = (id) => {
    const next = new Set(chosen);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setChosen(next);
  };
  async function submit(e) {
    e.preventDefault();
    try {
      const updated = await api('PATCH', `/api/v1/conversations/${c.id}`, { subject, priority, labels: [...chosen] });
      s.conversation.value = updated;
      s.scheduleRefresh();
      onDone();
    } catch (err) {
      setError(describe(err));
    }
  }
  return html`<form class="popover card" onSubmit=${submit} aria-label=${t('details.label')}>
    <label for="details-subject">${t('details.subject')}</label>
    <input id="details-subject" type="text" maxlength="500" value=${subject} onInput=${(e) => setSubject(e.target.value)} />
    <label for="details-priority">${t('details.priority')}</label>
    <select id="details-priority" value=${priority} onChange=${(e) => setPriority(e.target.value)}>
      ${['low', 'normal', 'high', 'urgent'].map((p) => html`<option value=${p}>${t(`priority.${p}`)}</option>`)}
    </select>
    <fieldset class="labels">
      <legend>${t('details.labels')}</legend>
      ${labels.map((l) => html`<label class="check"><input type="checkbox" checked=${chosen.has(l.id)} onChange=${() => toggle(l.id)} />
        <span class="chip chip-label">${l.name}</span></label>`)}
    </fieldset>
    ${error && html`<p class="field-error" role="alert">${error}</p>`}
    <div class="row">
      <button class="btn btn-primary btn-sm" type="submit">${t('action.save')}</button>
      <button class="btn btn-secondary btn-sm" type="button" onClick=${onDone}>${t('action.cancel')}</button>
      <button class="btn btn-link" type="button" onClick=${onUnread}>${t('action.unread')}</button>
    </div>
  </form>`;
}

function CloseForm({ c, onDone }) {
  const [find, setFind] = useState('');
  const wanted = find.trim().toLowerCase();
  const reasons = s.directory.value.wrapUps.filter((r) => !r.archived && (!wanted || r.name.toLowerCase().includes(wanted)));
  const required = Boolean(s.directory.value.inboxes[c.inbox_id]?.wrap_up_required);
  const [reason, setReason] = useState('');
  const [justification, setJustification] = useState('');
  const [error, setError] = useState('');
  const someoneElses = c.assignee_id && c.assignee_id !== s.me.value.id;
  // The form opens with the reason in focus, so the keyboard can go on from there.
  useEffect(() => document.getElementById('wrap-up')?.focus(), []);
  async function submit(e) {
    e.preventDefault();
    if (required && !reason) return setError(t('close.reason_required'));
    const body = {};
    if (reason) body.wrap_up_reason_id = reason;
    if (justification.trim()) body.justification = justification.trim();
    try {
      await s.act(c.id, 'close', body);
      onDone();
    } catch (err) {
      setError(describe(err));
    }
  }
  return html`<form class="popover card" onSubmit=${submit} aria-label=${t('action.close')}>
    <label for="wrap-up">${required ? t('close.reason_needed') : t('close.reason')}</label>
    <input type="search" class="find" aria-label=${t('close.find')} placeholder=${t('close.find')} value=${find}
      onInput=${(e) => { setFind(e.target.value); setReason(''); }} />
    <select id="wrap-up" value=${reason} onChange=${(e) => setReason(e.target.value)}>
      <option value="">${required ? t('close.choose') : t('close.no_reason')}</option>
      ${reasons.map((r) => html`<option value=${r.id}>${r.name}</option>`)}
    </select>
    ${someoneElses && html`<label for="justification">${t('close.justification')}</label>
      <textarea id="justification" rows="2" value=${justification} onInput=${(e) => setJustification(e.target.value)} />`}
    <${FormFooter} error=${error} submit=${t('close.confirm')} onDone=${onDone} />
  </form>`;
}

export function Actions({ c }) {
  const [error, setError] = useState('');
  /** The open form: '', 'close' or 'transfer'. */
  const [form, setForm] = useState('');
  useEffect(() => {
    setError('');
    setForm('');
  }, [c.id]);
  const toggle = (name) => () => setForm(form === name ? '' : name);
  const mine = c.assignee_id === s.me.value.id;
  const run = (path) => async () => {
    setError('');
    try {
      await s.act(c.id, path);
    } catch (err) {
      setError(describe(err));
    }
  };
  const closed = c.status === 'closed';
  const invited = (c.invited || []).includes(s.me.value.id);
  const sharing = (c.conference || []).length > 0 || (c.invited || []).length > 0;
  const end = async () => {
    setError('');
    try {
      s.conversation.value = await api('DELETE', `/api/v1/conversations/${c.id}/conference`);
    } catch (err) {
      setError(describe(err));
    }
  };
  // Marked unread, it leaves the screen, as in a mail client.
  const unread = async () => {
    try {
      await api('POST', `/api/v1/conversations/${c.id}/unread`);
      s.closeConversation();
      s.scheduleRefresh();
    } catch (err) {
      setError(describe(err));
    }
  };
  return html`<div class="actions">
    <div class="row">
      ${!closed && !mine && html`<button class="btn btn-primary btn-sm" type="button" onClick=${run('assign')}>${t('action.assign_me')}</button>`}
      ${!closed && c.assignee_id && html`<button class="btn btn-secondary btn-sm" type="button" onClick=${run('unassign')}>${t('action.unassign')}</button>`}
      ${!closed && mine && html`<button class="btn btn-secondary btn-sm" type="button" aria-expanded=${String(form === 'transfer')} onClick=${toggle('transfer')}>${t('action.transfer')}</button>`}
      ${!closed && mine && html`<button class="btn btn-secondary btn-sm" type="button" aria-expanded=${String(form === 'invite')} onClick=${toggle('invite')}>${t('action.invite')}</button>`}
      ${!closed && invited && html`<button class="btn btn-primary btn-sm" type="button" onClick=${run('conference/accept')}>${t('action.join')}</button>`}
      ${!closed && mine && sharing && html`<button class="btn btn-secondary btn-sm" type="button" onClick=${end}>${t('action.end_conference')}</button>`}
      ${!closed && html`<button class="btn btn-secondary btn-sm" type="button" data-action="close" aria-expanded=${String(form === 'close')} onClick=${toggle('close')}>${t('action.close')}</button>`}
      ${closed && html`<button class="btn btn-secondary btn-sm" type="button" onClick=${run('reopen')}>${t('action.reopen')}</button>`}
      <button class="btn btn-secondary btn-sm" type="button" aria-expanded=${String(form === 'details')} onClick=${toggle('details')}>${t('action.details')}</button>

    </div>
    ${error && html`<p class="action-error" role="alert">${error}</p>`}
    ${form === 'close' && !closed && html`<${CloseForm} c=${c} onDone=${() => setForm('')} />`}
    ${form === 'transfer' && !closed && html`<${TransferTo} c=${c} onDone=${() => setForm('')} />`}
    ${form === 'invite' && !closed && html`<${InviteForm} c=${c} onDone=${() => setForm('')} />`}
    ${form === 'details' && html`<${DetailsForm} c=${c} onDone=${() => setForm('')} onUnread=${unread} />`}
  </div>`;
}
